#include "libs/rpc/call.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/tokens.h"
#include "libs/rpc/status.h"

namespace techreno::rpc {

absl::StatusOr<auth::Principal> AuthenticateCall(store::Pool& pool,
                                                 const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  absl::string_view value;
  if (it != metadata.end()) value = absl::string_view(it->second.data(), it->second.size());
  return auth::Authenticate(pool, value);
}

absl::StatusOr<auth::Principal> AuthenticatePusher(store::Pool& pool,
                                                   const grpc::ServerContextBase& context,
                                                   absl::string_view what) {
  auto caller = AuthenticateCall(pool, context);
  if (!caller.ok()) return caller.status();
  if (caller->role != auth::Role::kCounty && caller->role != auth::Role::kProvince) {
    return absl::PermissionDeniedError(
        absl::StrCat("only county systems and the province push ", what));
  }
  return caller;
}

grpc::Status NotImplementedYet(store::Pool& pool, const grpc::ServerContextBase& context,
                               absl::string_view method) {
  auto caller = AuthenticateCall(pool, context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                      absl::StrCat(method, " is not implemented yet"));
}

}  // namespace techreno::rpc
