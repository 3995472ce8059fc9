#include "libs/rpc/client_channel.h"

#include <fstream>
#include <sstream>

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

std::shared_ptr<grpc::Channel> NewClientChannel(const std::string& server, const ClientTls& tls,
                                                int max_receive_bytes) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_receive_bytes);
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

}  // namespace techreno::rpc
