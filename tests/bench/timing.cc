#include "tests/bench/timing.h"

#include <cstdio>
#include <cstdlib>

#include "libs/store/transaction.h"
#include "tests/bench/bench_util.h"

namespace techreno::bench {

double Timed::P50() const { return Percentile(ms, 0.5); }
double Timed::P99() const { return Percentile(ms, 0.99); }

bool Time(int n, Timed& out, const std::function<grpc::Status()>& call) {
  double spent_s = 0;
  for (int i = 0; i < n + 3 && (i < 6 || spent_s < 60); ++i) {
    const auto t0 = Clock::now();
    grpc::Status s = call();
    if (!s.ok()) {
      std::fprintf(stderr, "call failed: %s\n", s.error_message().c_str());
      return false;
    }
    if (i >= 3) {
      out.ms.push_back(1000 * Seconds(Clock::now() - t0));
      spent_s += Seconds(Clock::now() - t0);
    }
  }
  return true;
}

void TimeInto(QueryFigure& f, int calls, const std::string& token,
              const std::function<grpc::Status(grpc::ClientContext&)>& call) {
  Timed t;
  if (!Time(calls, t, [&] {
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + token);
        return call(context);
      })) {
    std::exit(1);
  }
  f.p50_ms = t.P50();
  f.p99_ms = t.P99();
  f.calls = static_cast<int>(t.ms.size());
}

pqxx::result TimePlain(store::Pool& pool, int runs, double& p50_ms, const std::string& query) {
  pqxx::result r;
  Timed t;
  absl::Status s = store::RunReadOnly(pool, [&](pqxx::transaction_base& tx) {
    t.ms.clear();
    for (int i = 0; i <= runs; ++i) {
      const auto t0 = Clock::now();
      r = tx.exec(query);
      if (i > 0) t.ms.push_back(1000 * Seconds(Clock::now() - t0));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "plain query failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  p50_ms = t.P50();
  return r;
}

}  // namespace techreno::bench
