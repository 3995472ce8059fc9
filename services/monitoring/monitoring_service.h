// techreno.v1.InvestmentMonitoring: handlers over report_rules.h (pure
// checks), report_writer.h (the report write path), monitoring_store.h (SQL)
// and scope_tree.h (the regions an answer walks). One file per method group:
// monitoring_service.cc (SubmitProgress, LockPeriod), push_progress.cc,
// targets.cc, aggregates.cc, compliance.cc, lagging.cc.
//
// Every method is served; QueryAggregates does not yet group by project or
// enterprise attributes (see aggregates.cc).
#ifndef TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_
#define TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "libs/rpc/push_stream.h"
#include "libs/store/pool.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::monitoring {

struct MonitoringOptions {
  rpc::PushLimits push;                           // PushProgress batching and limits
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
  grpc::Status PushProgressChunks(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::PushProgressResponse, v1::PushProgressChunk>* stream) override;
  grpc::Status LockPeriod(grpc::ServerContext* context, const v1::LockPeriodRequest* request,
                          v1::LockPeriodResponse* response) override;
  grpc::Status SetTarget(grpc::ServerContext* context, const v1::SetTargetRequest* request,
                         v1::SetTargetResponse* response) override;
  grpc::Status ListTargets(grpc::ServerContext* context, const v1::ListTargetsRequest* request,
                           v1::ListTargetsResponse* response) override;
  grpc::Status QueryAggregates(grpc::ServerContext* context,
                               const v1::QueryAggregatesRequest* request,
                               v1::QueryAggregatesResponse* response) override;
  grpc::Status GetReportingCompliance(grpc::ServerContext* context,
                                      const v1::GetReportingComplianceRequest* request,
                                      v1::GetReportingComplianceResponse* response) override;
  grpc::Status ListLaggingProjects(grpc::ServerContext* context,
                                   const v1::ListLaggingProjectsRequest* request,
                                   v1::ListLaggingProjectsResponse* response) override;

 private:
  store::Pool& pool_;
  const MonitoringOptions options_;
};

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_MONITORING_SERVICE_H_
