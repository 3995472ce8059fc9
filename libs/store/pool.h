// A small, fixed-size, thread-safe pool of PostgreSQL connections (libpqxx 6.4
// has none). A connection belongs to one thread at a time, through a Lease.
// Connections are opened lazily; a lease whose connection broke is dropped on
// return, and the next Acquire opens a fresh one, so the pool heals after the
// server restarts.
#ifndef TECHRENO_LIBS_STORE_POOL_H_
#define TECHRENO_LIBS_STORE_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace techreno::store {

class Pool;

// Exclusive use of one connection until destroyed.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  pqxx::connection& conn() { return *conn_; }
  // The connection is unusable (e.g. broken_connection): close it on return.
  void MarkBroken() { broken_ = true; }

 private:
  friend class Pool;
  Lease(Pool* pool, std::unique_ptr<pqxx::connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Pool* pool_;
  std::unique_ptr<pqxx::connection> conn_;
  bool broken_ = false;
};

struct PoolOptions {
  std::string dsn;  // libpq connection string, e.g. "host=127.0.0.1 port=5432 dbname=techreno"
  int size = 8;     // at most this many open connections
  absl::Duration acquire_timeout = absl::Seconds(10);
};

class Pool {
 public:
  explicit Pool(PoolOptions options) : options_(std::move(options)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Waits up to acquire_timeout for a free connection. UNAVAILABLE when the
  // server cannot be reached, RESOURCE_EXHAUSTED when every connection stays busy.
  absl::StatusOr<Lease> Acquire();
  const PoolOptions& options() const { return options_; }

 private:
  friend class Lease;
  void Release(std::unique_ptr<pqxx::connection> conn, bool broken);

  const PoolOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + leased
};

}  // namespace techreno::store

#endif  // TECHRENO_LIBS_STORE_POOL_H_
