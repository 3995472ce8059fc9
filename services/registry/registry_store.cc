#include "services/registry/registry_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/store/transaction.h"

namespace techreno::registry {
namespace {

using google::protobuf::util::TimeUtil;
using store::Exec;

// "{1,3}" ↔ repeated enum.
std::string ToPgArray(const google::protobuf::RepeatedField<int>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}
void FromPgArray(absl::string_view text, google::protobuf::RepeatedField<int>* out) {
  text = absl::StripPrefix(absl::StripSuffix(text, "}"), "{");
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int v = 0;
    if (absl::SimpleAtoi(part, &v)) out->Add(v);
  }
}

constexpr char kEnterpriseColumns[] =
    "credit_code, name, county_code, industry_code, above_designated_size, revenue_band, "
    "integration_pilot, integration_certified, version, "
    "(extract(epoch from updated_at) * 1000000)::bigint";

v1::Enterprise EnterpriseFromRow(const pqxx::row& r) {
  v1::Enterprise e;
  e.set_credit_code(r[0].c_str());
  e.set_name(r[1].c_str());
  e.set_county_code(r[2].c_str());
  e.set_industry_code(r[3].c_str());
  e.set_above_designated_size(r[4].as<bool>());
  e.set_revenue_band(static_cast<v1::RevenueBand>(r[5].as<int>()));
  e.set_integration_pilot(r[6].as<bool>());
  e.set_integration_certified(r[7].as<bool>());
  e.set_version(r[8].as<int64_t>());
  *e.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[9].as<int64_t>());
  return e;
}

#define TECHRENO_PROJECT_COLUMNS                                                               \
  "project_code, enterprise_credit_code, county_code, industry_code, name, renovation_types, " \
  "requested_support, planned_investment_fen, planned_equipment_investment_fen, "              \
  "start_period, planned_completion_period, status, financing_need_fen, share_with_banks, "    \
  "coalesce(source_record_id, ''), description, withdraw_reason, version, "                    \
  "(extract(epoch from created_at) * 1000000)::bigint, "                                       \
  "(extract(epoch from updated_at) * 1000000)::bigint"

v1::Project ProjectFromRow(const pqxx::row& r) {
  v1::Project p;
  p.set_project_code(r[0].c_str());
  p.set_enterprise_credit_code(r[1].c_str());
  p.set_county_code(r[2].c_str());
  p.set_industry_code(r[3].c_str());
  p.set_name(r[4].c_str());
  FromPgArray(r[5].c_str(), p.mutable_renovation_types());
  FromPgArray(r[6].c_str(), p.mutable_requested_support());
  p.set_planned_investment_fen(r[7].as<int64_t>());
  p.set_planned_equipment_investment_fen(r[8].as<int64_t>());
  p.set_start_period(r[9].c_str());
  p.set_planned_completion_period(r[10].c_str());
  p.set_status(static_cast<v1::ProjectStatus>(r[11].as<int>()));
  p.set_financing_need_fen(r[12].as<int64_t>());
  p.set_share_with_banks(r[13].as<bool>());
  p.set_source_record_id(r[14].c_str());
  p.set_description(r[15].c_str());
  p.set_withdraw_reason(r[16].c_str());
  p.set_version(r[17].as<int64_t>());
  *p.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[18].as<int64_t>());
  *p.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[19].as<int64_t>());
  return p;
}

}  // namespace

std::optional<v1::Enterprise> LoadEnterprise(pqxx::transaction_base& tx,
                                             const std::string& credit_code, bool for_update) {
  static const std::string select = absl::StrCat(
      "SELECT ", kEnterpriseColumns, " FROM registry_enterprises WHERE credit_code = $1");
  static const std::string locked = select + " FOR UPDATE";
  pqxx::result r = for_update ? Exec(tx, "reg_ent_load_lock", locked.c_str(), credit_code)
                              : Exec(tx, "reg_ent_load", select.c_str(), credit_code);
  if (r.empty()) return std::nullopt;
  return EnterpriseFromRow(r[0]);
}

void InsertEnterprise(pqxx::transaction_base& tx, const v1::Enterprise& e) {
  Exec(tx, "reg_ent_insert",
       "INSERT INTO registry_enterprises (credit_code, name, county_code, industry_code, "
       "above_designated_size, revenue_band, integration_pilot, integration_certified, version) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
       e.credit_code(), e.name(), e.county_code(), e.industry_code(), e.above_designated_size(),
       static_cast<int>(e.revenue_band()), e.integration_pilot(), e.integration_certified(),
       e.version());
}

void UpdateEnterprise(pqxx::transaction_base& tx, const v1::Enterprise& e) {
  Exec(tx, "reg_ent_update",
       "UPDATE registry_enterprises SET name = $2, county_code = $3, industry_code = $4, "
       "above_designated_size = $5, revenue_band = $6, integration_pilot = $7, "
       "integration_certified = $8, version = $9, updated_at = now() WHERE credit_code = $1",
       e.credit_code(), e.name(), e.county_code(), e.industry_code(), e.above_designated_size(),
       static_cast<int>(e.revenue_band()), e.integration_pilot(), e.integration_certified(),
       e.version());
}

std::optional<v1::Project> LoadProject(pqxx::transaction_base& tx, const std::string& project_code,
                                       bool for_update) {
  constexpr char kSelect[] =
      "SELECT " TECHRENO_PROJECT_COLUMNS " FROM registry_projects WHERE project_code = $1";
  constexpr char kLocked[] = "SELECT " TECHRENO_PROJECT_COLUMNS
                             " FROM registry_projects WHERE project_code = $1 FOR UPDATE";
  pqxx::result r = for_update ? Exec(tx, "reg_prj_load_lock", kLocked, project_code)
                              : Exec(tx, "reg_prj_load", kSelect, project_code);
  if (r.empty()) return std::nullopt;
  return ProjectFromRow(r[0]);
}

std::optional<v1::Project> FindBySourceRecord(pqxx::transaction_base& tx,
                                              const std::string& county_code,
                                              const std::string& source_record_id) {
  constexpr char kLocked[] = "SELECT " TECHRENO_PROJECT_COLUMNS
                             " FROM registry_projects WHERE county_code = $1 AND "
                             "source_record_id = $2 FOR UPDATE";
  pqxx::result r = Exec(tx, "reg_prj_by_source", kLocked, county_code, source_record_id);
  if (r.empty()) return std::nullopt;
  return ProjectFromRow(r[0]);
}

int64_t NextSerial(pqxx::transaction_base& tx, const std::string& county_code, int year) {
  pqxx::result r =
      Exec(tx, "reg_next_serial", "SELECT registry_next_serial($1, $2)", county_code, year);
  return r[0][0].as<int64_t>();
}

v1::Project InsertProject(pqxx::transaction_base& tx, const v1::Project& p,
                          const std::string& city_code) {
  pqxx::result r = Exec(
      tx, "reg_prj_insert",
      "INSERT INTO registry_projects (project_code, enterprise_credit_code, county_code, "
      "industry_code, name, renovation_types, requested_support, planned_investment_fen, "
      "planned_equipment_investment_fen, start_period, planned_completion_period, status, "
      "financing_need_fen, share_with_banks, source_record_id, description, version, city_code) "
      "VALUES ($1, $2, $3, $4, $5, $6::smallint[], $7::smallint[], $8, $9, $10, $11, $12, $13, "
      "$14, NULLIF($15, ''), $16, $17, $18) RETURNING " TECHRENO_PROJECT_COLUMNS,
      p.project_code(), p.enterprise_credit_code(), p.county_code(), p.industry_code(), p.name(),
      ToPgArray(p.renovation_types()), ToPgArray(p.requested_support()), p.planned_investment_fen(),
      p.planned_equipment_investment_fen(), p.start_period(), p.planned_completion_period(),
      static_cast<int>(p.status()), p.financing_need_fen(), p.share_with_banks(),
      p.source_record_id(), p.description(), p.version(), city_code);
  return ProjectFromRow(r[0]);
}

v1::Project UpdateProject(pqxx::transaction_base& tx, const v1::Project& p) {
  pqxx::result r = Exec(
      tx, "reg_prj_update",
      "UPDATE registry_projects SET enterprise_credit_code = $2, industry_code = $3, name = $4, "
      "renovation_types = $5::smallint[], requested_support = $6::smallint[], "
      "planned_investment_fen = $7, planned_equipment_investment_fen = $8, start_period = $9, "
      "planned_completion_period = $10, status = $11, financing_need_fen = $12, "
      "share_with_banks = $13, source_record_id = NULLIF($14, ''), description = $15, "
      "withdraw_reason = $16, version = $17, updated_at = now() WHERE project_code = $1 "
      "RETURNING " TECHRENO_PROJECT_COLUMNS,
      p.project_code(), p.enterprise_credit_code(), p.industry_code(), p.name(),
      ToPgArray(p.renovation_types()), ToPgArray(p.requested_support()), p.planned_investment_fen(),
      p.planned_equipment_investment_fen(), p.start_period(), p.planned_completion_period(),
      static_cast<int>(p.status()), p.financing_need_fen(), p.share_with_banks(),
      p.source_record_id(), p.description(), p.withdraw_reason(), p.version());
  return ProjectFromRow(r[0]);
}

void MarkCompleted(pqxx::transaction_base& tx, const std::string& project_code) {
  Exec(tx, "reg_prj_mark_completed",
       "UPDATE registry_projects SET completed_period = "
       "to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') "
       "WHERE project_code = $1 AND completed_period IS NULL",
       project_code);
}

std::vector<v1::Project> QueryProjects(pqxx::transaction_base& tx, const ProjectQuery& q) {
  const v1::ListProjectsRequest& f = q.filter;
  int64_t updated_since_us =
      f.has_updated_since() ? TimeUtil::TimestampToMicroseconds(f.updated_since()) : 0;
  pqxx::result r = Exec(
      tx, "reg_prj_query",
      "SELECT " TECHRENO_PROJECT_COLUMNS
      " FROM registry_projects "
      "WHERE ($1 = '' OR county_code = $1) AND ($2 = '' OR city_code = $2) "
      "AND ($3 = '' OR county_code = $3) AND ($4 = '' OR city_code = $4) "
      "AND ($5 = '' OR industry_code = $5 OR (length($5) = 2 AND left(industry_code, 2) = $5)) "
      "AND ($6::int = 0 OR status = $6::int) "
      "AND ($7::int = 0 OR $7::smallint = ANY (renovation_types)) "
      "AND planned_investment_fen >= $8::bigint "
      "AND ($9::bigint = 0 OR planned_investment_fen <= $9::bigint) "
      "AND ($10::bigint = 0 OR updated_at >= to_timestamp($10::bigint / 1000000.0)) "
      "AND ($11 = '' OR enterprise_credit_code = $11) "
      "AND project_code > $12 ORDER BY project_code LIMIT $13",
      q.scope_county, q.scope_city, f.county_code(), f.city_code(), f.industry_code(),
      static_cast<int>(f.status()), static_cast<int>(f.renovation_type()),
      f.min_planned_investment_fen(), f.max_planned_investment_fen(), updated_since_us,
      f.enterprise_credit_code(), q.after_code, q.limit);
  std::vector<v1::Project> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(ProjectFromRow(row));
  return out;
}

std::vector<HistoryRow> ProjectHistory(pqxx::transaction_base& tx, const std::string& project_code,
                                       int64_t before_id, int limit) {
  pqxx::result r = Exec(tx, "reg_prj_history",
                        "SELECT id, version, (extract(epoch from at) * 1000000)::bigint, "
                        "principal_name, coalesce(request_id, ''), action, after::text "
                        "FROM audit_log WHERE entity = 'project' AND entity_key = $1 "
                        "AND ($2::bigint = 0 OR id < $2::bigint) ORDER BY id DESC LIMIT $3",
                        project_code, before_id, limit);
  std::vector<HistoryRow> out;
  for (const auto& row : r) {
    HistoryRow h;
    h.audit_id = row[0].as<int64_t>();
    h.version.set_version(row[1].as<int64_t>());
    *h.version.mutable_change_time() = TimeUtil::MicrosecondsToTimestamp(row[2].as<int64_t>());
    h.version.set_changed_by(row[3].c_str());
    h.version.set_request_id(row[4].c_str());
    h.version.set_change_kind(row[5].c_str());
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // older versions may carry retired fields
    (void)google::protobuf::util::JsonStringToMessage(row[6].c_str(), h.version.mutable_project(),
                                                      options);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace techreno::registry
