#include "libs/store/audit.h"

#include <google/protobuf/util/json_util.h>

#include "libs/store/arrays.h"
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

void WriteAudit(pqxx::transaction_base& tx, const AuditEntry& e) { WriteAudits(tx, {e}); }

void WriteAudits(pqxx::transaction_base& tx, const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return;
  std::vector<int64_t> principal_id, version;
  std::vector<std::string> principal_name, action, entity, key, county, request, before, after;
  for (const AuditEntry& e : entries) {
    principal_id.push_back(e.principal_id);
    principal_name.push_back(e.principal_name);
    action.push_back(e.action);
    entity.push_back(e.entity);
    key.push_back(e.entity_key);
    county.push_back(e.county_code);
    version.push_back(e.version);
    request.push_back(e.request_id);
    before.push_back(e.before ? ToAuditJson(*e.before) : std::string());
    after.push_back(e.after ? ToAuditJson(*e.after) : std::string());
  }
  Exec(tx, "audit_insert",
       "INSERT INTO audit_log (principal_id, principal_name, action, entity, entity_key, "
       "county_code, version, request_id, before, after) "
       "SELECT NULLIF(a.principal_id, 0), a.principal_name, a.action, a.entity, a.entity_key, "
       "NULLIF(a.county, ''), a.version, NULLIF(a.request, ''), NULLIF(a.before, '')::json, "
       "NULLIF(a.after, '')::json "
       "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
       "  $7::bigint[], $8::text[], $9::text[], $10::text[]) WITH ORDINALITY "
       "  AS a(principal_id, principal_name, action, entity, entity_key, county, version, "
       "  request, before, after, i) ORDER BY a.i",
       NumberArray(principal_id), TextArray(principal_name), TextArray(action), TextArray(entity),
       TextArray(key), TextArray(county), NumberArray(version), TextArray(request),
       TextArray(before), TextArray(after));
}

}  // namespace techreno::store
