#include "libs/store/transaction.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace techreno::store {
namespace {

enum class Verdict { kRetry, kRetryOnNewConnection, kFail };

Verdict Classify(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) return Verdict::kFail;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Verdict::kRetryOnNewConnection;
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) return Verdict::kRetry;
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) return Verdict::kRetry;
  return Verdict::kFail;
}

}  // namespace

absl::Status MapException(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "the database connection was lost while committing; the outcome is unknown, "
        "retry with the same request_id: ",
        e.what()));
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database connection lost: ", e.what()));
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return absl::AbortedError(absl::StrCat("concurrent update, retry: ", e.what()));
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError(e.what());
  }
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&e) != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("constraint violated: ", e.what()));
  }
  if (dynamic_cast<const pqxx::data_exception*>(&e) != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("invalid data: ", e.what()));
  }
  if (dynamic_cast<const pqxx::insufficient_resources*>(&e) != nullptr ||
      dynamic_cast<const pqxx::too_many_connections*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database out of resources: ", e.what()));
  }
  return absl::InternalError(absl::StrCat("database error: ", e.what()));
}

namespace {

template <typename Transaction>
absl::Status Run(Pool& pool, const TxBody& body, int max_attempts) {
  absl::Status last;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    auto lease = pool.Acquire();
    if (!lease.ok()) {
      last = lease.status();
      if (!absl::IsUnavailable(last)) return last;
    } else {
      try {
        Transaction tx(lease->conn());
        absl::Status status = body(tx);
        if (!status.ok()) return status;  // ~work rolls back
        tx.commit();
        return absl::OkStatus();
      } catch (const std::exception& e) {
        last = MapException(e);
        switch (Classify(e)) {
          case Verdict::kFail:
            if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) lease->MarkBroken();
            return last;
          case Verdict::kRetryOnNewConnection:
            lease->MarkBroken();
            break;
          case Verdict::kRetry:
            break;
        }
      }
    }
    // Back off a little so that competing transactions interleave differently.
    absl::SleepFor(absl::Milliseconds(10 * attempt * attempt));
  }
  return last;
}

}  // namespace

absl::Status RunInTransaction(Pool& pool, const TxBody& body, int max_attempts) {
  return Run<pqxx::work>(pool, body, max_attempts);
}

absl::Status RunReadOnly(Pool& pool, const TxBody& body, int max_attempts) {
  return Run<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(pool, body, max_attempts);
}

}  // namespace techreno::store
