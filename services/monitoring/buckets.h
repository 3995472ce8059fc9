// Period buckets for aggregates: months, quarters, half-years or years over an
// inclusive month range. Pure.
#ifndef TECHRENO_SERVICES_MONITORING_BUCKETS_H_
#define TECHRENO_SERVICES_MONITORING_BUCKETS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

struct Bucket {
  int first = 0;  // period index (year * 12 + month - 1) of its first month
  int last = 0;   // of its last month, clipped to the range's end
  bool partial = false;
  std::string label;  // "2016-03", "2016Q1", "2016H1", "2016"
};

// INVALID_ARGUMENT (naming the field) when the range is malformed, reversed,
// does not start on a bucket boundary, or spans more than 120 months.
absl::StatusOr<std::vector<Bucket>> MakeBuckets(v1::Granularity granularity,
                                                const std::string& from_period,
                                                const std::string& to_period);

std::string PeriodOf(int index);  // "YYYY-MM"

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_BUCKETS_H_
