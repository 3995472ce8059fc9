#include "services/monitoring/report_decision.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "services/monitoring/report_rules.h"

namespace techreno::monitoring {
namespace {

std::string MonthOf(int index) { return codes::FormatPeriod({index / 12, index % 12 + 1}); }

// The first calendar or history rule the report breaks, as a fatal finding.
struct Refusal {
  absl::StatusCode code;
  const char* rule_id;
  const char* field;
  std::string message;
};

std::optional<Refusal> CalendarRefusal(const v1::ProgressReport& in, int index,
                                       const ReportContext& c) {
  const int year = index / 12;
  auto start = codes::ParsePeriod(c.start_period);
  if (start.ok() && in.covers_january() && year * 12 < start->Index()) {
    return Refusal{absl::StatusCode::kInvalidArgument, "progress.period.before_start",
                   "covers_january",
                   absl::StrCat("the report covers ", year, "-01, before the project's start ",
                                c.start_period)};
  }
  if (start.ok() && index < start->Index()) {
    return Refusal{absl::StatusCode::kInvalidArgument, "progress.period.before_start", "period",
                   absl::StrCat(in.period(), " is before the project's start ", c.start_period)};
  }
  if (c.completion_index >= 0 && index > c.completion_index) {
    return Refusal{
        absl::StatusCode::kFailedPrecondition, "progress.period.after_completion", "period",
        absl::StrCat("the project was reported completed in ", MonthOf(c.completion_index))};
  }
  // The January–February rule: one report may cover both months, then
  // January has no report of its own.
  if (in.covers_january() && c.january_reported) {
    return Refusal{absl::StatusCode::kFailedPrecondition, "progress.period.covered_by_february",
                   "covers_january",
                   absl::StrCat("a separate report for ", year,
                                "-01 exists; February cannot cover January too")};
  }
  if (c.covered_by_february) {
    return Refusal{absl::StatusCode::kFailedPrecondition, "progress.period.covered_by_february",
                   "period", absl::StrCat("the ", year, "-02 report already covers January")};
  }
  if (in.covers_january() && c.january_locked) {
    return Refusal{absl::StatusCode::kFailedPrecondition, "progress.period.locked", "period",
                   absl::StrCat("period ", year,
                                "-01 is locked by the province; ask it to unlock with a reason")};
  }
  if (c.period_locked) {
    return Refusal{absl::StatusCode::kFailedPrecondition, "progress.period.locked", "period",
                   absl::StrCat("period ", in.period(),
                                " is locked by the province; ask it to unlock with a reason")};
  }
  return std::nullopt;
}

// Rules on the report as it would be stored (its status resolved).
std::optional<Refusal> ContentRefusal(const v1::ProgressReport& in,
                                      const v1::ProgressReport& wanted, int index,
                                      const ReportContext& c) {
  if (wanted.status() == v1::PROJECT_STATUS_COMPLETED && c.last_report_index > index) {
    return Refusal{absl::StatusCode::kFailedPrecondition, "progress.period.after_completion",
                   "status",
                   absl::StrCat("reports after ", in.period(), " exist (the last is ",
                                MonthOf(c.last_report_index),
                                "); a project completes in its last reported month")};
  }
  // Declared totals must agree with the history with this report applied.
  const int64_t ytd = c.ytd_before_fen + wanted.completed_investment_fen();
  if (in.has_declared_ytd_fen() && in.declared_ytd_fen() != ytd) {
    return Refusal{
        absl::StatusCode::kInvalidArgument, "progress.declared_ytd.mismatch", "declared_ytd_fen",
        absl::StrCat("declared year-to-date ", rpc::FormatFen(in.declared_ytd_fen()),
                     " but the stored reports with this one give ", rpc::FormatFen(ytd))};
  }
  const int64_t since_start = c.since_start_before_fen + wanted.completed_investment_fen();
  if (in.has_declared_since_start_fen() && in.declared_since_start_fen() != since_start) {
    return Refusal{
        absl::StatusCode::kInvalidArgument, "progress.declared_since_start.mismatch",
        "declared_since_start_fen",
        absl::StrCat("declared since start ", rpc::FormatFen(in.declared_since_start_fen()),
                     " but the stored reports with this one give ", rpc::FormatFen(since_start))};
  }
  return std::nullopt;
}

ReportDecision Rejected(ReportDecision d, Refusal r) {
  rpc::AddViolation(d.violations, v1::SEVERITY_FATAL, r.rule_id, absl::StrCat("report.", r.field),
                    std::move(r.message));
  d.outcome = v1::OUTCOME_REJECTED;
  d.code = r.code;
  return d;
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

ReportDecision DecideReport(const auth::Principal& caller, const v1::ProgressReport& input,
                            int64_t expected_version, const ReportContext& c, absl::Time now,
                            rpc::Violations warnings) {
  ReportDecision d;
  d.violations = std::move(warnings);
  if (std::optional<ProjectRefusal> refused =
          RefuseProject(caller, input.project_code(), c.project_found ? &c.county_code : nullptr,
                        c.project_status)) {
    return Rejected(std::move(d),
                    {refused->code, refused->rule_id, "project_code", std::move(refused->message)});
  }
  const int index = codes::ParsePeriod(input.period())->Index();
  if (auto refused = CalendarRefusal(input, index, c)) return Rejected(std::move(d), *refused);

  v1::ProgressReport wanted = ReportContent(input);
  if (wanted.status() == v1::PROJECT_STATUS_UNSPECIFIED) {
    // A re-sent month keeps its own status; a new one follows the month before.
    wanted.set_status(c.stored ? c.stored->report.status()
                               : c.previous_status.value_or(v1::PROJECT_STATUS_UNDER_CONSTRUCTION));
  }
  if (auto refused = ContentRefusal(input, wanted, index, c)) {
    return Rejected(std::move(d), *refused);
  }
  const int64_t current_version = c.stored ? c.stored->report.version() : 0;
  if (c.stored &&
      google::protobuf::util::MessageDifferencer::Equals(ReportContent(c.stored->report), wanted)) {
    d.outcome = v1::OUTCOME_UNCHANGED;
    d.report = c.stored->report;
    return d;
  }
  if (expected_version != 0 && expected_version != current_version) {
    rpc::AddViolation(d.violations, v1::SEVERITY_FATAL, "progress.expected_version",
                      "expected_version",
                      absl::StrCat("expected version ", expected_version,
                                   " but the stored version is ", current_version));
    d.outcome = v1::OUTCOME_REJECTED;
    d.code = absl::StatusCode::kAborted;
    return d;
  }
  wanted.set_version(current_version + 1);
  wanted.set_submitted_by(caller.name);
  wanted.set_late(c.stored ? c.stored->report.late()
                           : now >= DeadlineEnd({index / 12, index % 12 + 1}));
  if (!c.stored && wanted.late()) {
    rpc::AddViolation(d.violations, v1::SEVERITY_WARNING, "progress.late", "report.period",
                      absl::StrCat("filed after the deadline of ", input.period(),
                                   "'s half-year (June 30 / December 31, China Standard Time)"));
  }
  const int64_t since_start = c.since_start_before_fen + wanted.completed_investment_fen();
  if (since_start > c.planned_fen) {
    rpc::AddViolation(d.violations, v1::SEVERITY_WARNING, "progress.since_start.exceeds_planned",
                      "report.completed_investment_fen",
                      absl::StrCat("investment since start ", rpc::FormatFen(since_start),
                                   " exceeds the planned total ", rpc::FormatFen(c.planned_fen)));
  }
  d.outcome = v1::OUTCOME_ACCEPTED;
  d.corrected = c.stored.has_value();
  d.report = std::move(wanted);
  return d;
}

}  // namespace techreno::monitoring
