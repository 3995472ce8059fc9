#include "services/monitoring/report_writer.h"

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"
#include "services/monitoring/monitoring_store.h"
#include "services/monitoring/report_rules.h"

namespace techreno::monitoring {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;

ReportOutcome Reject(ReportOutcome out, absl::StatusCode code, const std::string& rule,
                     const std::string& field, const std::string& message) {
  rpc::AddViolation(out.violations, v1::SEVERITY_FATAL, rule, field, message);
  out.outcome = v1::OUTCOME_REJECTED;
  out.code = code;
  return out;
}

// Output fields: running totals and names.
void Complete(pqxx::transaction_base& tx, const ProjectFacts& project, int period_index,
              v1::ProgressReport& r) {
  const int year_start = period_index - period_index % 12;
  r.set_ytd_completed_fen(SumReports(tx, r.project_code(), year_start, period_index, -1));
  r.set_since_start_completed_fen(SumReports(tx, r.project_code(), 0, period_index, -1));
  r.set_project_name(project.name);
  const auto& regions = store::Reference().regions;
  if (const auto* county = regions.Find(project.county_code)) {
    r.mutable_county()->set_code(county->code);
    r.mutable_county()->set_name(county->name);
    if (const auto* city = regions.Find(regions.CityOf(county->code))) {
      r.mutable_city()->set_code(city->code);
      r.mutable_city()->set_name(city->name);
    }
  }
}

}  // namespace

v1::ProgressReport ReportContent(const v1::ProgressReport& r) {
  v1::ProgressReport c;
  c.set_project_code(r.project_code());
  c.set_period(r.period());
  c.set_covers_january(r.covers_january());
  c.set_completed_investment_fen(r.completed_investment_fen());
  *c.mutable_split() = r.split();
  c.set_status(r.status());
  c.set_note(r.note());
  c.set_source_record_id(r.source_record_id());
  return c;
}

bool SameContent(const v1::ProgressReport& stored, const v1::ProgressReport& wanted) {
  return MessageDifferencer::Equals(ReportContent(stored), wanted);
}

std::optional<ProjectFacts> CheckReportProject(pqxx::transaction_base& tx,
                                               const auth::Principal& caller,
                                               const std::string& project_code,
                                               const std::string& field, rpc::Violations& findings,
                                               absl::StatusCode* code) {
  std::optional<ProjectFacts> project = LoadProjectFacts(tx, project_code);
  std::optional<ProjectRefusal> refused =
      project.has_value()
          ? RefuseProject(caller, project_code, &project->county_code, project->status)
          : RefuseProject(caller, project_code, nullptr, {});
  if (!refused.has_value()) return project;
  rpc::AddViolation(findings, v1::SEVERITY_FATAL, refused->rule_id, field,
                    std::move(refused->message));
  *code = refused->code;
  return std::nullopt;
}

void AddReportStoreFindings(pqxx::transaction_base& tx, const auth::Principal& caller,
                            const v1::ProgressReport& report, rpc::Violations& findings) {
  if (report.project_code().empty() || report.project_code().size() > 64) return;
  absl::StatusCode ignored;
  CheckReportProject(tx, caller, report.project_code(), "report.project_code", findings, &ignored);
}

ReportOutcome WriteReport(pqxx::transaction_base& tx, const auth::Principal& caller,
                          const v1::ProgressReport& input, int64_t expected_version,
                          const std::string& request_id, rpc::Violations warnings, absl::Time now,
                          const std::string& prefix, bool with_totals) {
  ReportOutcome out;
  out.violations = std::move(warnings);
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };

  std::optional<ProjectFacts> project = CheckReportProject(
      tx, caller, input.project_code(), field("project_code"), out.violations, &out.code);
  if (!project.has_value()) {
    out.outcome = v1::OUTCOME_REJECTED;
    return out;
  }
  // The calendar rules below read the project's other months: one writer at
  // a time per project, so that two streams cannot both pass them.
  LockProject(tx, project->project_code);
  const codes::Period period = *codes::ParsePeriod(input.period());
  const int index = period.Index();
  auto start = codes::ParsePeriod(project->start_period);
  if (start.ok() && input.covers_january() && codes::Period{period.year, 1} < *start) {
    return Reject(std::move(out), absl::StatusCode::kInvalidArgument,
                  "progress.period.before_start", field("covers_january"),
                  absl::StrCat("the report covers ", period.year,
                               "-01, before the project's start ", project->start_period));
  }
  if (start.ok() && period < *start) {
    return Reject(
        std::move(out), absl::StatusCode::kInvalidArgument, "progress.period.before_start",
        field("period"),
        absl::StrCat(input.period(), " is before the project's start ", project->start_period));
  }
  if (auto completed = CompletionIndex(tx, input.project_code());
      completed.has_value() && index > *completed) {
    return Reject(std::move(out), absl::StatusCode::kFailedPrecondition,
                  "progress.period.after_completion", field("period"),
                  absl::StrCat("the project was reported completed in ",
                               codes::FormatPeriod({*completed / 12, *completed % 12 + 1})));
  }
  // The January–February rule: one report may cover both months, then January
  // has no report of its own.
  std::vector<std::string> months = {input.period()};
  if (input.covers_january()) {
    months.push_back(codes::FormatPeriod({period.year, 1}));
    if (LoadReport(tx, project->county_code, input.project_code(), index - 1, false)) {
      return Reject(std::move(out), absl::StatusCode::kFailedPrecondition,
                    "progress.period.covered_by_february", field("covers_january"),
                    absl::StrCat("a separate report for ", months.back(),
                                 " exists; February cannot cover January too"));
    }
  } else if (period.month == 1) {
    auto february = LoadReport(tx, project->county_code, input.project_code(), index + 1, false);
    if (february.has_value() && february->report.covers_january()) {
      return Reject(std::move(out), absl::StatusCode::kFailedPrecondition,
                    "progress.period.covered_by_february", field("period"),
                    absl::StrCat("the ", period.year, "-02 report already covers January"));
    }
  }
  if (auto locked = LockedAmong(tx, months); !locked.empty()) {
    return Reject(std::move(out), absl::StatusCode::kFailedPrecondition, "progress.period.locked",
                  field("period"),
                  absl::StrCat("period ", locked.front(),
                               " is locked by the province; ask it to unlock with a reason"));
  }

  std::optional<StoredReport> stored =
      LoadReport(tx, project->county_code, input.project_code(), index, /*for_update=*/true);
  v1::ProgressReport wanted = ReportContent(input);
  if (wanted.status() == v1::PROJECT_STATUS_UNSPECIFIED) {
    // A re-sent month keeps its own status; a new one follows the month before.
    wanted.set_status(stored.has_value() ? stored->report.status()
                                         : PreviousStatus(tx, input.project_code(), index)
                                               .value_or(v1::PROJECT_STATUS_UNDER_CONSTRUCTION));
  }
  if (wanted.status() == v1::PROJECT_STATUS_COMPLETED) {
    if (auto last = LastReportIndex(tx, input.project_code()); last.has_value() && *last > index) {
      return Reject(std::move(out), absl::StatusCode::kFailedPrecondition,
                    "progress.period.after_completion", field("status"),
                    absl::StrCat("reports after ", input.period(), " exist (the last is ",
                                 codes::FormatPeriod({*last / 12, *last % 12 + 1}),
                                 "); a project completes in its last reported month"));
    }
  }
  // Declared totals must agree with the history with this report applied.
  const int year_start = index - index % 12;
  if (input.has_declared_ytd_fen()) {
    const int64_t ytd = SumReports(tx, input.project_code(), year_start, index, index) +
                        wanted.completed_investment_fen();
    if (input.declared_ytd_fen() != ytd) {
      return Reject(
          std::move(out), absl::StatusCode::kInvalidArgument, "progress.declared_ytd.mismatch",
          field("declared_ytd_fen"),
          absl::StrCat("declared year-to-date ", rpc::FormatFen(input.declared_ytd_fen()),
                       " but the stored reports with this one give ", rpc::FormatFen(ytd)));
    }
  }
  if (input.has_declared_since_start_fen()) {
    const int64_t since_start =
        SumReports(tx, input.project_code(), 0, index, index) + wanted.completed_investment_fen();
    if (input.declared_since_start_fen() != since_start) {
      return Reject(
          std::move(out), absl::StatusCode::kInvalidArgument,
          "progress.declared_since_start.mismatch", field("declared_since_start_fen"),
          absl::StrCat("declared since start ", rpc::FormatFen(input.declared_since_start_fen()),
                       " but the stored reports with this one give ", rpc::FormatFen(since_start)));
    }
  }

  const int64_t current_version = stored.has_value() ? stored->report.version() : 0;
  if (stored.has_value() && SameContent(stored->report, wanted)) {
    out.outcome = v1::OUTCOME_UNCHANGED;
    out.report = stored->report;
    if (with_totals) Complete(tx, *project, index, out.report);
    return out;
  }
  if (expected_version != 0 && expected_version != current_version) {
    return Reject(std::move(out), absl::StatusCode::kAborted, "progress.expected_version",
                  "expected_version",
                  absl::StrCat("expected version ", expected_version, " but the stored version is ",
                               current_version));
  }
  wanted.set_version(current_version + 1);
  wanted.set_submitted_by(caller.name);
  wanted.set_late(stored.has_value() ? stored->report.late() : now >= DeadlineEnd(period));
  // The summaries follow in the same statement (migration 0009's triggers).
  const WrittenTimes times =
      WriteReports(tx, caller.id, caller.name,
                   {{project->county_code, index, DeadlineEnd(period), wanted, request_id}})[0];
  out.report = wanted;
  *out.report.mutable_first_submit_time() =
      TimeUtil::MicrosecondsToTimestamp(times.first_submit_us);
  *out.report.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(times.update_us);
  if (with_totals) Complete(tx, *project, index, out.report);
  if (!stored.has_value() && wanted.late()) {
    rpc::AddViolation(out.violations, v1::SEVERITY_WARNING, "progress.late", field("period"),
                      absl::StrCat("filed after the deadline of ", input.period(),
                                   "'s half-year (June 30 / December 31, China Standard Time)"));
  }
  const int64_t since_start = SumReports(tx, input.project_code(), 0, index, -1);
  if (since_start > project->planned_fen) {
    rpc::AddViolation(
        out.violations, v1::SEVERITY_WARNING, "progress.since_start.exceeds_planned",
        field("completed_investment_fen"),
        absl::StrCat("investment since start ", rpc::FormatFen(since_start),
                     " exceeds the planned total ", rpc::FormatFen(project->planned_fen)));
  }
  out.outcome = v1::OUTCOME_ACCEPTED;
  out.corrected = stored.has_value();
  return out;
}

}  // namespace techreno::monitoring
