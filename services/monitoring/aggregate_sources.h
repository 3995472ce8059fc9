// Where QueryAggregates' figures come from, as per-row, per-bucket Figures:
//  - FromSummaries: the summaries kept by migration 0009's triggers (county ×
//    dimension value × month, and project cohorts by start and completion):
//    rows by region and region group and at most one other dimension, a
//    division filter, no enterprise counts;
//  - FromProjects: every project in scope with its reports (any dimension,
//    filters on project attributes, distinct enterprise counts).
// Both are exact; every figure adds up per project, so rows are sums.
#ifndef TECHRENO_SERVICES_MONITORING_AGGREGATE_SOURCES_H_
#define TECHRENO_SERVICES_MONITORING_AGGREGATE_SOURCES_H_

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "services/monitoring/buckets.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

using AggregateKey = std::vector<std::string>;  // one value per group_by dimension

// One row's figures in one bucket (see AggregateRow for their meaning).
struct Figures {
  int64_t projects = 0, planned = 0;
  int64_t completed = 0, ytd = 0, since_start = 0, prior = 0, prior_ytd = 0;
  std::set<std::string> completed_enterprises, completed_enterprises_ytd;
  std::set<std::string> pilot_enterprises, certified_enterprises;
};

struct AggregateData {
  std::map<AggregateKey, std::vector<Figures>> rows;  // one Figures per bucket
  std::vector<Figures> totals;                        // each project once
};

struct AggregateScope {
  const v1::QueryAggregatesRequest* request;
  std::set<std::string> counties;  // county-level units in scope and filters
  std::vector<Bucket> buckets;
};

AggregateData FromSummaries(pqxx::transaction_base& tx, const AggregateScope& scope);
AggregateData FromProjects(pqxx::transaction_base& tx, const AggregateScope& scope);

// True when the request needs FromProjects.
bool NeedsProjects(const v1::QueryAggregatesRequest& request);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_AGGREGATE_SOURCES_H_
