// The province's read calls, timed through the real server and each checked
// against a plain query over the base tables (reports ⋈ projects ⋈ regions ⋈
// enterprises), for monitoring_bench: QueryAggregates for every grouping the
// contract offers, alone and in pairs, province-wide, 2024 by quarter;
// GetReportingCompliance for 2024's second half; the first page of
// ListLaggingProjects.
#ifndef TECHRENO_TESTS_BENCH_MONITORING_QUERIES_H_
#define TECHRENO_TESTS_BENCH_MONITORING_QUERIES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "libs/store/pool.h"

namespace techreno::bench {

// One line of the figures table: the call's p50 and p99 over its timed calls,
// the plain query's warm p50, whether every figure was equal, and the goal.
struct QueryFigure {
  std::string name;
  double p50_ms = 0, p99_ms = 0, plain_ms = 0;
  double goal_p50_ms = 0, goal_p99_ms = 0;  // 0: none
  int rows = 0, mismatches = 0, calls = 0;  // calls: how many were timed
};

// `calls` timed calls after 3 warm-ups per figure (fewer, at least 3, once
// they took a minute); plain queries 1 warm-up and `plain_runs` timed runs. The caller's principal
// is the province's.
std::vector<QueryFigure> MeasureQueries(store::Pool& pool,
                                        const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& token, int calls, int plain_runs);

// Prints the table, one line per figure.
void PrintQueryFigures(const std::vector<QueryFigure>& figures);

}  // namespace techreno::bench

#endif  // TECHRENO_TESTS_BENCH_MONITORING_QUERIES_H_
