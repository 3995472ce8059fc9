// The audit log: one row per change (who, what, when, request id, before and
// after as JSON), written by the caller inside the transaction of the change.
// WriteAudit stores messages as their API JSON (ToAuditJson). Progress reports
// are the exception: their rows come in millions, so monitoring writes them
// itself, in the statement that stores the report, with before/after being the
// stored monitoring_reports rows (see services/monitoring/monitoring_store.h).
#ifndef TECHRENO_LIBS_STORE_AUDIT_H_
#define TECHRENO_LIBS_STORE_AUDIT_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace techreno::store {

struct AuditEntry {
  int64_t principal_id = 0;  // 0 for administrative commands
  std::string principal_name;
  std::string action;      // "create", "update", "withdraw", ...
  std::string entity;      // "project", "enterprise", ...
  std::string entity_key;  // its primary key, as text
  std::string county_code;
  int64_t version = 0;
  std::string request_id;
  const google::protobuf::Message* before = nullptr;  // state before; null on create
  const google::protobuf::Message* after = nullptr;   // state after
};

void WriteAudit(pqxx::transaction_base& tx, const AuditEntry& entry);
// Many entries in one statement (a push's batch).
void WriteAudits(pqxx::transaction_base& tx, const std::vector<AuditEntry>& entries);

// JSON of a message as stored in the audit log (proto field names, enums as names).
std::string ToAuditJson(const google::protobuf::Message& message);

}  // namespace techreno::store

#endif  // TECHRENO_LIBS_STORE_AUDIT_H_
