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
#include "tests/bench/timing.h"

namespace techreno::bench {

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
