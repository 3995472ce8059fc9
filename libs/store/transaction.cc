#include "libs/store/transaction.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <exception>

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

std::string LogStoreIncident(const std::exception& e) {
  static std::atomic<int64_t> next{1};
  const std::string id = absl::StrCat(getpid(), "-", next.fetch_add(1));
  std::fprintf(stderr, "techreno store incident %s: %s\n", id.c_str(), e.what());
  return id;
}

absl::Status MapException(const std::exception& e) {
  // Callers see what happened and what to do; the driver's text (hosts, ports,
  // SQL) goes to the server log under the incident id quoted in the message.
  const std::string incident = LogStoreIncident(e);
  auto said = [&incident](absl::string_view what) {
    return absl::StrCat(what, " (incident ", incident, " in the server log)");
  };
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(
        said("the store lost its connection while committing, so the outcome is unknown; "
             "retrying with the same request_id is safe"));
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(said(kStoreUnavailable));
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return absl::AbortedError(said("a concurrent update got in the way; retry"));
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError(said("a concurrent write stored the same record first"));
  }
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&e) != nullptr) {
    return absl::FailedPreconditionError(said("the store refused the write (a constraint)"));
  }
  if (dynamic_cast<const pqxx::data_exception*>(&e) != nullptr) {
    return absl::InvalidArgumentError(said("the store refused a value as invalid data"));
  }
  if (dynamic_cast<const pqxx::insufficient_resources*>(&e) != nullptr ||
      dynamic_cast<const pqxx::too_many_connections*>(&e) != nullptr) {
    return absl::UnavailableError(said("the store is overloaded; retry in a moment"));
  }
  return absl::InternalError(said("internal store error"));
}

namespace {

// The status of the exception that ended the last attempt (logged once, here,
// rather than for every attempt that a retry then mended).
absl::Status MapLast(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return MapException(ex);
  }
}

// How the connection plans prepared statements: custom plans (planned for
// each execution's values) in transactions, whose batch statements a generic
// plan serves badly; cached plans for the single-statement reads of
// RunAutocommit (a project or principal by key), which planning would
// otherwise cost more than running. Set only when it changes: pqxx remembers
// what set_variable set.
void UsePlans(pqxx::connection& conn, const char* mode) {
  if (conn.get_variable("plan_cache_mode") != mode) conn.set_variable("plan_cache_mode", mode);
}

template <typename Transaction>
absl::Status Run(Pool& pool, const TxBody& body, int max_attempts, const char* plans) {
  absl::Status last;
  std::exception_ptr last_exception;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    auto lease = pool.Acquire();
    if (!lease.ok()) {
      last = lease.status();
      last_exception = nullptr;
      if (!absl::IsUnavailable(last)) return last;
    } else {
      try {
        UsePlans(lease->conn(), plans);
        Transaction tx(lease->conn());
        absl::Status status = body(tx);
        if (!status.ok()) return status;  // ~work rolls back
        tx.commit();
        return absl::OkStatus();
      } catch (const std::exception& e) {
        last_exception = std::current_exception();
        switch (Classify(e)) {
          case Verdict::kFail:
            if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) lease->MarkBroken();
            return MapException(e);
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
  return last_exception != nullptr ? MapLast(last_exception) : last;
}

}  // namespace

absl::Status RunInTransaction(Pool& pool, const TxBody& body, int max_attempts) {
  return Run<pqxx::work>(pool, body, max_attempts, "force_custom_plan");
}

absl::Status RunAutocommit(Pool& pool, const TxBody& body, int max_attempts) {
  return Run<pqxx::nontransaction>(pool, body, max_attempts, "auto");
}

absl::Status RunReadOnly(Pool& pool, const TxBody& body, int max_attempts) {
  return Run<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(pool, body, max_attempts,
                                                                        "force_custom_plan");
}

}  // namespace techreno::store
