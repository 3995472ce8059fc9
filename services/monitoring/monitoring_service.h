// techreno.v1.InvestmentMonitoring: thin handlers over report_rules.h (pure
// checks), report_writer.h (the report write path), targets.h (target rules
// and the target tree) and monitoring_store.h (SQL).
//
// Implemented: SubmitProgress, PushProgress, LockPeriod, SetTarget,
// ListTargets, QueryAggregates (region, region group and industry division;
// see aggregates.cc for what is not served yet). GetReportingCompliance and
// ListLaggingProjects answer UNIMPLEMENTED until they land.
#ifndef TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_
#define TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "libs/rpc/push_stream.h"
#include "libs/store/pool.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::monitoring {

struct MonitoringOptions {
  rpc::PushLimits push;                          // PushProgress batching and limits
  std::function<absl::Time()> clock = absl::Now;  // "now" for future periods and lateness
};

class MonitoringService final : public v1::InvestmentMonitoring::Service {
 public:
  explicit MonitoringService(store::Pool& pool, MonitoringOptions options = {})
      : pool_(pool), options_(std::move(options)) {}

  grpc::Status SubmitProgress(grpc::ServerContext* context,
                              const v1::SubmitProgressRequest* request,
                              v1::SubmitProgressResponse* response) override;
  grpc::Status PushProgress(grpc::ServerContext* context,
                            grpc::ServerReader<v1::PushProgressRequest>* reader,
                            v1::PushProgressResponse* response) override;
  grpc::Status LockPeriod(grpc::ServerContext* context, const v1::LockPeriodRequest* request,
                          v1::LockPeriodResponse* response) override;
  grpc::Status SetTarget(grpc::ServerContext* context, const v1::SetTargetRequest* request,
                         v1::SetTargetResponse* response) override;
  grpc::Status ListTargets(grpc::ServerContext* context, const v1::ListTargetsRequest* request,
                           v1::ListTargetsResponse* response) override;
  grpc::Status QueryAggregates(grpc::ServerContext* context,
                               const v1::QueryAggregatesRequest* request,
                               v1::QueryAggregatesResponse* response) override;

 private:
  store::Pool& pool_;
  const MonitoringOptions options_;
};

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_
