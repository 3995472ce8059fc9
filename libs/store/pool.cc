#include "libs/store/pool.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/store/transaction.h"

namespace techreno::store {

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_), broken_);
}

absl::StatusOr<Lease> Pool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), options_.acquire_timeout)) {
      return absl::ResourceExhaustedError(
          absl::StrCat("all ", options_.size, " database connections stayed busy for ",
                       absl::FormatDuration(options_.acquire_timeout)));
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve a slot, then connect outside the lock
  }
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.dsn);
    // JIT compilation costs more than it saves on the short statements of an
    // online service (it fired on batch statements here, at ~20 ms a time).
    pqxx::nontransaction(*conn).exec("SET jit = off");
    // Custom plans by default (transaction.cc switches single-statement reads
    // to cached ones): generic plans of the batch statements, whose arrays
    // the planner cannot see into, cost 20-80 ms.
    conn->set_variable("plan_cache_mode", "force_custom_plan");
    return Lease(this, std::move(conn));
  } catch (const std::exception& e) {
    absl::MutexLock lock(&mu_);
    --open_;
    return absl::UnavailableError(
        absl::StrCat(kStoreUnavailable, " (incident ", LogStoreIncident(e), " in the server log)"));
  }
}

void Pool::Release(std::unique_ptr<pqxx::connection> conn, bool broken) {
  if (broken || !conn->is_open()) conn.reset();  // closes outside the lock
  absl::MutexLock lock(&mu_);
  if (conn) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

}  // namespace techreno::store
