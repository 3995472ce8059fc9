// The library's write path: every change of an entry (nominate, admit,
// decide, remove) inside the caller's transaction — permission, state,
// expected version and criteria checked first, then the history event, the
// entry, and the audit row, so that a refused change writes nothing.
// Request fields are validated before (library_service.cc).
#ifndef TECHRENO_SERVICES_LIBRARY_ENTRY_WRITER_H_
#define TECHRENO_SERVICES_LIBRARY_ENTRY_WRITER_H_

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/rpc/violations.h"
#include "techreno/v1/library.pb.h"

namespace techreno::library {

struct WriteContext {
  const auth::Principal& caller;
  const std::string& request_id;
  int as_of;  // the last complete month (period index) for progress
};

// Nominate (and, with request.admit(), accept in the same call). Warnings
// (criteria not favoured, no ACCEPTED entry in the tier below) go to
// `warnings`.
absl::StatusOr<v1::LibraryEntry> NominateEntry(pqxx::transaction_base& tx, const WriteContext& ctx,
                                               const v1::NominateRequest& request,
                                               rpc::Violations& warnings);
absl::StatusOr<v1::LibraryEntry> DecideEntry(pqxx::transaction_base& tx, const WriteContext& ctx,
                                             const v1::DecideRequest& request);
absl::StatusOr<v1::LibraryEntry> RemoveOneEntry(pqxx::transaction_base& tx, const WriteContext& ctx,
                                                const v1::EntryRemoval& removal);

// The three tiers' criteria in force, indexed by LibraryTier (index 0 unused).
struct AllCriteria {
  v1::TierCriteria tier[4];
};
AllCriteria LoadAllCriteria(pqxx::transaction_base& tx);

// An entry as answers show it: its events, project, progress as of `as_of`
// with risk flags (ACCEPTED entries), and other tiers.
v1::LibraryEntry ReadEntry(pqxx::transaction_base& tx, const std::string& project_code,
                           v1::LibraryTier tier, int as_of);

}  // namespace techreno::library

#endif  // TECHRENO_SERVICES_LIBRARY_ENTRY_WRITER_H_
