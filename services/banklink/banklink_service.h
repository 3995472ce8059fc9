// techreno.v1.BankLink (proto/techreno/v1/banklink.proto): thin handlers —
// authenticate, check the request's fields, then the write paths
// (banklink_writer.h), a read (banklink_store.h), or the watch hub
// (watch_hub.h) — over the pure rules of banklink_rules.h.
//
// WatchRecommendations runs on gRPC's callback API (no thread per watcher);
// the other methods are synchronous like every other service's.
#ifndef TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_
#define TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/store/pool.h"
#include "services/banklink/pair_facts.h"
#include "services/banklink/watch_hub.h"
#include "techreno/v1/banklink.grpc.pb.h"

namespace techreno::banklink {

struct BankLinkOptions {
  // Publication years, feedback times, the last complete month of scores,
  // and the day overdue pairs are counted to.
  std::function<absl::Time()> clock = absl::Now;
  HubOptions hub;  // hub.dsn defaults to the pool's
};

class BankLinkService final
    : public v1::BankLink::WithCallbackMethod_WatchRecommendations<v1::BankLink::Service> {
 public:
  explicit BankLinkService(store::Pool& pool, BankLinkOptions options = {});
  ~BankLinkService() override;

  grpc::Status PublishRecommendations(grpc::ServerContext* context,
                                      const v1::PublishRecommendationsRequest* request,
                                      v1::PublishRecommendationsResponse* response) override;
  grpc::Status ListRecommendations(grpc::ServerContext* context,
                                   const v1::ListRecommendationsRequest* request,
                                   v1::ListRecommendationsResponse* response) override;
  grpc::ServerWriteReactor<v1::RecommendationEvent>* WatchRecommendations(
      grpc::CallbackServerContext* context,
      const v1::WatchRecommendationsRequest* request) override;
  grpc::Status SubmitFeedback(grpc::ServerContext* context,
                              const v1::SubmitFeedbackRequest* request,
                              v1::SubmitFeedbackResponse* response) override;
  grpc::Status GetMatchingStats(grpc::ServerContext* context,
                                const v1::GetMatchingStatsRequest* request,
                                v1::GetMatchingStatsResponse* response) override;
  // choosing.cc
  grpc::Status ScoreCandidates(grpc::ServerContext* context,
                               const v1::ScoreCandidatesRequest* request,
                               v1::ScoreCandidatesResponse* response) override;
  grpc::Status GetBankLinkPolicy(grpc::ServerContext* context,
                                 const v1::GetBankLinkPolicyRequest* request,
                                 v1::BankLinkPolicy* response) override;
  grpc::Status SetBankLinkPolicy(grpc::ServerContext* context,
                                 const v1::SetBankLinkPolicyRequest* request,
                                 v1::SetBankLinkPolicyResponse* response) override;
  grpc::Status ListOverdueRecommendations(
      grpc::ServerContext* context, const v1::ListOverdueRecommendationsRequest* request,
      v1::ListOverdueRecommendationsResponse* response) override;

  // Ends every watch stream with UNAVAILABLE; call before the server's
  // Shutdown, which would otherwise wait its grace period for them.
  void StopWatchers() { hub_.Stop(); }
  WatchHub& hub() { return hub_; }

 private:
  store::Pool& pool_;
  const BankLinkOptions options_;
  WatchHub hub_;
  // GetMatchingStats' pairs, caught up at each call (one call at a time).
  absl::Mutex stats_mu_;
  PairFacts pair_facts_ ABSL_GUARDED_BY(stats_mu_);
};

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_
