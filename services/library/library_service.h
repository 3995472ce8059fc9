// techreno.v1.KeyProjectLibrary (proto/techreno/v1/library.proto): thin
// handlers — authenticate, check the request's fields, then the write path
// (entry_writer.h) or a read (library_store.h) — over the pure rules of
// library_rules.h and criteria.h.
#ifndef TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
#define TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "libs/store/pool.h"
#include "techreno/v1/library.grpc.pb.h"

namespace techreno::library {

struct LibraryOptions {
  // "Now": progress and risk are as of the month before now's (China time).
  std::function<absl::Time()> clock = absl::Now;
};

class LibraryService final : public v1::KeyProjectLibrary::Service {
 public:
  explicit LibraryService(store::Pool& pool, LibraryOptions options = {})
      : pool_(pool), options_(std::move(options)) {}

  grpc::Status Nominate(grpc::ServerContext* context, const v1::NominateRequest* request,
                        v1::NominateResponse* response) override;
  grpc::Status Decide(grpc::ServerContext* context, const v1::DecideRequest* request,
                      v1::DecideResponse* response) override;
  grpc::Status RemoveEntry(grpc::ServerContext* context, const v1::RemoveEntryRequest* request,
                           v1::RemoveEntryResponse* response) override;
  grpc::Status RemoveEntries(grpc::ServerContext* context, const v1::RemoveEntriesRequest* request,
                             v1::RemoveEntriesResponse* response) override;
  grpc::Status ListEntries(grpc::ServerContext* context, const v1::ListEntriesRequest* request,
                           v1::ListEntriesResponse* response) override;
  grpc::Status GetEntryHistory(grpc::ServerContext* context,
                               const v1::GetEntryHistoryRequest* request,
                               v1::GetEntryHistoryResponse* response) override;
  grpc::Status GetTierCriteria(grpc::ServerContext* context,
                               const v1::GetTierCriteriaRequest* request,
                               v1::TierCriteria* response) override;
  grpc::Status SetTierCriteria(grpc::ServerContext* context,
                               const v1::SetTierCriteriaRequest* request,
                               v1::SetTierCriteriaResponse* response) override;
  grpc::Status ReviewTier(grpc::ServerContext* context, const v1::ReviewTierRequest* request,
                          v1::ReviewTierResponse* response) override;
  grpc::Status GetLibraryTotals(grpc::ServerContext* context,
                                const v1::GetLibraryTotalsRequest* request,
                                v1::GetLibraryTotalsResponse* response) override;

 private:
  int AsOf() const;  // the last complete month, as a period index

  store::Pool& pool_;
  const LibraryOptions options_;
};

}  // namespace techreno::library

#endif  // TECHRENO_SERVICES_LIBRARY_LIBRARY_SERVICE_H_
