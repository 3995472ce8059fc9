// techreno.v1.KeyProjectLibrary: the contract is in proto/techreno/v1/library.proto.
// Not implemented yet: every method authenticates its caller like every other
// call, then answers UNIMPLEMENTED, until its issue lands.
#ifndef TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
#define TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_

#include "libs/rpc/call.h"
#include "libs/store/pool.h"
#include "techreno/v1/library.grpc.pb.h"

namespace techreno::library {

class LibraryService final : public v1::KeyProjectLibrary::Service {
 public:
  explicit LibraryService(store::Pool& pool) : pool_(pool) {}

  grpc::Status Nominate(grpc::ServerContext* context, const v1::NominateRequest*,
                        v1::NominateResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "KeyProjectLibrary.Nominate");
  }
  grpc::Status Decide(grpc::ServerContext* context, const v1::DecideRequest*,
                      v1::DecideResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "KeyProjectLibrary.Decide");
  }
  grpc::Status RemoveEntry(grpc::ServerContext* context, const v1::RemoveEntryRequest*,
                           v1::RemoveEntryResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "KeyProjectLibrary.RemoveEntry");
  }
  grpc::Status ListEntries(grpc::ServerContext* context, const v1::ListEntriesRequest*,
                           v1::ListEntriesResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "KeyProjectLibrary.ListEntries");
  }
  grpc::Status GetEntryHistory(grpc::ServerContext* context, const v1::GetEntryHistoryRequest*,
                               v1::GetEntryHistoryResponse*) override {
    return rpc::NotImplementedYet(pool_, *context, "KeyProjectLibrary.GetEntryHistory");
  }

 private:
  store::Pool& pool_;
};

}  // namespace techreno::library

#endif  // TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
