#include "services/monitoring/monitoring_store.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <stdexcept>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/codes/codes.h"
#include "libs/store/arrays.h"
#include "libs/store/transaction.h"

namespace techreno::monitoring {
namespace {

using google::protobuf::util::TimeUtil;
using store::Exec;

}  // namespace

std::optional<ProjectFacts> LoadProjectFacts(pqxx::transaction_base& tx,
                                             const std::string& project_code) {
  pqxx::result r =
      Exec(tx, "mon_project_facts",
           "SELECT project_code, county_code, industry_code, name, start_period, status, "
           "planned_investment_fen FROM v_projects WHERE project_code = $1",
           project_code);
  if (r.empty()) return std::nullopt;
  return ProjectFacts{r[0][0].c_str(),      r[0][1].c_str(),
                      r[0][2].c_str(),      r[0][3].c_str(),
                      r[0][4].c_str(),      static_cast<v1::ProjectStatus>(r[0][5].as<int>()),
                      r[0][6].as<int64_t>()};
}

void LockProjects(pqxx::transaction_base& tx, const std::vector<std::string>& project_codes) {
  Exec(tx, "mon_lock_projects",
       "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(c) AS h "
       "FROM unnest($1::text[]) AS c) locks ORDER BY h",
       store::TextArray(project_codes));
}

StoredReport ReportFromRow(const pqxx::row& row, size_t first) {
  auto r = [&](size_t k) { return row[static_cast<pqxx::row::size_type>(first + k)]; };
  StoredReport s;
  v1::ProgressReport& p = s.report;
  p.set_project_code(r(0).c_str());
  p.set_period(r(1).c_str());
  p.set_covers_january(r(2).as<bool>());
  p.set_completed_investment_fen(r(3).as<int64_t>());
  p.mutable_split()->set_building_works_fen(r(4).as<int64_t>());
  p.mutable_split()->set_installation_fen(r(5).as<int64_t>());
  p.mutable_split()->set_equipment_tools_fen(r(6).as<int64_t>());
  p.mutable_split()->set_other_fen(r(7).as<int64_t>());
  p.set_status(static_cast<v1::ProjectStatus>(r(8).as<int>()));
  p.set_note(r(9).c_str());
  p.set_source_record_id(r(10).c_str());
  p.set_version(r(11).as<int64_t>());
  p.set_late(r(12).as<bool>());
  p.set_submitted_by(r(13).c_str());
  *p.mutable_first_submit_time() = TimeUtil::MicrosecondsToTimestamp(r(14).as<int64_t>());
  *p.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r(15).as<int64_t>());
  s.period_index = r(16).as<int>();
  return s;
}

std::vector<ReportContext> LoadReportContexts(pqxx::transaction_base& tx,
                                              const std::vector<ReportKey>& keys) {
  std::vector<std::string> codes, periods, januaries;
  std::vector<int> indexes;
  for (const ReportKey& k : keys) {
    codes.push_back(k.project_code);
    indexes.push_back(k.period_index);
    periods.push_back(codes::FormatPeriod({k.period_index / 12, k.period_index % 12 + 1}));
    januaries.push_back(codes::FormatPeriod({k.period_index / 12, 1}));
  }
  std::vector<ReportContext> contexts(keys.size());
  for (const auto& row : Exec(
           tx, "mon_report_contexts",
           "SELECT b.i, p.county_code, p.name, p.start_period, p.status, "
           "  p.planned_investment_fen, least(h.completed_at, p.completion_index), "
           "  h.last_index, h.previous_status, coalesce(h.january_reported, false), "
           "  b.idx % 12 = 0 AND coalesce(h.february_covers_january, false), "
           "  EXISTS (SELECT 1 FROM monitoring_period_locks l WHERE l.locked "
           "          AND l.period = b.period), "
           "  EXISTS (SELECT 1 FROM monitoring_period_locks l WHERE l.locked "
           "          AND l.period = b.january), "
           "  coalesce(h.ytd_before, 0)::bigint, coalesce(h.before_fen, 0)::bigint, r.* "
           "FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) "
           "  WITH ORDINALITY AS b(code, idx, period, january, i) "
           // LIMIT 1 keeps the planner from hashing the whole registry: one
           // index probe per report, whatever the table's size or statistics.
           "LEFT JOIN LATERAL (SELECT * FROM v_projects v WHERE v.project_code = b.code LIMIT 1) p "
           "  ON true "
           // The project's report history in one index scan.
           "LEFT JOIN LATERAL (SELECT "
           "    min(t.period_index) FILTER (WHERE t.status = 3) AS completed_at, "
           "    max(t.period_index) AS last_index, "
           "    (array_agg(t.status ORDER BY t.period_index DESC) "
           "       FILTER (WHERE t.period_index < b.idx))[1] AS previous_status, "
           "    bool_or(t.period_index = b.idx - b.idx % 12) AS january_reported, "
           "    bool_or(t.period_index = b.idx + 1 AND t.covers_january) "
           "      AS february_covers_january, "
           "    sum(t.completed_fen) FILTER (WHERE t.period_index >= b.idx - b.idx % 12 "
           "      AND t.period_index < b.idx) AS ytd_before, "
           "    sum(t.completed_fen) FILTER (WHERE t.period_index < b.idx) AS before_fen "
           "  FROM monitoring_reports t WHERE t.project_code = b.code) h ON true "
           // This project-month's stored report, as ReportFromRow reads it.
           "LEFT JOIN LATERAL (SELECT " TECHRENO_REPORT_COLUMNS " FROM monitoring_reports "
           "  WHERE county_code = p.county_code AND project_code = b.code "
           "  AND period_index = b.idx) r ON true",
           store::TextArray(codes), store::NumberArray(indexes), store::TextArray(periods),
           store::TextArray(januaries))) {
    ReportContext& c = contexts[row[0].as<size_t>() - 1];
    if (row[1].is_null()) continue;
    c.project_found = true;
    c.county_code = row[1].c_str();
    c.project_name = row[2].c_str();
    c.start_period = row[3].c_str();
    c.project_status = static_cast<v1::ProjectStatus>(row[4].as<int>());
    c.planned_fen = row[5].as<int64_t>();
    c.completion_index = row[6].is_null() ? -1 : row[6].as<int>();
    c.last_report_index = row[7].is_null() ? -1 : row[7].as<int>();
    if (!row[8].is_null()) c.previous_status = static_cast<v1::ProjectStatus>(row[8].as<int>());
    c.january_reported = row[9].as<bool>();
    c.covered_by_february = row[10].as<bool>();
    c.period_locked = row[11].as<bool>();
    c.january_locked = row[12].as<bool>();
    c.ytd_before_fen = row[13].as<int64_t>();
    c.since_start_before_fen = row[14].as<int64_t>();
    if (!row[15].is_null()) c.stored = ReportFromRow(row, 15);
  }
  return contexts;
}

std::vector<WrittenTimes> WriteReports(pqxx::transaction_base& tx, int64_t principal_id,
                                       const std::string& principal_name,
                                       const std::vector<ReportWrite>& rows) {
  if (rows.empty()) return {};
  std::vector<std::string> county, code, period, note, source, request;
  std::vector<int> index, status;
  std::vector<bool> january, late;
  std::vector<int64_t> fen, building, installation, equipment, other, version, deadline;
  for (const ReportWrite& w : rows) {
    const v1::ProgressReport& r = w.report;
    county.push_back(w.county_code);
    code.push_back(r.project_code());
    period.push_back(r.period());
    index.push_back(w.period_index);
    january.push_back(r.covers_january());
    fen.push_back(r.completed_investment_fen());
    building.push_back(r.split().building_works_fen());
    installation.push_back(r.split().installation_fen());
    equipment.push_back(r.split().equipment_tools_fen());
    other.push_back(r.split().other_fen());
    status.push_back(static_cast<int>(r.status()));
    note.push_back(r.note());
    source.push_back(r.source_record_id());
    version.push_back(r.version());
    late.push_back(r.late());
    deadline.push_back(absl::ToUnixSeconds(w.deadline));
    request.push_back(w.request_id);
  }
  // All parts of one statement see the same snapshot: `before` is each row as
  // it was before `up` replaced it (looked up for corrections only).
  pqxx::result written = Exec(
      tx, "mon_reports_write",
      "WITH u AS MATERIALIZED (SELECT u.*, CASE WHEN u.version > 1 THEN "
      "    (SELECT to_json(r) FROM monitoring_reports r WHERE r.county_code = u.county "
      "       AND r.project_code = u.code AND r.period_index = u.idx) END AS before "
      "  FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::boolean[], "
      "    $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::int[], "
      "    $14::text[], $15::text[], $16::bigint[], $17::boolean[], $18::bigint[], $19::text[]) "
      "  AS u(county, code, period, idx, january, fen, b, i, e, o, status, note, source, "
      "       version, late, deadline, request)), "
      // New rows are plain inserts (no speculative insertion: the project's
      // advisory lock keeps other writers out), corrections updates.
      "ins AS (INSERT INTO monitoring_reports (county_code, project_code, period, "
      "    period_index, covers_january, completed_fen, building_fen, installation_fen, "
      "    equipment_fen, other_fen, status, note, source_record_id, version, late, "
      "    submitted_by) "
      "  SELECT county, code, period, idx, january, fen, b, i, e, o, status, note, source, "
      "    version, late, $2 FROM u WHERE u.version = 1 "
      "  RETURNING *), "
      "upd AS (UPDATE monitoring_reports r SET covers_january = u.january, "
      "    completed_fen = u.fen, building_fen = u.b, installation_fen = u.i, "
      "    equipment_fen = u.e, other_fen = u.o, status = u.status, note = u.note, "
      "    source_record_id = u.source, version = u.version, submitted_by = $2, "
      "    corrected_late = now() >= to_timestamp(u.deadline), updated_at = now() "
      "  FROM u WHERE u.version > 1 AND r.county_code = u.county AND r.project_code = u.code "
      "    AND r.period_index = u.idx "
      "  RETURNING r.*), "
      "up AS (SELECT * FROM ins UNION ALL SELECT * FROM upd), "
      "audit AS (INSERT INTO audit_log (principal_id, principal_name, action, entity, "
      "    entity_key, county_code, version, request_id, before, after) "
      "  SELECT NULLIF($1, 0), $2, CASE WHEN u.before IS NULL THEN 'report' ELSE 'correct' END, "
      "    'progress', up.project_code || '@' || up.period, up.county_code, up.version, "
      "    NULLIF(u.request, ''), u.before, to_json(up) "
      "  FROM up JOIN u ON u.county = up.county_code AND u.code = up.project_code "
      "    AND u.idx = up.period_index) "
      "SELECT county_code, project_code, period_index, "
      "  (extract(epoch from first_submit_at) * 1000000)::bigint, "
      "  (extract(epoch from updated_at) * 1000000)::bigint FROM up",
      principal_id, principal_name, store::TextArray(county), store::TextArray(code),
      store::TextArray(period), store::NumberArray(index), store::BoolArray(january),
      store::NumberArray(fen), store::NumberArray(building), store::NumberArray(installation),
      store::NumberArray(equipment), store::NumberArray(other), store::NumberArray(status),
      store::TextArray(note), store::TextArray(source), store::NumberArray(version),
      store::BoolArray(late), store::NumberArray(deadline), store::TextArray(request));
  std::map<std::tuple<std::string, std::string, int>, WrittenTimes> by_key;
  for (const auto& row : written) {
    by_key[{row[0].c_str(), row[1].c_str(), row[2].as<int>()}] = {row[3].as<int64_t>(),
                                                                  row[4].as<int64_t>()};
  }
  if (by_key.size() != rows.size()) {
    // A correction's row vanished under the project's lock: never expected.
    throw std::logic_error("a corrected progress report's stored row is missing");
  }
  std::vector<WrittenTimes> out;
  out.reserve(rows.size());
  for (const ReportWrite& w : rows) {
    out.push_back(by_key[{w.county_code, w.report.project_code(), w.period_index}]);
  }
  return out;
}

std::optional<v1::PeriodLock> LoadLock(pqxx::transaction_base& tx, const std::string& period,
                                       bool for_update) {
  pqxx::result r = Exec(tx, for_update ? "mon_lock_load_lock" : "mon_lock_load",
                        for_update ? "SELECT period, locked, reason, changed_by, "
                                     "(extract(epoch from changed_at) * 1000000)::bigint, version "
                                     "FROM monitoring_period_locks WHERE period = $1 FOR UPDATE"
                                   : "SELECT period, locked, reason, changed_by, "
                                     "(extract(epoch from changed_at) * 1000000)::bigint, version "
                                     "FROM monitoring_period_locks WHERE period = $1",
                        period);
  if (r.empty()) return std::nullopt;
  v1::PeriodLock lock;
  lock.set_period(r[0][0].c_str());
  lock.set_locked(r[0][1].as<bool>());
  lock.set_reason(r[0][2].c_str());
  lock.set_changed_by(r[0][3].c_str());
  *lock.mutable_change_time() = TimeUtil::MicrosecondsToTimestamp(r[0][4].as<int64_t>());
  lock.set_version(r[0][5].as<int64_t>());
  return lock;
}

void SaveLock(pqxx::transaction_base& tx, const v1::PeriodLock& lock, bool insert) {
  if (insert) {
    Exec(tx, "mon_lock_insert",
         "INSERT INTO monitoring_period_locks (period, locked, reason, changed_by, version) "
         "VALUES ($1, $2, $3, $4, $5)",
         lock.period(), lock.locked(), lock.reason(), lock.changed_by(), lock.version());
  } else {
    Exec(tx, "mon_lock_update",
         "UPDATE monitoring_period_locks SET locked = $2, reason = $3, changed_by = $4, "
         "version = $5, changed_at = now() WHERE period = $1",
         lock.period(), lock.locked(), lock.reason(), lock.changed_by(), lock.version());
  }
}

namespace {
#define TECHRENO_TARGET_COLUMNS                                          \
  "year, scope_kind, scope_code, metric, value, note, version, set_by, " \
  "(extract(epoch from updated_at) * 1000000)::bigint"

v1::Target TargetFromRow(const pqxx::row& r) {
  v1::Target t;
  t.set_year(r[0].as<int>());
  if (std::string(r[1].c_str()) == "region") {
    t.set_region_code(r[2].c_str());
  } else {
    t.set_region_group_id(r[2].c_str());
  }
  t.set_metric(static_cast<v1::TargetMetric>(r[3].as<int>()));
  t.set_value(r[4].as<int64_t>());
  t.set_note(r[5].c_str());
  t.set_version(r[6].as<int64_t>());
  t.set_set_by(r[7].c_str());
  *t.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(r[8].as<int64_t>());
  return t;
}
}  // namespace

std::optional<v1::Target> LoadTarget(pqxx::transaction_base& tx, int year,
                                     const std::string& scope_kind, const std::string& scope_code,
                                     int metric, bool for_update) {
  pqxx::result r = for_update
                       ? Exec(tx, "mon_target_lock",
                              "SELECT " TECHRENO_TARGET_COLUMNS
                              " FROM monitoring_targets WHERE year = $1 AND "
                              "scope_kind = $2 AND scope_code = $3 AND metric = $4 FOR UPDATE",
                              year, scope_kind, scope_code, metric)
                       : Exec(tx, "mon_target",
                              "SELECT " TECHRENO_TARGET_COLUMNS
                              " FROM monitoring_targets WHERE year = $1 AND "
                              "scope_kind = $2 AND scope_code = $3 AND metric = $4",
                              year, scope_kind, scope_code, metric);
  if (r.empty()) return std::nullopt;
  return TargetFromRow(r[0]);
}

void SaveTarget(pqxx::transaction_base& tx, const v1::Target& t, const std::string& scope_kind,
                const std::string& scope_code, bool insert) {
  if (insert) {
    Exec(tx, "mon_target_insert",
         "INSERT INTO monitoring_targets (year, scope_kind, scope_code, metric, value, note, "
         "version, set_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
         t.year(), scope_kind, scope_code, static_cast<int>(t.metric()), t.value(), t.note(),
         t.version(), t.set_by());
  } else {
    Exec(tx, "mon_target_update",
         "UPDATE monitoring_targets SET value = $5, note = $6, version = $7, set_by = $8, "
         "updated_at = now() WHERE year = $1 AND scope_kind = $2 AND scope_code = $3 "
         "AND metric = $4",
         t.year(), scope_kind, scope_code, static_cast<int>(t.metric()), t.value(), t.note(),
         t.version(), t.set_by());
  }
}

std::vector<v1::Target> TargetsOf(pqxx::transaction_base& tx, int year, int metric) {
  pqxx::result r = Exec(tx, "mon_targets_of",
                        "SELECT " TECHRENO_TARGET_COLUMNS
                        " FROM monitoring_targets "
                        "WHERE year = $1 AND metric = $2",
                        year, metric);
  std::vector<v1::Target> out;
  for (const auto& row : r) out.push_back(TargetFromRow(row));
  return out;
}

}  // namespace techreno::monitoring
