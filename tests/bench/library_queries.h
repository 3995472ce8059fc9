// The key-project library's reads for monitoring_bench (issue 9): a library of
// realistic size is laid over the data set by SQL (set-up, not measured) —
// a county entry for one eligible project in twenty, a city entry for one in
// two hundred of at least 2,000万元, a province entry for one in a thousand of
// at least 4,000万元 (the data's largest are 5,200万元: these fail the province's
// 1亿元 and show in reviews), a tenth of each still NOMINATED — then, through the real
// server: ListEntries' first page and ReviewTier for a city (广州市), and
// GetLibraryTotals province-wide by tier × region × division, checked against
// plain SQL over the base tables.
#ifndef TECHRENO_TESTS_BENCH_LIBRARY_QUERIES_H_
#define TECHRENO_TESTS_BENCH_LIBRARY_QUERIES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "libs/store/pool.h"
#include "tests/bench/timing.h"

namespace techreno::bench {

// Lays the library over the projects; prints its size.
void LoadLibrary(store::Pool& pool);

// The three figures; `city_token` is 广州市's, `province_token` the province's.
std::vector<QueryFigure> MeasureLibrary(store::Pool& pool,
                                        const std::shared_ptr<grpc::Channel>& channel,
                                        const std::string& city_token,
                                        const std::string& province_token, int calls,
                                        int plain_runs);

}  // namespace techreno::bench

#endif  // TECHRENO_TESTS_BENCH_LIBRARY_QUERIES_H_
