// Transactions with retry, and the one place where libpqxx exceptions become
// absl::Status. Nothing from pqxx escapes the store layer as an exception.
#ifndef TECHRENO_LIBS_STORE_TRANSACTION_H_
#define TECHRENO_LIBS_STORE_TRANSACTION_H_

#include <exception>
#include <functional>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/status.h"
#include "libs/store/pool.h"

namespace techreno::store {

using TxBody = std::function<absl::Status(pqxx::transaction_base&)>;

// Runs `body` in a read-committed transaction on a pooled connection and
// commits when it returns OK (rolls back otherwise, returning its status).
//
// Retried, from the start of `body`, up to `max_attempts` times: serialization
// failures and deadlocks, unique violations from concurrent inserts, and a lost
// connection before commit. `body` must therefore have no effects outside the
// transaction. A connection lost *during* commit leaves the outcome unknown:
// that is UNAVAILABLE and never reported as success (a retry by request_id is
// safe). Other SQL errors map by MapException.
absl::Status RunInTransaction(Pool& pool, const TxBody& body, int max_attempts = 5);

// The same for reads that must see one consistent snapshot (several
// statements over tables that change meanwhile): REPEATABLE READ, read-only.
absl::Status RunReadOnly(Pool& pool, const TxBody& body, int max_attempts = 5);

// What an UNAVAILABLE store says to callers.
inline constexpr char kStoreUnavailable[] =
    "the store is unavailable; the call is safe to retry (with the same request_id)";

// One statement on its own, without BEGIN/COMMIT (two round trips fewer):
// for single-statement reads, which need no snapshot across statements. Its
// statements run on cached plans (see transaction.cc).
absl::Status RunAutocommit(Pool& pool, const TxBody& body, int max_attempts = 5);

// The status for an exception thrown by libpqxx (or anything else). The
// exception's text (which names hosts, ports and SQL) is logged to stderr with
// an incident id, and only the id reaches the status.
absl::Status MapException(const std::exception& e);
// Logs `e` as a store incident; returns its id.
std::string LogStoreIncident(const std::exception& e);

// Executes a prepared statement, defining it on this connection first if
// needed (an identical redefinition is free in libpqxx 6.4).
template <typename... Args>
pqxx::result Exec(pqxx::transaction_base& tx, const char* name, const char* sql, Args&&... args) {
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

}  // namespace techreno::store

#endif  // TECHRENO_LIBS_STORE_TRANSACTION_H_
