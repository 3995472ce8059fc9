#include "services/library/criteria.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/store/reference_data.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::library {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Reflection;

// Project fields a tier may require: what a county system fills in
// (output-only fields and identity are always set or never by the caller).
const std::vector<std::string>& RequirableFields() {
  static const auto* fields = new std::vector<std::string>{
      "enterprise_credit_code",
      "industry_code",
      "renovation_types",
      "requested_support",
      "planned_equipment_investment_fen",
      "planned_completion_period",
      "financing_need_fen",
      "share_with_banks",
      "source_record_id",
      "description",
  };
  return *fields;
}

bool IsSet(const v1::Project& project, const FieldDescriptor* field) {
  const Reflection* reflection = project.GetReflection();
  if (field->is_repeated()) return reflection->FieldSize(project, field) > 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return !reflection->GetString(project, field).empty();
    case FieldDescriptor::CPPTYPE_INT64:
      return reflection->GetInt64(project, field) != 0;
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(project, field);
    case FieldDescriptor::CPPTYPE_ENUM:
      return reflection->GetEnumValue(project, field) != 0;
    default:
      return reflection->HasField(project, field);
  }
}

bool Favoured(const v1::TierCriteria& c, const v1::Project& p) {
  if (c.favoured_renovation_types().empty() && c.favoured_industry_codes().empty()) return true;
  for (int type : p.renovation_types()) {
    if (std::find(c.favoured_renovation_types().begin(), c.favoured_renovation_types().end(),
                  type) != c.favoured_renovation_types().end()) {
      return true;
    }
  }
  for (const std::string& code : c.favoured_industry_codes()) {
    if (p.industry_code().compare(0, code.size(), code) == 0) return true;
  }
  return false;
}

std::string StatusList(const v1::TierCriteria& c) {
  std::vector<std::string> names;
  for (int s : c.allowed_statuses()) names.push_back(v1::ProjectStatus_Name(s));
  return absl::StrJoin(names, ", ");
}

}  // namespace

rpc::Violations CheckCriteria(const v1::TierCriteria& c, const v1::Project& p,
                              const v1::EntryProgress& progress) {
  rpc::Violations out;
  const auto fatal = [&](const char* rule, const std::string& field, std::string message) {
    rpc::AddViolation(out, v1::SEVERITY_FATAL, absl::StrCat("library.criteria.", rule),
                      absl::StrCat("project.", field), std::move(message));
  };
  if (p.planned_investment_fen() < c.min_planned_investment_fen()) {
    fatal("min_planned_investment", "planned_investment_fen",
          absl::StrCat("planned total investment ", rpc::FormatFen(p.planned_investment_fen()),
                       " is under the tier's minimum of ",
                       rpc::FormatFen(c.min_planned_investment_fen())));
  }
  if (p.planned_equipment_investment_fen() < c.min_planned_equipment_investment_fen()) {
    fatal("min_equipment_investment", "planned_equipment_investment_fen",
          absl::StrCat("planned equipment investment ",
                       rpc::FormatFen(p.planned_equipment_investment_fen()),
                       " is under the tier's minimum of ",
                       rpc::FormatFen(c.min_planned_equipment_investment_fen())));
  }
  if (std::find(c.allowed_statuses().begin(), c.allowed_statuses().end(), p.status()) ==
      c.allowed_statuses().end()) {
    fatal("status", "status",
          absl::StrCat("the project is ", v1::ProjectStatus_Name(p.status()), "; the tier admits ",
                       StatusList(c)));
  }
  for (const std::string& name : c.required_fields()) {
    const FieldDescriptor* field = v1::Project::descriptor()->FindFieldByName(name);
    if (field != nullptr && !IsSet(p, field)) {
      fatal("required_field", name, absl::StrCat("the tier requires ", name));
    }
  }
  const int silent = progress.months_without_report();
  if (c.reported_within_months() > 0 && silent >= c.reported_within_months()) {
    fatal("reporting", "last_reported_period",
          absl::StrCat(
              "no progress report for ", silent, " months (last: ",
              progress.last_reported_period().empty() ? "never" : progress.last_reported_period(),
              "); the tier requires a report within ", c.reported_within_months()));
  }
  if (!Favoured(c, p)) {
    rpc::AddViolation(out, v1::SEVERITY_WARNING, "library.criteria.not_favoured",
                      "project.renovation_types",
                      "the project has none of the renovation types or industries the tier "
                      "favours");
  }
  return out;
}

void FlagRisk(const v1::TierCriteria& c, v1::EntryProgress& progress) {
  progress.clear_at_risk();
  progress.set_due_for_exit(false);
  const int silent = progress.months_without_report();
  if (progress.points_behind_schedule() > c.at_risk_gap_points()) {
    auto* flag = progress.add_at_risk();
    flag->set_kind(v1::RISK_KIND_BEHIND_SCHEDULE);
    flag->set_reason(absl::StrFormat("落后进度 %.1f 个百分点（阈值 %.1f）",
                                     progress.points_behind_schedule(), c.at_risk_gap_points()));
  }
  if (c.at_risk_silent_months() > 0 && silent >= c.at_risk_silent_months()) {
    auto* flag = progress.add_at_risk();
    flag->set_kind(v1::RISK_KIND_NOT_REPORTING);
    flag->set_reason(
        absl::StrCat("连续 ", silent, " 个月未报送进度（阈值 ", c.at_risk_silent_months(), "）"));
  }
  progress.set_due_for_exit(c.reported_within_months() > 0 && silent >= c.reported_within_months());
}

void AddRiskReasons(const v1::EntryProgress& progress, rpc::Violations& out) {
  for (const v1::RiskFlag& flag : progress.at_risk()) {
    const bool behind = flag.kind() == v1::RISK_KIND_BEHIND_SCHEDULE;
    rpc::AddViolation(out, v1::SEVERITY_WARNING,
                      behind ? "library.risk.behind_schedule" : "library.risk.not_reporting",
                      behind ? "progress.points_behind_schedule" : "progress.months_without_report",
                      flag.reason());
  }
  if (progress.due_for_exit()) {
    rpc::AddViolation(
        out, v1::SEVERITY_FATAL, "library.exit.silent", "progress.months_without_report",
        absl::StrCat("连续 ", progress.months_without_report(), " 个月未报送进度，应退库"));
  }
}

std::vector<rpc::FieldViolation> ValidateCriteria(const v1::TierCriteria& c,
                                                  const std::string& prefix) {
  std::vector<rpc::FieldViolation> bad;
  const auto add = [&](const char* field, std::string why) {
    bad.push_back({absl::StrCat(prefix, field), std::move(why)});
  };
  if (!v1::LibraryTier_IsValid(c.tier()) || c.tier() == v1::LIBRARY_TIER_UNSPECIFIED) {
    add("tier", "tier is required: COUNTY, CITY or PROVINCE");
  }
  constexpr int64_t kMaxFen = 100'000'000'000'000;  // 1万亿元
  if (c.min_planned_investment_fen() < 0 || c.min_planned_investment_fen() > kMaxFen) {
    add("min_planned_investment_fen", "0 to 10^14 fen");
  }
  if (c.min_planned_equipment_investment_fen() < 0 ||
      c.min_planned_equipment_investment_fen() > kMaxFen) {
    add("min_planned_equipment_investment_fen", "0 to 10^14 fen");
  }
  if (c.allowed_statuses().empty()) add("allowed_statuses", "at least one status");
  absl::flat_hash_set<int> statuses;
  for (int s : c.allowed_statuses()) {
    if (!v1::ProjectStatus_IsValid(s) || s == v1::PROJECT_STATUS_UNSPECIFIED ||
        !statuses.insert(s).second) {
      add("allowed_statuses", absl::StrCat("unknown or repeated status ", s));
    }
  }
  absl::flat_hash_set<std::string> fields;
  for (const std::string& name : c.required_fields()) {
    const auto& allowed = RequirableFields();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end() ||
        !fields.insert(name).second) {
      add("required_fields",
          absl::StrCat("'", rpc::TruncateUtf8(name, 64), "' is not a project field a tier may ",
                       "require, or is repeated (", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  if (c.reported_within_months() < 0 || c.reported_within_months() > 60) {
    add("reported_within_months", "0-60 (0: no reporting criterion)");
  }
  for (int t : c.favoured_renovation_types()) {
    if (!v1::RenovationType_IsValid(t) || t == 0) {
      add("favoured_renovation_types", absl::StrCat("unknown renovation type ", t));
    }
  }
  for (const std::string& code : c.favoured_industry_codes()) {
    if (!store::Reference().industries.ValidateIndustrial(code).ok()) {
      add("favoured_industry_codes",
          absl::StrCat("'", rpc::TruncateUtf8(code, 16), "' is not a division or group 06-46"));
    }
  }
  if (!(c.at_risk_gap_points() > 0 && c.at_risk_gap_points() <= 100)) {
    add("at_risk_gap_points", "0 < x ≤ 100");
  }
  if (c.at_risk_silent_months() < 0 || c.at_risk_silent_months() > 60) {
    add("at_risk_silent_months", "0-60 (0: no such flag)");
  }
  return bad;
}

std::vector<std::string> FailedRuleIds(const rpc::Violations& findings) {
  std::vector<std::string> ids;
  for (const auto& v : findings) {
    if (v.severity() == v1::SEVERITY_FATAL) ids.push_back(v.rule_id());
  }
  return ids;
}

}  // namespace techreno::library
