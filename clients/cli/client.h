// Talking to techreno-server: the channel, the per-call context (bearer token,
// deadline), and the one way every command reports a failed call.
#ifndef TECHRENO_CLIENTS_CLI_CLIENT_H_
#define TECHRENO_CLIENTS_CLI_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/time/time.h"
#include "clients/cli/options.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {

// Deadline of unary calls; streams (pushes of any size) have none.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(60);

std::unique_ptr<v1::ProjectRegistry::Stub> NewRegistryStub(const GlobalOptions& options);

// Adds "authorization: Bearer <token>" (when a token is set) and, unless
// `timeout` is infinite, a deadline.
void PrepareContext(const GlobalOptions& options, absl::Duration timeout,
                    grpc::ClientContext* context);

// On stderr: the gRPC code name, the message, every BadRequest field
// violation, and a hint for the failures people hit first (server not
// running, no token).
void ReportRpcError(const GlobalOptions& options, const grpc::Status& status);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_CLIENT_H_
