// The one place every handler authenticates its caller.
//
// gRPC 1.51's AuthMetadataProcessor aborts on insecure ports, so instead each
// handler begins with AuthenticateCall, which reads "authorization: Bearer
// <token>" from the call's metadata and resolves it to a principal.
#ifndef TECHRENO_LIBS_RPC_CALL_H_
#define TECHRENO_LIBS_RPC_CALL_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/store/pool.h"

namespace techreno::rpc {

absl::StatusOr<auth::Principal> AuthenticateCall(store::Pool& pool,
                                                 const grpc::ServerContextBase& context);

// AuthenticateCall for a bulk push: only county systems and the province push
// records (PERMISSION_DENIED naming `what`, e.g. "progress", otherwise).
absl::StatusOr<auth::Principal> AuthenticatePusher(store::Pool& pool,
                                                   const grpc::ServerContextBase& context,
                                                   absl::string_view what);

// A method whose issue has not landed: authenticates like every call
// (UNAUTHENTICATED first), then UNIMPLEMENTED naming `method`.
grpc::Status NotImplementedYet(store::Pool& pool, const grpc::ServerContextBase& context,
                               absl::string_view method);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_CALL_H_
