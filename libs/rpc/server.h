// Server bootstrap shared by techreno-server and the per-service mains:
// listening address, message size limit, keepalive, the standard health
// service, reflection, optional TLS / mutual TLS, and graceful shutdown.
#ifndef TECHRENO_LIBS_RPC_SERVER_H_
#define TECHRENO_LIBS_RPC_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace techreno::rpc {

struct ServerOptions {
  std::string address = "127.0.0.1:50051";  // host:port; port 0 picks a free one
  // A request (one message; a stream's each record) is at most 4 MiB; an
  // answer up to 128 MiB (a 1,000,000-record push answers ~60 MB).
  int max_request_bytes = 4 << 20;
  int max_message_bytes = 128 << 20;
  absl::Duration keepalive_time = absl::Seconds(60);
  absl::Duration shutdown_grace = absl::Seconds(30);  // in-flight calls get this long
  int max_threads = 256;  // sync server thread cap: 122 county push streams at once, and readers
  // TLS: PEM files. With tls_client_ca_file set, clients must present a
  // certificate signed by it (mutual TLS). Empty: plaintext (loopback use).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
};

class RunningServer {
 public:
  RunningServer(std::unique_ptr<grpc::Server> server, int port, absl::Duration grace)
      : server_(std::move(server)), port_(port), grace_(grace) {}
  ~RunningServer() { Shutdown(); }
  int port() const { return port_; }
  grpc::Server* server() { return server_.get(); }
  // Stops accepting calls, lets in-flight calls finish for up to the grace
  // period, then cancels the rest. Idempotent.
  void Shutdown();

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_;
  absl::Duration grace_;
  bool stopped_ = false;
};

// Builds and starts a server hosting `services` (not owned; they must outlive
// it). The health service answers SERVING for "" and for each name in
// `service_names` (full names, e.g. "techreno.v1.ProjectRegistry").
absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services,
    const std::vector<std::string>& service_names = {});

// Blocks SIGINT/SIGTERM in the calling thread (and threads started after it)
// and ignores SIGPIPE. Call first thing in main, before any thread starts.
void BlockShutdownSignals();
// Waits for SIGINT or SIGTERM; returns the signal's name.
const char* WaitForShutdownSignal();

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_SERVER_H_
