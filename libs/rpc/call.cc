#include "libs/rpc/call.h"

#include "libs/auth/tokens.h"

namespace techreno::rpc {

absl::StatusOr<auth::Principal> AuthenticateCall(store::Pool& pool,
                                                 const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  absl::string_view value;
  if (it != metadata.end()) value = absl::string_view(it->second.data(), it->second.size());
  return auth::Authenticate(pool, value);
}

}  // namespace techreno::rpc
