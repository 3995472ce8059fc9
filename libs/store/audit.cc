#include "libs/store/audit.h"

#include <google/protobuf/util/json_util.h>

#include "libs/store/transaction.h"

namespace techreno::store {

std::string ToAuditJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  // Serialisation of a valid in-memory message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

void WriteAudit(pqxx::transaction_base& tx, const AuditEntry& e) {
  Exec(tx, "audit_insert",
       "INSERT INTO audit_log (principal_id, principal_name, action, entity, entity_key, "
       "county_code, version, request_id, before, after) "
       "VALUES (NULLIF($1, 0), $2, $3, $4, $5, NULLIF($6, ''), $7, NULLIF($8, ''), "
       "NULLIF($9, '')::json, NULLIF($10, '')::json)",
       e.principal_id, e.principal_name, e.action, e.entity, e.entity_key, e.county_code, e.version,
       e.request_id, e.before ? ToAuditJson(*e.before) : std::string(),
       e.after ? ToAuditJson(*e.after) : std::string());
}

}  // namespace techreno::store
