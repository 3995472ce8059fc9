// Timing read calls for the benchmark programs: each figure's timed calls
// after warm-ups (p50, p99), and plain baseline queries over the base tables.
#ifndef TECHRENO_TESTS_BENCH_TIMING_H_
#define TECHRENO_TESTS_BENCH_TIMING_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <pqxx/pqxx>
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

struct Timed {
  std::vector<double> ms;
  double P50() const;
  double P99() const;
};

// Calls `call` 3 times untimed, then `n` times timed, or fewer (at least 3)
// once the timed calls took a minute (the project path at ×10 takes seconds
// a call); false if any call failed.
bool Time(int n, Timed& out, const std::function<grpc::Status()>& call);

// Times `call`, each time with a fresh context carrying `token`, into `f`'s
// p50, p99 and call count; exits on a failed call (a figure would be wrong).
void TimeInto(QueryFigure& f, int calls, const std::string& token,
              const std::function<grpc::Status(grpc::ClientContext&)>& call);

// Runs `query` once untimed and `runs` times timed in one read transaction.
pqxx::result TimePlain(store::Pool& pool, int runs, double& p50_ms, const std::string& query);

}  // namespace techreno::bench

#endif  // TECHRENO_TESTS_BENCH_TIMING_H_
