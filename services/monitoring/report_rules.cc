#include "services/monitoring/report_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/store/reference_data.h"

namespace techreno::monitoring {
namespace {

using codes::ChinaStandardTime;
using rpc::AddViolation;
using rpc::Utf8Length;
using v1::SEVERITY_FATAL;

}  // namespace

std::optional<ProjectRefusal> RefuseProject(const auth::Principal& caller,
                                            const std::string& project_code,
                                            const std::string* county, v1::ProjectStatus status) {
  const auto& regions = store::Reference().regions;
  if (county == nullptr) {
    return ProjectRefusal{absl::StatusCode::kNotFound, "progress.project_code.unknown",
                          absl::StrCat("no project ", project_code, " in the registry")};
  }
  if (!auth::MayWrite(caller, *county, regions) || caller.role == auth::Role::kCity) {
    return ProjectRefusal{
        absl::StatusCode::kPermissionDenied, "progress.scope",
        absl::StrCat("project ", project_code, " of ", regions.Label(*county),
                     " is outside the scope of '", caller.name, "' (", caller.scope, ")")};
  }
  if (status == v1::PROJECT_STATUS_WITHDRAWN) {
    return ProjectRefusal{absl::StatusCode::kFailedPrecondition, "progress.project.withdrawn",
                          absl::StrCat("project ", project_code, " was withdrawn")};
  }
  return std::nullopt;
}

absl::Time DeadlineEnd(const codes::Period& period) {
  const absl::CivilDay first_after =
      period.month <= 6 ? absl::CivilDay(period.year, 7, 1) : absl::CivilDay(period.year + 1, 1, 1);
  return absl::FromCivil(first_after, ChinaStandardTime());
}

Violations ValidateReport(const v1::ProgressReport& r, const codes::Period& today,
                          const std::string& prefix) {
  Violations out;
  auto f = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (r.project_code().empty()) {
    AddViolation(out, SEVERITY_FATAL, "progress.project_code.required", f("project_code"),
                 "project_code is required");
  }
  auto period = codes::ParsePeriod(r.period());
  if (!period.ok()) {
    AddViolation(out, SEVERITY_FATAL, "period.format", f("period"),
                 std::string(period.status().message()));
  } else {
    if (today < *period) {
      AddViolation(out, SEVERITY_FATAL, "progress.period.future", f("period"),
                   absl::StrCat(r.period(), " is in the future (this month is ",
                                codes::FormatPeriod(today), ")"));
    }
    if (r.covers_january() && period->month != 2) {
      AddViolation(out, SEVERITY_FATAL, "progress.covers_january.not_february", f("covers_january"),
                   "only a February report may cover January and February together");
    }
  }
  const v1::InvestmentSplit& s = r.split();
  const int64_t parts[] = {s.building_works_fen(), s.installation_fen(), s.equipment_tools_fen(),
                           s.other_fen()};
  const char* part_names[] = {"split.building_works_fen", "split.installation_fen",
                              "split.equipment_tools_fen", "split.other_fen"};
  // Amounts are capped (1 万亿元 a month is far beyond any project) so that
  // sums over a province can never overflow 64 bits.
  constexpr int64_t kMaxFen = 100'000'000'000'000;
  bool parts_ok = true;
  for (int i = 0; i < 4; ++i) {
    if (parts[i] < 0 || parts[i] > kMaxFen) {
      parts_ok = false;
      AddViolation(
          out, SEVERITY_FATAL, parts[i] < 0 ? "progress.amount.negative" : "progress.amount.range",
          f(part_names[i]), absl::StrCat("must be 0 to 1 万亿元; got ", rpc::FormatFen(parts[i])));
    }
  }
  if (r.completed_investment_fen() < 0 || r.completed_investment_fen() > kMaxFen) {
    AddViolation(
        out, SEVERITY_FATAL,
        r.completed_investment_fen() < 0 ? "progress.amount.negative" : "progress.amount.range",
        f("completed_investment_fen"),
        absl::StrCat("must be 0 to 1 万亿元; got ", rpc::FormatFen(r.completed_investment_fen())));
  } else if (parts_ok) {
    const int64_t sum = parts[0] + parts[1] + parts[2] + parts[3];
    if (sum != r.completed_investment_fen()) {
      AddViolation(out, SEVERITY_FATAL, "progress.split.sum", f("split"),
                   absl::StrCat("building works + installation + equipment and tools + other = ",
                                rpc::FormatFen(sum), ", but completed_investment_fen is ",
                                rpc::FormatFen(r.completed_investment_fen())));
    }
  }
  if (!v1::ProjectStatus_IsValid(r.status())) {
    AddViolation(out, SEVERITY_FATAL, "progress.status.unknown", f("status"),
                 absl::StrCat("unknown status ", r.status()));
  } else if (r.status() == v1::PROJECT_STATUS_WITHDRAWN) {
    AddViolation(out, SEVERITY_FATAL, "progress.status.withdrawn", f("status"),
                 "a report cannot withdraw a project: use ProjectRegistry.WithdrawProject");
  }
  if (Utf8Length(r.note()) > 500) {
    AddViolation(out, SEVERITY_FATAL, "text.length", f("note"), "must be at most 500 characters");
  }
  if (Utf8Length(r.source_record_id()) > 64) {
    AddViolation(out, SEVERITY_FATAL, "text.length", f("source_record_id"),
                 "must be at most 64 characters");
  }
  rpc::CheckNoControlCharacters(out, r.note(), f("note"));
  rpc::CheckNoControlCharacters(out, r.source_record_id(), f("source_record_id"));
  return out;
}

}  // namespace techreno::monitoring
