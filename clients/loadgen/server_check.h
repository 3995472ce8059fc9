// After a simulation: does the server hold exactly the generated data set?
// For each county, read with the county's own token: every generated project
// is there, no other project is, and each one's investment completed since
// start (the server's sum of its stored reports) equals the sum of the
// generated final figures. Other projects of the county (its own, another
// data set's) are left alone. A report lost, written twice or left at its first
// filing instead of its correction moves that sum; a project pushed twice
// under another code shows up as one too many.
#ifndef TECHRENO_CLIENTS_LOADGEN_SERVER_CHECK_H_
#define TECHRENO_CLIENTS_LOADGEN_SERVER_CHECK_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/loadgen/generator.h"

namespace techreno::loadgen {

struct CheckTally {
  int64_t projects = 0;               // generated projects compared
  int64_t mismatches = 0;             // missing, extra, or with another total
  std::vector<std::string> examples;  // the first few, readable
  void Add(const CheckTally& other);
};

// One quick read as `county` (10 s at most, no waiting for a server that is
// not there): so that a wrong address, TLS setting or token is said at once
// rather than retried as an outage. The status says what went wrong.
absl::Status CheckReachable(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                            const std::string& county);

// Compares the county's projects of the data set tagged `tag` (their
// source_record_id starts with it: DataSetTag) on the server with `data`. Fails only when
// the server cannot be read (the status says why); differences go to `tally`.
absl::Status CheckCounty(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                         const std::string& tag, const CountyData& data, CheckTally* tally);

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_SERVER_CHECK_H_
