#include "services/monitoring/report_batch.h"

#include <google/protobuf/util/time_util.h>

#include <unordered_map>

#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"
#include "services/monitoring/monitoring_store.h"
#include "services/monitoring/report_rules.h"

namespace techreno::monitoring {
namespace {

using google::protobuf::util::TimeUtil;

int IndexOf(const v1::ProgressReport& report) {
  return codes::ParsePeriod(report.period())->Index();
}

// The answer's running totals and names, from the context the report was
// decided on.
void AddTotals(const ReportContext& c, v1::ProgressReport& r) {
  r.set_ytd_completed_fen(c.ytd_before_fen + r.completed_investment_fen());
  r.set_since_start_completed_fen(c.since_start_before_fen + r.completed_investment_fen());
  r.set_project_name(c.project_name);
  const auto& regions = store::Reference().regions;
  if (const auto* county = regions.Find(c.county_code)) {
    r.mutable_county()->set_code(county->code);
    r.mutable_county()->set_name(county->name);
    if (const auto* city = regions.Find(regions.CityOf(county->code))) {
      r.mutable_city()->set_code(city->code);
      r.mutable_city()->set_name(city->name);
    }
  }
}

// Reads, decides and writes the reports `round` names (each of a different
// project) into `out`.
void WriteRound(pqxx::transaction_base& tx, const auth::Principal& caller,
                const std::vector<BatchReport>& batch, const std::vector<size_t>& round,
                absl::Time now, bool with_totals, std::vector<ReportDecision>& out) {
  std::vector<ReportKey> keys;
  for (size_t i : round)
    keys.push_back({batch[i].report->project_code(), IndexOf(*batch[i].report)});
  const std::vector<ReportContext> contexts = LoadReportContexts(tx, keys);
  std::vector<ReportWrite> rows;
  std::vector<size_t> written;  // positions in `round` of `rows`
  for (size_t k = 0; k < round.size(); ++k) {
    const BatchReport& b = batch[round[k]];
    ReportDecision& d = out[round[k]] =
        DecideReport(caller, *b.report, b.expected_version, contexts[k], now, *b.warnings);
    if (d.outcome != v1::OUTCOME_ACCEPTED) continue;
    const int index = keys[k].period_index;
    rows.push_back({contexts[k].county_code, index, DeadlineEnd({index / 12, index % 12 + 1}),
                    d.report, b.request_id});
    written.push_back(k);
  }
  const std::vector<WrittenTimes> times = WriteReports(tx, caller.id, caller.name, rows);
  for (size_t w = 0; w < written.size(); ++w) {
    v1::ProgressReport& report = out[round[written[w]]].report;
    *report.mutable_first_submit_time() =
        TimeUtil::MicrosecondsToTimestamp(times[w].first_submit_us);
    *report.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(times[w].update_us);
  }
  if (!with_totals) return;
  for (size_t k = 0; k < round.size(); ++k) {
    ReportDecision& d = out[round[k]];
    if (d.outcome != v1::OUTCOME_REJECTED) AddTotals(contexts[k], d.report);
  }
}

}  // namespace

std::vector<ReportDecision> WriteReportBatch(pqxx::transaction_base& tx,
                                             const auth::Principal& caller,
                                             const std::vector<BatchReport>& batch, absl::Time now,
                                             bool with_totals) {
  std::vector<ReportDecision> out(batch.size());
  // Round k holds the k-th report of each project.
  std::unordered_map<std::string, size_t> seen;
  std::vector<std::vector<size_t>> rounds;
  for (size_t i = 0; i < batch.size(); ++i) {
    const size_t k = seen[batch[i].report->project_code()]++;
    if (rounds.size() <= k) rounds.emplace_back();
    rounds[k].push_back(i);
  }
  if (rounds.empty()) return out;
  std::vector<std::string> projects;
  for (size_t i : rounds[0]) projects.push_back(batch[i].report->project_code());
  LockProjects(tx, projects);
  for (const std::vector<size_t>& round : rounds) {
    WriteRound(tx, caller, batch, round, now, with_totals, out);
  }
  return out;
}

void AddReportStoreFindings(pqxx::transaction_base& tx, const auth::Principal& caller,
                            const v1::ProgressReport& report, rpc::Violations& findings) {
  if (report.project_code().empty() || report.project_code().size() > 64) return;
  std::optional<ProjectFacts> project = LoadProjectFacts(tx, report.project_code());
  std::optional<ProjectRefusal> refused =
      project.has_value()
          ? RefuseProject(caller, report.project_code(), &project->county_code, project->status)
          : RefuseProject(caller, report.project_code(), nullptr, {});
  if (refused.has_value()) {
    rpc::AddViolation(findings, v1::SEVERITY_FATAL, refused->rule_id, "report.project_code",
                      std::move(refused->message));
  }
}

}  // namespace techreno::monitoring
