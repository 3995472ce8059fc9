#include "libs/rpc/client_channel.h"

#include <fstream>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace techreno::rpc {

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag) {
  if (path.empty()) return std::string();
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  }
  if (text.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " is not a PEM file"));
  }
  return text.str();
}

absl::StatusOr<ClientTls> ReadClientTls(const std::string& ca_path, const std::string& cert_path,
                                        const std::string& key_path) {
  ClientTls tls;
  for (auto [path, pem, flag] : {std::tuple{&ca_path, &tls.ca_pem, "--tls_ca"},
                                 std::tuple{&cert_path, &tls.cert_pem, "--tls_cert"},
                                 std::tuple{&key_path, &tls.key_pem, "--tls_key"}}) {
    absl::StatusOr<std::string> text = ReadPemFile(*path, flag);
    if (!text.ok()) return text.status();
    *pem = *std::move(text);
  }
  if (tls.cert_pem.empty() != tls.key_pem.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  return tls;
}

std::shared_ptr<grpc::Channel> NewClientChannel(const std::string& server, const ClientTls& tls,
                                                int max_receive_bytes) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_receive_bytes);
  // Within the server's ping policy (no more often than every 10 s).
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
  if (tls.ca_pem.empty() && tls.cert_pem.empty()) {
    // Plain TCP: the local and test servers listen without TLS.
    return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.ca_pem;  // empty: the system's roots
  options.pem_cert_chain = tls.cert_pem;
  options.pem_private_key = tls.key_pem;
  return grpc::CreateCustomChannel(server, grpc::SslCredentials(options), args);
}

void AddBearerToken(const std::string& token, grpc::ClientContext* context) {
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

}  // namespace techreno::rpc
