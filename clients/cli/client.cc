#include "clients/cli/client.h"

#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"

namespace techreno::cli {
namespace {
// The response of a large push carries one result per record.
constexpr int kMaxReceiveBytes = 128 * 1024 * 1024;
}  // namespace

std::unique_ptr<v1::ProjectRegistry::Stub> NewRegistryStub(const GlobalOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  // Plain TCP: the local and test servers listen without TLS.
  auto channel =
      grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(), args);
  return v1::ProjectRegistry::NewStub(channel);
}

void PrepareContext(const GlobalOptions& options, absl::Duration timeout,
                    grpc::ClientContext* context) {
  if (!options.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", options.token));
  }
  if (timeout != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
}

void ReportRpcError(const GlobalOptions& options, const grpc::Status& status) {
  const absl::Status error = rpc::FromGrpcStatus(status);
  std::cerr << "error: " << absl::StatusCodeToString(error.code()) << ": " << error.message()
            << "\n";
  for (const rpc::FieldViolation& v : rpc::FieldViolations(error)) {
    std::cerr << "  " << v.field << ": " << v.description << "\n";
  }
  switch (error.code()) {
    case absl::StatusCode::kUnavailable:
      std::cerr << "hint: is techreno-server running at " << options.server
                << "? (--server or $TECHRENO_SERVER); retrying is safe\n";
      break;
    case absl::StatusCode::kUnauthenticated:
      std::cerr << "hint: pass a token with --token or $TECHRENO_TOKEN "
                   "(techreno admin create-principal makes one)\n";
      break;
    default:
      break;
  }
}

}  // namespace techreno::cli
