// techreno.v1.BankLink: the contract is in proto/techreno/v1/banklink.proto.
// Not implemented yet: every method authenticates its caller like every other
// call, then answers UNIMPLEMENTED, until its issue lands.
#ifndef TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_
#define TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_

#include "libs/rpc/call.h"
#include "libs/store/pool.h"
#include "techreno/v1/banklink.grpc.pb.h"

namespace techreno::banklink {

class BankLinkService final : public v1::BankLink::Service {
 public:
  explicit BankLinkService(store::Pool& pool) : pool_(pool) {}

  grpc::Status PublishRecommendations(grpc::ServerContext* context,
                                      const v1::PublishRecommendationsRequest*,
                                      v1::PublishRecommendationsResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "BankLink.PublishRecommendations");
  }
  grpc::Status ListRecommendations(grpc::ServerContext* context,
                                   const v1::ListRecommendationsRequest*,
                                   v1::ListRecommendationsResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "BankLink.ListRecommendations");
  }
  grpc::Status WatchRecommendations(grpc::ServerContext* context,
                                    const v1::WatchRecommendationsRequest*,
                                    grpc::ServerWriter<v1::RecommendationEvent>*) override {
    return rpc::NotImplementedYet(pool_, *context, "BankLink.WatchRecommendations");
  }
  grpc::Status SubmitFeedback(grpc::ServerContext* context, const v1::SubmitFeedbackRequest*,
                              v1::SubmitFeedbackResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "BankLink.SubmitFeedback");
  }
  grpc::Status GetMatchingStats(grpc::ServerContext* context, const v1::GetMatchingStatsRequest*,
                                v1::GetMatchingStatsResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "BankLink.GetMatchingStats");
  }

 private:
  store::Pool& pool_;
};

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_BANKLINK_SERVICE_H_
