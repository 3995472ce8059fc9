#include "services/monitoring/report_batch.h"

#include <google/protobuf/util/time_util.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/codes/codes.h"
#include "libs/store/arrays.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/monitoring/monitoring_store.h"
#include "services/monitoring/report_rules.h"

namespace techreno::monitoring {
namespace {

using google::protobuf::util::TimeUtil;

using store::NumberArray;
using store::TextArray;

bool Eligible(const std::vector<BatchReport>& batch) {
  std::set<std::string> codes;
  for (const BatchReport& b : batch) {
    const v1::ProgressReport& r = *b.report;
    if (b.expected_version != 0 || r.covers_january() ||
        r.status() == v1::PROJECT_STATUS_COMPLETED || r.has_declared_ytd_fen() ||
        r.has_declared_since_start_fen() || !codes.insert(r.project_code()).second) {
      return false;
    }
  }
  return true;
}

// What the database knows about one report of the batch.
struct Facts {
  bool project_found = false;
  std::string county, start_period;
  v1::ProjectStatus project_status = v1::PROJECT_STATUS_UNSPECIFIED;
  int64_t planned = 0;
  int completion = -1;
  std::optional<StoredReport> stored;  // this project-month's report, if any
  std::optional<v1::ProjectStatus> previous_status;
  bool covered_by_february = false, locked = false;
  int64_t others_since_start = 0;  // the project's other months through this one
};

std::vector<Facts> LoadFacts(pqxx::transaction_base& tx, const std::vector<BatchReport>& batch,
                             const std::vector<int>& indexes) {
  std::vector<std::string> codes, periods;
  for (const BatchReport& b : batch) {
    codes.push_back(b.report->project_code());
    periods.push_back(b.report->period());
  }
  std::vector<Facts> facts(batch.size());
  for (const auto& row : store::Exec(
           tx, "mon_batch_facts",
           "SELECT b.i, p.county_code, p.start_period, p.status, "
           "  p.planned_investment_fen, least(h.completed_at, p.completion_index), "
           "  h.previous_status, b.idx % 12 = 0 AND coalesce(h.february_covers_january, false), "
           "  EXISTS (SELECT 1 FROM monitoring_period_locks l "
           "          WHERE l.locked AND l.period = b.period), "
           "  coalesce(h.before_fen, 0)::bigint, r.* "
           "FROM unnest($1::text[], $2::int[], $3::text[]) "
           "  WITH ORDINALITY AS b(code, idx, period, i) "
           // LIMIT 1 keeps the planner from hashing the whole registry: one
           // index probe per report, whatever the table's size or statistics.
           "LEFT JOIN LATERAL (SELECT * FROM v_projects v WHERE v.project_code = b.code LIMIT 1) p "
           "  ON true "
           // The project's report history in one index scan: when it was first
           // reported completed, its status before this month, whether this
           // January is covered by February, and its investment before this month.
           "LEFT JOIN LATERAL (SELECT "
           "    min(t.period_index) FILTER (WHERE t.status = 3) AS completed_at, "
           "    (array_agg(t.status ORDER BY t.period_index DESC) "
           "       FILTER (WHERE t.period_index < b.idx))[1] AS previous_status, "
           "    bool_or(t.period_index = b.idx + 1 AND t.covers_january) "
           "      AS february_covers_january, "
           "    sum(t.completed_fen) FILTER (WHERE t.period_index < b.idx) AS before_fen "
           "  FROM monitoring_reports t WHERE t.project_code = b.code) h ON true "
           // This project-month's stored report, as ReportFromRow reads it.
           "LEFT JOIN LATERAL (SELECT " TECHRENO_REPORT_COLUMNS " FROM monitoring_reports "
           "  WHERE county_code = p.county_code AND project_code = b.code "
           "  AND period_index = b.idx) r ON true",
           TextArray(codes), NumberArray(indexes), TextArray(periods))) {
    Facts& f = facts[row[0].as<size_t>() - 1];
    if (row[1].is_null()) continue;
    f.project_found = true;
    f.county = row[1].c_str();
    f.start_period = row[2].c_str();
    f.project_status = static_cast<v1::ProjectStatus>(row[3].as<int>());
    f.planned = row[4].as<int64_t>();
    f.completion = row[5].is_null() ? -1 : row[5].as<int>();
    if (!row[6].is_null()) f.previous_status = static_cast<v1::ProjectStatus>(row[6].as<int>());
    f.covered_by_february = row[7].as<bool>();
    f.locked = row[8].as<bool>();
    f.others_since_start = row[9].as<int64_t>();
    if (!row[10].is_null()) f.stored = ReportFromRow(row, 10);
  }
  return facts;
}

}  // namespace

std::optional<std::vector<ReportOutcome>> WriteReportBatch(pqxx::transaction_base& tx,
                                                           const auth::Principal& caller,
                                                           const std::vector<BatchReport>& batch,
                                                           absl::Time now) {
  if (batch.empty() || !Eligible(batch)) return std::nullopt;
  std::vector<int> indexes;
  std::vector<std::string> codes;
  for (const BatchReport& b : batch) {
    indexes.push_back(codes::ParsePeriod(b.report->period())->Index());
    codes.push_back(b.report->project_code());
  }
  // One writer at a time per project, as in WriteReport (in hash order, so
  // that batches never wait on each other in a cycle).
  store::Exec(tx, "mon_batch_lock",
              "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(c) AS h "
              "FROM unnest($1::text[]) AS c) locks ORDER BY h",
              TextArray(codes));
  std::vector<Facts> facts = LoadFacts(tx, batch, indexes);

  std::vector<ReportOutcome> out(batch.size());
  struct Write {
    size_t i;
    v1::ProgressReport row;
  };
  std::vector<Write> writes;
  for (size_t i = 0; i < batch.size(); ++i) {
    const v1::ProgressReport& in = *batch[i].report;
    const Facts& f = facts[i];
    ReportOutcome& o = out[i];
    o.violations = *batch[i].warnings;
    auto reject = [&](absl::StatusCode code, const char* rule, const char* field,
                      std::string message) {
      rpc::AddViolation(o.violations, v1::SEVERITY_FATAL, rule, absl::StrCat("report.", field),
                        std::move(message));
      o.outcome = v1::OUTCOME_REJECTED;
      o.code = code;
    };
    const int index = indexes[i];
    auto start = codes::ParsePeriod(f.start_period);
    if (std::optional<ProjectRefusal> refused = RefuseProject(
            caller, in.project_code(), f.project_found ? &f.county : nullptr, f.project_status)) {
      reject(refused->code, refused->rule_id, "project_code", std::move(refused->message));
    } else if (start.ok() && index < start->Index()) {
      reject(absl::StatusCode::kInvalidArgument, "progress.period.before_start", "period",
             absl::StrCat(in.period(), " is before the project's start ", f.start_period));
    } else if (f.completion >= 0 && index > f.completion) {
      reject(absl::StatusCode::kFailedPrecondition, "progress.period.after_completion", "period",
             absl::StrCat("the project was reported completed in ",
                          codes::FormatPeriod({f.completion / 12, f.completion % 12 + 1})));
    } else if (f.covered_by_february) {
      reject(absl::StatusCode::kFailedPrecondition, "progress.period.covered_by_february", "period",
             absl::StrCat("the ", index / 12, "-02 report already covers January"));
    } else if (f.locked) {
      reject(absl::StatusCode::kFailedPrecondition, "progress.period.locked", "period",
             absl::StrCat("period ", in.period(),
                          " is locked by the province; ask it to unlock with a reason"));
    }
    if (o.outcome == v1::OUTCOME_REJECTED && o.code != absl::StatusCode::kOk) continue;

    v1::ProgressReport wanted = ReportContent(in);
    wanted.set_status(in.status() != v1::PROJECT_STATUS_UNSPECIFIED ? in.status()
                      : f.stored
                          ? f.stored->report.status()
                          : f.previous_status.value_or(v1::PROJECT_STATUS_UNDER_CONSTRUCTION));
    if (f.stored && SameContent(f.stored->report, wanted)) {
      o.outcome = v1::OUTCOME_UNCHANGED;
      o.report = f.stored->report;
      continue;
    }
    wanted.set_version(f.stored ? f.stored->report.version() + 1 : 1);
    wanted.set_submitted_by(caller.name);
    wanted.set_late(f.stored ? f.stored->report.late()
                             : now >= DeadlineEnd({index / 12, index % 12 + 1}));
    if (!f.stored && wanted.late()) {
      rpc::AddViolation(o.violations, v1::SEVERITY_WARNING, "progress.late", "report.period",
                        absl::StrCat("filed after the deadline of ", in.period(),
                                     "'s half-year (June 30 / December 31, China Standard Time)"));
    }
    const int64_t since_start = f.others_since_start + wanted.completed_investment_fen();
    if (since_start > f.planned) {
      rpc::AddViolation(o.violations, v1::SEVERITY_WARNING, "progress.since_start.exceeds_planned",
                        "report.completed_investment_fen",
                        absl::StrCat("investment since start ", rpc::FormatFen(since_start),
                                     " exceeds the planned total ", rpc::FormatFen(f.planned)));
    }
    o.outcome = v1::OUTCOME_ACCEPTED;
    o.corrected = f.stored.has_value();
    writes.push_back({i, wanted});
  }
  if (writes.empty()) return out;

  // The rows and their audit rows in one statement; the summaries follow in
  // it (migration 0009's triggers).
  std::vector<ReportWrite> rows;
  rows.reserve(writes.size());
  for (const Write& w : writes) {
    rows.push_back({facts[w.i].county, indexes[w.i],
                    DeadlineEnd({indexes[w.i] / 12, indexes[w.i] % 12 + 1}), w.row, ""});
  }
  const std::vector<WrittenTimes> times = WriteReports(tx, caller.id, caller.name, rows);
  for (size_t k = 0; k < writes.size(); ++k) {
    v1::ProgressReport& report = out[writes[k].i].report;
    report = std::move(rows[k].report);
    *report.mutable_first_submit_time() =
        TimeUtil::MicrosecondsToTimestamp(times[k].first_submit_us);
    *report.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(times[k].update_us);
  }

  return out;
}

}  // namespace techreno::monitoring
