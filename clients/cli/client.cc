#include "clients/cli/client.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/client_channel.h"
#include "libs/rpc/status.h"

namespace techreno::cli {
namespace {
// The response of a large push carries one result per record.
constexpr int kMaxReceiveBytes = 128 * 1024 * 1024;

std::shared_ptr<grpc::Channel> NewChannel(const GlobalOptions& options) {
  return rpc::NewClientChannel(options.server, options.tls, kMaxReceiveBytes);
}

std::string HexRequestId(const unsigned char* bytes, size_t size) {
  return absl::StrCat("cli-", absl::BytesToHexString(
                                  absl::string_view(reinterpret_cast<const char*>(bytes), size)));
}

// Failures after which a write may or may not have happened: only a retry
// with the same request_id can tell.
bool SafeToRetry(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

}  // namespace

std::unique_ptr<v1::ProjectRegistry::Stub> NewRegistryStub(const GlobalOptions& options) {
  return v1::ProjectRegistry::NewStub(NewChannel(options));
}

std::unique_ptr<v1::InvestmentMonitoring::Stub> NewMonitoringStub(const GlobalOptions& options) {
  return v1::InvestmentMonitoring::NewStub(NewChannel(options));
}

std::unique_ptr<v1::KeyProjectLibrary::Stub> NewLibraryStub(const GlobalOptions& options) {
  return v1::KeyProjectLibrary::NewStub(NewChannel(options));
}

std::unique_ptr<v1::BankLink::Stub> NewBankLinkStub(const GlobalOptions& options) {
  return v1::BankLink::NewStub(NewChannel(options));
}

void PrepareContext(const GlobalOptions& options, absl::Duration timeout,
                    grpc::ClientContext* context) {
  if (!options.token.empty()) rpc::AddBearerToken(options.token, context);
  if (timeout != absl::InfiniteDuration()) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
}

std::string RandomRequestId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();  // no entropy: never guess
  return HexRequestId(bytes, sizeof bytes);
}

std::string GivenOrRandomRequestId(const std::string& given) {
  return given.empty() ? RandomRequestId() : given;
}

std::string ContentRequestId(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);  // same content, same bytes, same id
    message.SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return HexRequestId(digest, sizeof digest);
}

void ReportRpcError(const GlobalOptions& options, const grpc::Status& status) {
  const absl::Status error = rpc::FromGrpcStatus(status);
  std::cerr << "error: " << absl::StatusCodeToString(error.code());
  if (!error.message().empty()) std::cerr << ": " << error.message();
  std::cerr << "\n";
  for (const rpc::FieldViolation& v : rpc::FieldViolations(error)) {
    std::cerr << "  " << v.field << ": " << v.description << "\n";
  }
  switch (error.code()) {
    case absl::StatusCode::kUnavailable:
      // The server answers for its store itself; otherwise it was not reached.
      if (!absl::StartsWith(error.message(), "the store")) {
        std::cerr << "hint: is techreno-server running at " << options.server
                  << "? (--server or $TECHRENO_SERVER); retrying is safe\n";
      }
      break;
    case absl::StatusCode::kUnauthenticated:
      std::cerr << "hint: pass a token with --token or $TECHRENO_TOKEN "
                   "(techreno admin create-principal makes one)\n";
      break;
    case absl::StatusCode::kUnimplemented:
      std::cerr << "hint: the server at " << options.server
                << " does not offer this method (yet); nothing was changed\n";
      break;
    default:
      break;
  }
}

void ReportWriteError(const GlobalOptions& options, const grpc::Status& status,
                      const std::string& request_id) {
  ReportRpcError(options, status);
  if (SafeToRetry(status.error_code())) {
    std::cerr << "retry with --request_id=" << request_id << "\n";
  }
}

}  // namespace techreno::cli
