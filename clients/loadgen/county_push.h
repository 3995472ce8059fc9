// A county system pushing its data set the way the contract asks county
// systems to: enterprises one call each, projects and monthly reports in
// chunked streams (PushProjectsChunks, PushProgressChunks), every record with
// a request id of its own. When the server goes away or cannot answer now
// (UNAVAILABLE — a stream cut too —, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED,
// ABORTED), the county waits and pushes again from its first unanswered
// chunk with the same request ids: records that had landed come back as
// replays, so nothing is written twice and nothing is lost.
#ifndef TECHRENO_CLIENTS_LOADGEN_COUNTY_PUSH_H_
#define TECHRENO_CLIENTS_LOADGEN_COUNTY_PUSH_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/loadgen/generator.h"

namespace techreno::loadgen {

// What one county's push did, added up.
struct PushTally {
  // Enterprises answered. One call each: a replayed call repeats its first
  // answer without saying so, so they are not counted below.
  int64_t enterprises = 0;
  int64_t records = 0;                  // projects and reports answered in the streams
  int64_t accepted = 0;                 // written
  int64_t unchanged = 0;                // identical to what was stored, or replays
  int64_t replayed = 0;                 // of those, answered from a known request id
  int64_t rejected = 0;                 // should stay 0 for generated data
  int64_t retries = 0;                  // calls or streams started again after the server went away
  std::vector<std::string> rejections;  // the first few, "code: rule: message"

  void Add(const PushTally& other);
};

struct LiveCounts {
  std::atomic<int64_t> answered{0};  // records answered
  std::atomic<int64_t> retries{0};
};

struct PushSettings {
  std::shared_ptr<grpc::Channel> channel;
  std::string token;  // the county's own
  std::string tag;    // the data set's (DataSetTag), for the request ids
  // How long the county keeps trying while the server is away, per call.
  absl::Duration give_up_after = absl::Minutes(2);
  // When set, counts as they happen (shared by all counties, for the
  // progress line; a county's tally is complete only when its push ends).
  LiveCounts* live = nullptr;
};

// Pushes `data`: enterprises, projects, then the reports as first filed (by
// period), then the corrections. Fails with the last status when the server
// stays away longer than give_up_after, or answers with an error that a
// retry cannot mend (UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT...);
// the tally says how far it got.
absl::Status PushCounty(const PushSettings& settings, const CountyData& data, PushTally* tally);

// The reports in the order the county files them: each month's first filing
// by period, then the corrections (request ids from ReportRequestId).
std::vector<v1::PushProgressRequest> FilingOrder(const std::string& tag, const CountyData& data);

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_COUNTY_PUSH_H_
