#include "services/registry/registry_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <functional>
#include <map>
#include <stdexcept>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/store/arrays.h"
#include "libs/store/transaction.h"
#include "services/registry/project_row.h"

namespace techreno::registry {
namespace {

using google::protobuf::util::TimeUtil;
using store::BoolArray;
using store::Exec;
using store::NumberArray;
using store::TextArray;

// "{1,3}" ← repeated enum.
std::string ToPgArray(const google::protobuf::RepeatedField<int>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
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

// Reads add the project's investment completed since start (Project's
// output field), from monitoring's read interface; writes compare stored and
// sent content and leave it out.
#define TECHRENO_PROJECT_READ_COLUMNS                               \
  TECHRENO_PROJECT_COLUMNS                                          \
  ", coalesce((SELECT pp.completed_fen FROM v_project_progress pp " \
  "WHERE pp.project_code = registry_projects.project_code), 0)"

namespace {

// A row of TECHRENO_PROJECT_READ_COLUMNS.
v1::Project ProjectReadFromRow(const pqxx::row& r) {
  v1::Project p = ProjectFromRow(r);
  p.set_completed_investment_fen(r[r.size() - 1].as<int64_t>());
  return p;
}

}  // namespace

std::optional<v1::Project> LoadProject(pqxx::transaction_base& tx, const std::string& project_code,
                                       bool for_update) {
  constexpr char kSelect[] =
      "SELECT " TECHRENO_PROJECT_READ_COLUMNS " FROM registry_projects WHERE project_code = $1";
  constexpr char kLocked[] = "SELECT " TECHRENO_PROJECT_COLUMNS
                             " FROM registry_projects WHERE project_code = $1 FOR UPDATE";
  if (for_update) {
    pqxx::result r = Exec(tx, "reg_prj_load_lock", kLocked, project_code);
    if (r.empty()) return std::nullopt;
    return ProjectFromRow(r[0]);
  }
  pqxx::result r = Exec(tx, "reg_prj_load", kSelect, project_code);
  if (r.empty()) return std::nullopt;
  return ProjectReadFromRow(r[0]);
}

std::vector<std::optional<v1::Enterprise>> LoadEnterprises(
    pqxx::transaction_base& tx, const std::vector<std::string>& credit_codes) {
  std::vector<std::optional<v1::Enterprise>> out(credit_codes.size());
  if (credit_codes.empty()) return out;
  static const std::string query =
      absl::StrCat("SELECT k.i, ", kEnterpriseColumns,
                   " FROM unnest($1::text[]) WITH ORDINALITY AS k(code, i) "
                   "JOIN registry_enterprises e ON e.credit_code = k.code");
  for (const auto& row : Exec(tx, "reg_ent_load_many", query.c_str(), TextArray(credit_codes))) {
    out[row[0].as<size_t>() - 1] = EnterpriseFromRow(row.slice(1, row.size()));
  }
  return out;
}

namespace {

// Fills `out` from locked rows, by key: every position of `keys` whose key
// a row has.
void PlaceRows(const pqxx::result& rows, const std::vector<std::string>& keys,
               const std::function<std::string(const v1::Project&)>& key_of,
               std::vector<std::optional<v1::Project>>& out) {
  std::map<std::string, std::vector<size_t>> positions;
  for (size_t i = 0; i < keys.size(); ++i) positions[keys[i]].push_back(i);
  for (const auto& row : rows) {
    v1::Project p = ProjectFromRow(row);
    for (size_t i : positions[key_of(p)]) out[i] = p;
  }
}

}  // namespace

// Both lock in key order (the lock is taken above the sort), so that two
// batches never wait on each other in a cycle.
std::vector<std::optional<v1::Project>> LockProjects(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& codes) {
  std::vector<std::optional<v1::Project>> out(codes.size());
  if (codes.empty()) return out;
  PlaceRows(
      Exec(tx, "reg_prj_lock_many",
           "SELECT " TECHRENO_PROJECT_COLUMNS " FROM registry_projects "
           "WHERE project_code = ANY ($1::text[]) ORDER BY project_code FOR UPDATE",
           TextArray(codes)),
      codes, [](const v1::Project& p) { return p.project_code(); }, out);
  return out;
}

std::vector<std::optional<v1::Project>> LockBySourceRecords(pqxx::transaction_base& tx,
                                                            const std::vector<SourceKey>& keys) {
  std::vector<std::optional<v1::Project>> out(keys.size());
  if (keys.empty()) return out;
  std::vector<std::string> counties, sources, joined;
  for (const SourceKey& k : keys) {
    counties.push_back(k.county_code);
    sources.push_back(k.source_record_id);
    joined.push_back(absl::StrCat(k.county_code, "|", k.source_record_id));
  }
  PlaceRows(
      Exec(tx, "reg_prj_by_source_many",
           "SELECT " TECHRENO_PROJECT_COLUMNS " FROM registry_projects "
           "WHERE source_record_id IS NOT NULL AND (county_code, source_record_id) IN "
           "  (SELECT * FROM unnest($1::text[], $2::text[])) "
           "ORDER BY county_code, source_record_id FOR UPDATE",
           TextArray(counties), TextArray(sources)),
      joined,
      [](const v1::Project& p) { return absl::StrCat(p.county_code(), "|", p.source_record_id()); },
      out);
  return out;
}

std::vector<int64_t> NextSerials(pqxx::transaction_base& tx, const std::vector<SerialKey>& keys) {
  std::vector<int64_t> out(keys.size());
  if (keys.empty()) return out;
  std::vector<std::string> counties;
  std::vector<int> years;
  for (const SerialKey& k : keys) {
    counties.push_back(k.county_code);
    years.push_back(k.year);
  }
  for (const auto& row :
       Exec(tx, "reg_next_serials",
            "SELECT k.i, registry_next_serial(k.county, k.year) "
            "FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS k(county, year, i) ORDER BY k.i",
            TextArray(counties), NumberArray(years))) {
    out[row[0].as<size_t>() - 1] = row[1].as<int64_t>();
  }
  return out;
}

std::vector<bool> CodesTaken(pqxx::transaction_base& tx, const std::vector<std::string>& codes) {
  std::vector<bool> out(codes.size(), false);
  if (codes.empty()) return out;
  for (const auto& row : Exec(tx, "reg_codes_taken",
                              "SELECT k.i FROM unnest($1::text[]) WITH ORDINALITY AS k(code, i) "
                              "WHERE EXISTS (SELECT 1 FROM registry_projects p "
                              "  WHERE p.project_code = k.code)",
                              TextArray(codes))) {
    out[row[0].as<size_t>() - 1] = true;
  }
  return out;
}

namespace {

// A batch of projects as one array per column, in the order of the unnest()
// in kProjectRows.
struct ProjectColumns {
  std::vector<std::string> code, credit, county, industry, name, types, support, start, completion,
      source, description, withdraw, city;
  std::vector<int64_t> planned, equipment, financing, version;
  std::vector<int> status;
  std::vector<bool> share;

  void Add(const v1::Project& p, const std::string& city_code) {
    code.push_back(p.project_code());
    credit.push_back(p.enterprise_credit_code());
    county.push_back(p.county_code());
    industry.push_back(p.industry_code());
    name.push_back(p.name());
    types.push_back(ToPgArray(p.renovation_types()));
    support.push_back(ToPgArray(p.requested_support()));
    planned.push_back(p.planned_investment_fen());
    equipment.push_back(p.planned_equipment_investment_fen());
    start.push_back(p.start_period());
    completion.push_back(p.planned_completion_period());
    status.push_back(static_cast<int>(p.status()));
    financing.push_back(p.financing_need_fen());
    share.push_back(p.share_with_banks());
    source.push_back(p.source_record_id());
    description.push_back(p.description());
    withdraw.push_back(p.withdraw_reason());
    version.push_back(p.version());
    city.push_back(city_code);
  }
};

#define TECHRENO_PROJECT_ROWS                                                                   \
  "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], " \
  "  $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::int[], $13::bigint[], "         \
  "  $14::boolean[], $15::text[], $16::text[], $17::text[], $18::bigint[], $19::text[]) "       \
  "  WITH ORDINALITY AS u(n_code, n_credit, n_county, n_industry, n_name, n_types, n_support, " \
  "  n_planned, n_equipment, n_start, n_completion, n_status, n_financing, n_share, n_source, " \
  "  n_description, n_withdraw, n_version, n_city, i)"

// Runs `name`/`sql` (written over TECHRENO_PROJECT_ROWS, returning the
// ordinality first and TECHRENO_PROJECT_COLUMNS after it) and answers the
// rows in the order of `columns`.
std::vector<v1::Project> WriteRows(pqxx::transaction_base& tx, const char* name, const char* sql,
                                   const ProjectColumns& c) {
  std::vector<v1::Project> out(c.code.size());
  size_t written = 0;
  for (const auto& row :
       Exec(tx, name, sql, TextArray(c.code), TextArray(c.credit), TextArray(c.county),
            TextArray(c.industry), TextArray(c.name), TextArray(c.types), TextArray(c.support),
            NumberArray(c.planned), NumberArray(c.equipment), TextArray(c.start),
            TextArray(c.completion), NumberArray(c.status), NumberArray(c.financing),
            BoolArray(c.share), TextArray(c.source), TextArray(c.description),
            TextArray(c.withdraw), NumberArray(c.version), TextArray(c.city))) {
    out[row[0].as<size_t>() - 1] = ProjectFromRow(row.slice(1, row.size()));
    ++written;
  }
  if (written != c.code.size()) {
    // Two rows of one project in one statement, or a row gone under its
    // lock: the writer's rounds rule out both.
    throw std::logic_error("a batch's project rows were not all written");
  }
  return out;
}

}  // namespace

std::vector<v1::Project> InsertProjects(pqxx::transaction_base& tx,
                                        const std::vector<NewProject>& projects) {
  if (projects.empty()) return {};
  ProjectColumns columns;
  for (const NewProject& p : projects) columns.Add(*p.project, p.city_code);
  // The ordinality comes back through a join on the new rows' codes.
  return WriteRows(
      tx, "reg_prj_insert_many",
      "WITH u AS (SELECT * FROM " TECHRENO_PROJECT_ROWS
      "), "
      "ins AS (INSERT INTO registry_projects (project_code, enterprise_credit_code, county_code, "
      "  industry_code, name, renovation_types, requested_support, planned_investment_fen, "
      "  planned_equipment_investment_fen, start_period, planned_completion_period, status, "
      "  financing_need_fen, share_with_banks, source_record_id, description, version, "
      "  city_code) "
      "  SELECT n_code, n_credit, n_county, n_industry, n_name, n_types::smallint[], "
      "    n_support::smallint[], n_planned, n_equipment, n_start, n_completion, n_status, "
      "    n_financing, n_share, NULLIF(n_source, ''), n_description, n_version, n_city "
      "  FROM u ORDER BY i "
      "  RETURNING " TECHRENO_PROJECT_COLUMNS
      ") "
      "SELECT u.i, ins.* FROM ins JOIN u ON u.n_code = ins.project_code",
      columns);
}

std::vector<v1::Project> UpdateProjects(pqxx::transaction_base& tx,
                                        const std::vector<const v1::Project*>& projects) {
  if (projects.empty()) return {};
  ProjectColumns columns;
  for (const v1::Project* p : projects) columns.Add(*p, "");
  return WriteRows(
      tx, "reg_prj_update_many",
      "UPDATE registry_projects SET enterprise_credit_code = n_credit, "
      "  industry_code = n_industry, name = n_name, renovation_types = n_types::smallint[], "
      "  requested_support = n_support::smallint[], planned_investment_fen = n_planned, "
      "  planned_equipment_investment_fen = n_equipment, start_period = n_start, "
      "  planned_completion_period = n_completion, status = n_status, "
      "  financing_need_fen = n_financing, share_with_banks = n_share, "
      "  source_record_id = NULLIF(n_source, ''), description = n_description, "
      "  withdraw_reason = n_withdraw, version = n_version, updated_at = now() "
      "FROM " TECHRENO_PROJECT_ROWS
      " WHERE project_code = n_code "
      "RETURNING i, " TECHRENO_PROJECT_COLUMNS,
      columns);
}

v1::Project UpdateProject(pqxx::transaction_base& tx, const v1::Project& p) {
  return UpdateProjects(tx, {&p})[0];
}

void MarkCompleted(pqxx::transaction_base& tx, const std::vector<std::string>& project_codes) {
  if (project_codes.empty()) return;
  Exec(tx, "reg_prj_mark_completed",
       "UPDATE registry_projects SET completed_period = "
       "to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') "
       "WHERE project_code = ANY ($1::text[]) AND completed_period IS NULL",
       TextArray(project_codes));
}

std::vector<v1::Project> QueryProjects(pqxx::transaction_base& tx, const ProjectQuery& q) {
  const v1::ListProjectsRequest& f = q.filter;
  int64_t updated_since_us =
      f.has_updated_since() ? TimeUtil::TimestampToMicroseconds(f.updated_since()) : 0;
  pqxx::result r = Exec(
      tx, "reg_prj_query",
      "SELECT " TECHRENO_PROJECT_READ_COLUMNS
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
  for (const auto& row : r) out.push_back(ProjectReadFromRow(row));
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
