// The channel a client of techreno opens (the CLI, the county simulator):
// plain TCP, or TLS checking the server against a CA — the system's roots
// when none is given — with a client certificate for mutual TLS.
#ifndef TECHRENO_LIBS_RPC_CLIENT_CHANNEL_H_
#define TECHRENO_LIBS_RPC_CLIENT_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace techreno::rpc {

// PEM contents (not paths). All empty: plain TCP.
struct ClientTls {
  std::string ca_pem;    // the CA to check the server against
  std::string cert_pem;  // with key_pem: the client's certificate (mutual TLS)
  std::string key_pem;
};

// The contents of the PEM file at `path` given with `flag`: "" for an empty
// path; INVALID_ARGUMENT naming the flag when it cannot be read or holds no
// PEM block.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag);

// The files of --tls_ca, --tls_cert and --tls_key (any may be empty) read;
// INVALID_ARGUMENT as ReadPemFile, or when a certificate comes without its
// key or a key without its certificate.
absl::StatusOr<ClientTls> ReadClientTls(const std::string& ca_path, const std::string& cert_path,
                                        const std::string& key_path);

// A channel to `server` (host:port) accepting answers up to
// max_receive_bytes. It pings the server every 30 s while a call is open, so
// that a connection that died without a word (a server gone, a cut network)
// fails the call within 40 s instead of leaving it waiting for ever.
std::shared_ptr<grpc::Channel> NewClientChannel(const std::string& server, const ClientTls& tls,
                                                int max_receive_bytes);

// Adds the "authorization: Bearer <token>" header a techreno call carries.
void AddBearerToken(const std::string& token, grpc::ClientContext* context);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_CLIENT_CHANNEL_H_
