// Unit tests for services/monitoring/report_decision: the rule chain of one
// progress report against a ReportContext built by hand — every refusal with
// its rule id, field and status class, the order in which they are asked,
// status defaults, versions, unchanged re-sends and the warnings. No database.

#include "services/monitoring/report_decision.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/codes/codes.h"

namespace techreno::monitoring {
namespace {

auth::Principal Liwan() {
  auth::Principal p;
  p.id = 3;
  p.name = "liwan-system";
  p.role = auth::Role::kCounty;
  p.scope = "440103";  // 荔湾区
  return p;
}

// 2024-05-10 in China: before the first half-year's deadline.
absl::Time Early() { return absl::FromCivil(absl::CivilDay(2024, 5, 10), absl::UTCTimeZone()); }
// 2024-07-02: after it.
absl::Time Late() { return absl::FromCivil(absl::CivilDay(2024, 7, 2), absl::UTCTimeZone()); }

const std::string kCode = "2023-440103-34-03-000001";

ReportContext Known() {
  ReportContext c;
  c.project_found = true;
  c.county_code = "440103";
  c.project_name = "数控机床智能化改造";
  c.start_period = "2023-06";
  c.project_status = v1::PROJECT_STATUS_UNDER_CONSTRUCTION;
  c.planned_fen = 100'000'000;  // 100万元
  return c;
}

v1::ProgressReport Report(const std::string& period, int64_t fen) {
  v1::ProgressReport r;
  r.set_project_code(kCode);
  r.set_period(period);
  r.set_completed_investment_fen(fen);
  r.mutable_split()->set_equipment_tools_fen(fen);
  return r;
}

// The stored row of `report`, version `version`.
StoredReport Stored(v1::ProgressReport report, int64_t version, bool late = false) {
  StoredReport s;
  report.set_version(version);
  report.set_late(late);
  report.set_submitted_by("liwan-system");
  if (report.status() == v1::PROJECT_STATUS_UNSPECIFIED) {
    report.set_status(v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  }
  s.report = report;
  return s;
}

ReportDecision Decide(const v1::ProgressReport& r, const ReportContext& c, absl::Time now = Early(),
                      int64_t expected_version = 0) {
  return DecideReport(Liwan(), r, expected_version, c, now, {});
}

// The only fatal finding of `d`, as "rule_id field".
std::string Fatal(const ReportDecision& d) {
  std::string out;
  for (const auto& v : d.violations) {
    if (v.severity() == v1::SEVERITY_FATAL) out += v.rule_id() + " " + v.field();
  }
  return out;
}

TEST(ReportDecisionTest, ANewReportIsAcceptedAsVersionOneWithItsStatusDefaulted) {
  ReportDecision d = Decide(Report("2024-03", 500), Known());
  EXPECT_EQ(d.outcome, v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(d.report.version(), 1);
  EXPECT_EQ(d.report.status(), v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  EXPECT_EQ(d.report.submitted_by(), "liwan-system");
  EXPECT_FALSE(d.report.late());
  EXPECT_FALSE(d.corrected);
  EXPECT_TRUE(d.violations.empty());
}

TEST(ReportDecisionTest, ANewMonthFollowsThePreviousMonthsStatus) {
  ReportContext c = Known();
  c.previous_status = v1::PROJECT_STATUS_SUSPENDED;
  EXPECT_EQ(Decide(Report("2024-03", 0), c).report.status(), v1::PROJECT_STATUS_SUSPENDED);
}

TEST(ReportDecisionTest, UnknownOutOfScopeAndWithdrawnProjectsAreRefusedFirst) {
  ReportContext unknown;
  ReportDecision d = Decide(Report("2024-03", 5), unknown);
  EXPECT_EQ(Fatal(d), "progress.project_code.unknown report.project_code");
  EXPECT_EQ(d.code, absl::StatusCode::kNotFound);

  ReportContext elsewhere = Known();
  elsewhere.county_code = "440104";  // 越秀区
  elsewhere.period_locked = true;    // the scope is asked before the calendar
  d = Decide(Report("2024-03", 5), elsewhere);
  EXPECT_EQ(Fatal(d), "progress.scope report.project_code");
  EXPECT_EQ(d.code, absl::StatusCode::kPermissionDenied);

  ReportContext withdrawn = Known();
  withdrawn.project_status = v1::PROJECT_STATUS_WITHDRAWN;
  d = Decide(Report("2024-03", 5), withdrawn);
  EXPECT_EQ(Fatal(d), "progress.project.withdrawn report.project_code");
  EXPECT_EQ(d.code, absl::StatusCode::kFailedPrecondition);
}

TEST(ReportDecisionTest, TheCalendarRefusesMonthsBeforeStartAndAfterCompletion) {
  ReportDecision d = Decide(Report("2023-05", 5), Known());
  EXPECT_EQ(Fatal(d), "progress.period.before_start report.period");
  EXPECT_EQ(d.code, absl::StatusCode::kInvalidArgument);

  ReportContext completed = Known();
  completed.completion_index = codes::Period{2024, 2}.Index();
  d = Decide(Report("2024-03", 5), completed);
  EXPECT_EQ(Fatal(d), "progress.period.after_completion report.period");
  EXPECT_NE(d.violations[0].message().find("2024-02"), std::string::npos);
  // The completion month itself may still be corrected.
  EXPECT_EQ(Decide(Report("2024-02", 5), completed).outcome, v1::OUTCOME_ACCEPTED);
}

TEST(ReportDecisionTest, FebruaryMayCoverJanuaryOnlyWhenJanuaryHasNoReportOfItsOwn) {
  v1::ProgressReport february = Report("2024-02", 5);
  february.set_covers_january(true);
  ReportContext c = Known();
  EXPECT_EQ(Decide(february, c).outcome, v1::OUTCOME_ACCEPTED);
  c.january_reported = true;
  EXPECT_EQ(Fatal(Decide(february, c)),
            "progress.period.covered_by_february report.covers_january");

  ReportContext covered = Known();
  covered.covered_by_february = true;
  EXPECT_EQ(Fatal(Decide(Report("2024-01", 5), covered)),
            "progress.period.covered_by_february report.period");

  ReportContext early = Known();
  early.start_period = "2024-02";
  EXPECT_EQ(Fatal(Decide(february, early)), "progress.period.before_start report.covers_january");
}

TEST(ReportDecisionTest, LockedMonthsAreRefusedAndACoveredJanuaryMustBeUnlockedToo) {
  ReportContext c = Known();
  c.period_locked = true;
  ReportDecision d = Decide(Report("2024-03", 5), c);
  EXPECT_EQ(Fatal(d), "progress.period.locked report.period");
  EXPECT_EQ(d.code, absl::StatusCode::kFailedPrecondition);

  v1::ProgressReport february = Report("2024-02", 5);
  february.set_covers_january(true);
  ReportContext january = Known();
  january.january_locked = true;
  d = Decide(february, january);
  EXPECT_EQ(Fatal(d), "progress.period.locked report.period");
  EXPECT_NE(d.violations[0].message().find("2024-01"), std::string::npos);
  // A February alone does not care about January's lock.
  EXPECT_EQ(Decide(Report("2024-02", 5), january).outcome, v1::OUTCOME_ACCEPTED);
}

TEST(ReportDecisionTest, AProjectCompletesOnlyInItsLastReportedMonth) {
  v1::ProgressReport done = Report("2024-03", 5);
  done.set_status(v1::PROJECT_STATUS_COMPLETED);
  ReportContext c = Known();
  c.last_report_index = codes::Period{2024, 4}.Index();
  EXPECT_EQ(Fatal(Decide(done, c)), "progress.period.after_completion report.status");
  c.last_report_index = codes::Period{2024, 3}.Index();
  EXPECT_EQ(Decide(done, c).outcome, v1::OUTCOME_ACCEPTED);
}

TEST(ReportDecisionTest, DeclaredTotalsMustMatchTheHistoryWithThisReport) {
  ReportContext c = Known();
  c.ytd_before_fen = 1000;
  c.since_start_before_fen = 3000;
  v1::ProgressReport r = Report("2024-03", 500);
  r.set_declared_ytd_fen(1500);
  r.set_declared_since_start_fen(3500);
  EXPECT_EQ(Decide(r, c).outcome, v1::OUTCOME_ACCEPTED);
  r.set_declared_ytd_fen(1499);
  EXPECT_EQ(Fatal(Decide(r, c)), "progress.declared_ytd.mismatch report.declared_ytd_fen");
  r.set_declared_ytd_fen(1500);
  r.set_declared_since_start_fen(3000);
  ReportDecision d = Decide(r, c);
  EXPECT_EQ(Fatal(d), "progress.declared_since_start.mismatch report.declared_since_start_fen");
  EXPECT_EQ(d.code, absl::StatusCode::kInvalidArgument);
}

TEST(ReportDecisionTest, AResentReportIsUnchangedAndAChangedOneIsTheNextVersion) {
  ReportContext c = Known();
  c.stored = Stored(Report("2024-03", 500), 2, /*late=*/true);
  ReportDecision same = Decide(Report("2024-03", 500), c);
  EXPECT_EQ(same.outcome, v1::OUTCOME_UNCHANGED);
  EXPECT_EQ(same.report.version(), 2);

  // After the deadline: a new report would warn that it is late, a correction
  // keeps the row's own lateness and does not warn again.
  ReportDecision changed = Decide(Report("2024-03", 700), c, Late());
  EXPECT_EQ(changed.outcome, v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(changed.report.version(), 3);
  EXPECT_TRUE(changed.corrected);
  EXPECT_TRUE(changed.report.late());  // a correction keeps the row's own lateness
  for (const auto& v : changed.violations) EXPECT_NE(v.rule_id(), "progress.late");
}

TEST(ReportDecisionTest, ExpectedVersionIsHonouredButAnUnchangedResendNeedsNone) {
  ReportContext c = Known();
  c.stored = Stored(Report("2024-03", 500), 2);
  ReportDecision d = Decide(Report("2024-03", 700), c, Early(), /*expected_version=*/1);
  EXPECT_EQ(Fatal(d), "progress.expected_version expected_version");
  EXPECT_EQ(d.code, absl::StatusCode::kAborted);
  EXPECT_EQ(Decide(Report("2024-03", 700), c, Early(), 2).outcome, v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(Decide(Report("2024-03", 500), c, Early(), 1).outcome, v1::OUTCOME_UNCHANGED);
  // For a new month the stored version is 0.
  EXPECT_EQ(Fatal(Decide(Report("2024-04", 5), Known(), Early(), 1)),
            "progress.expected_version expected_version");
}

TEST(ReportDecisionTest, WarnsOfLateNewReportsAndOfInvestmentBeyondThePlan) {
  ReportDecision late = Decide(Report("2024-03", 5), Known(), Late());
  EXPECT_EQ(late.outcome, v1::OUTCOME_ACCEPTED);
  EXPECT_TRUE(late.report.late());
  ASSERT_EQ(late.violations.size(), 1);
  EXPECT_EQ(late.violations[0].rule_id(), "progress.late");
  EXPECT_EQ(late.violations[0].severity(), v1::SEVERITY_WARNING);

  ReportContext c = Known();
  c.since_start_before_fen = 99'999'000;
  ReportDecision over = Decide(Report("2024-03", 1001), c);
  EXPECT_EQ(over.outcome, v1::OUTCOME_ACCEPTED);
  ASSERT_EQ(over.violations.size(), 1);
  EXPECT_EQ(over.violations[0].rule_id(), "progress.since_start.exceeds_planned");
  EXPECT_EQ(over.violations[0].field(), "report.completed_investment_fen");
  EXPECT_TRUE(Decide(Report("2024-03", 1000), c).violations.empty());
}

TEST(ReportDecisionTest, WarningsFromThePureChecksAreKept) {
  rpc::Violations warnings;
  rpc::AddViolation(warnings, v1::SEVERITY_WARNING, "progress.note.long", "report.note", "long");
  ReportDecision d = DecideReport(Liwan(), Report("2024-03", 5), 0, Known(), Early(), warnings);
  ASSERT_EQ(d.violations.size(), 1);
  EXPECT_EQ(d.violations[0].rule_id(), "progress.note.long");
}

}  // namespace
}  // namespace techreno::monitoring
