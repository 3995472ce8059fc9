#include "services/registry/validation.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/codes/codes.h"
#include "libs/codes/text.h"

namespace techreno::registry {
namespace {

constexpr int64_t kMaxInvestmentFen = 100'000'000'000'000;  // 1 万亿元: a typo guard

using v1::SEVERITY_FATAL;
using v1::SEVERITY_WARNING;

template <typename Enum, typename IsValid>
void CheckEnumList(Violations& out, const google::protobuf::RepeatedField<int>& values,
                   IsValid is_valid, const std::string& field, const std::string& rule_prefix) {
  std::set<int> seen;
  for (int i = 0; i < values.size(); ++i) {
    int v = values.Get(i);
    std::string path = absl::StrCat(field, "[", i, "]");
    if (v == 0 || !is_valid(v)) {
      AddViolation(out, SEVERITY_FATAL, rule_prefix + ".unknown", path,
                   absl::StrCat("unknown value ", v));
    } else if (!seen.insert(v).second) {
      AddViolation(
          out, SEVERITY_FATAL, rule_prefix + ".duplicate", path,
          absl::StrCat(google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(v)->name(),
                       " is listed twice"));
    }
  }
}

void CheckCounty(Violations& out, const std::string& county, const store::ReferenceData& ref,
                 const auth::Principal& caller, const std::string& field) {
  if (county.empty()) {
    AddViolation(out, SEVERITY_FATAL, "region.county_code.required", field,
                 "county_code is required");
  } else if (!ref.regions.IsCountyLevel(county)) {
    AddViolation(out, SEVERITY_FATAL, "region.county_code.unknown", field,
                 absl::StrCat(codes::Quote(county),
                              " is not a county-level GB/T 2260 code of Guangdong (Dongguan "
                              "and Zhongshan use 441900 and 442000)"));
  } else if (!auth::MayWrite(caller, county, ref.regions)) {
    AddViolation(out, SEVERITY_FATAL, "region.county_code.scope", field,
                 absl::StrCat(ref.regions.Label(county), " is outside the scope of '", caller.name,
                              "' (", caller.scope, ")"));
  }
}

void CheckIndustry(Violations& out, const std::string& code, const store::ReferenceData& ref,
                   const std::string& field) {
  if (code.empty()) {
    AddViolation(out, SEVERITY_FATAL, "industry_code.required", field, "industry_code is required");
  } else if (absl::Status s = ref.industries.ValidateIndustrial(code); !s.ok()) {
    AddViolation(out, SEVERITY_FATAL, "industry_code.invalid", field, std::string(s.message()));
  }
}

void CheckText(Violations& out, const std::string& text, size_t min, size_t max,
               const std::string& field) {
  size_t n = Utf8Length(text);
  if (n < min || n > max) {
    AddViolation(out, SEVERITY_FATAL, "text.length", field,
                 absl::StrCat("must be ", min, "-", max, " characters (got ", n, ")"));
  }
  rpc::CheckNoControlCharacters(out, text, field);
}

}  // namespace

Violations ValidateProject(const v1::Project& p, const store::ReferenceData& ref,
                           const auth::Principal& caller, const std::string& prefix) {
  Violations out;
  auto f = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };

  CheckCounty(out, p.county_code(), ref, caller, f("county_code"));
  if (!p.project_code().empty()) {
    auto code = codes::ParseProjectCode(p.project_code());
    if (!code.ok()) {
      AddViolation(out, SEVERITY_FATAL, "project.project_code.format", f("project_code"),
                   std::string(code.status().message()));
    } else if (ref.regions.IsCountyLevel(p.county_code()) && code->region != p.county_code() &&
               code->region != ref.regions.CityOf(p.county_code()) &&
               code->region != ref.regions.ProvinceCode()) {
      AddViolation(out, SEVERITY_FATAL, "project.project_code.region", f("project_code"),
                   absl::StrCat("region segment ", ref.regions.Label(code->region),
                                " must be the project's county ", p.county_code(), ", its city ",
                                ref.regions.CityOf(p.county_code()), " or the province ",
                                ref.regions.ProvinceCode()));
    }
  } else if (p.source_record_id().empty()) {
    AddViolation(out, SEVERITY_FATAL, "project.identity.required", f("source_record_id"),
                 "a project without project_code needs source_record_id, so that a retry "
                 "finds it instead of creating a duplicate");
  }
  if (absl::Status s = codes::ValidateCreditCode(p.enterprise_credit_code()); !s.ok()) {
    AddViolation(out, SEVERITY_FATAL, "credit_code.invalid", f("enterprise_credit_code"),
                 std::string(s.message()));
  }
  CheckIndustry(out, p.industry_code(), ref, f("industry_code"));
  CheckText(out, p.name(), 1, 200, f("name"));
  if (p.renovation_types().empty()) {
    AddViolation(out, SEVERITY_FATAL, "project.renovation_types.required", f("renovation_types"),
                 "at least one renovation type is required");
  }
  CheckEnumList<v1::RenovationType>(out, p.renovation_types(), v1::RenovationType_IsValid,
                                    f("renovation_types"), "project.renovation_types");
  CheckEnumList<v1::SupportInstrument>(out, p.requested_support(), v1::SupportInstrument_IsValid,
                                       f("requested_support"), "project.requested_support");

  const int64_t planned = p.planned_investment_fen();
  if (planned <= 0 || planned > kMaxInvestmentFen) {
    AddViolation(out, SEVERITY_FATAL, "project.planned_investment.range",
                 f("planned_investment_fen"),
                 absl::StrCat("must be positive and at most ", rpc::FormatFen(kMaxInvestmentFen),
                              "; got ", rpc::FormatFen(planned)));
  } else if (planned < kStatisticsThresholdFen) {
    AddViolation(out, SEVERITY_WARNING, "project.planned_investment.threshold",
                 f("planned_investment_fen"),
                 absl::StrCat(rpc::FormatFen(planned),
                              " is under the 5,000,000 yuan (500 万元) statistics threshold: the "
                              "project is registered but not counted in the statistics"));
  }
  auto within_planned = [&](int64_t value, const char* name, const char* rule) {
    if (value < 0 || (planned > 0 && value > planned)) {
      AddViolation(out, SEVERITY_FATAL, rule, f(name),
                   absl::StrCat("must be between 0 and the planned investment ",
                                rpc::FormatFen(planned), "; got ", rpc::FormatFen(value)));
    }
  };
  within_planned(p.planned_equipment_investment_fen(), "planned_equipment_investment_fen",
                 "project.planned_equipment_investment.range");
  within_planned(p.financing_need_fen(), "financing_need_fen", "project.financing_need.range");

  auto start = codes::ParsePeriod(p.start_period());
  if (!start.ok()) {
    AddViolation(out, SEVERITY_FATAL, "period.format", f("start_period"),
                 std::string(start.status().message()));
  }
  auto completion = codes::ParsePeriod(p.planned_completion_period());
  if (!completion.ok()) {
    AddViolation(out, SEVERITY_FATAL, "period.format", f("planned_completion_period"),
                 std::string(completion.status().message()));
  } else if (start.ok() && *completion < *start) {
    AddViolation(
        out, SEVERITY_FATAL, "project.planned_completion.before_start",
        f("planned_completion_period"),
        absl::StrCat(p.planned_completion_period(), " is before start_period ", p.start_period()));
  }
  if (!v1::ProjectStatus_IsValid(p.status())) {
    AddViolation(out, SEVERITY_FATAL, "project.status.unknown", f("status"),
                 absl::StrCat("unknown status ", p.status()));
  } else if (p.status() == v1::PROJECT_STATUS_WITHDRAWN) {
    AddViolation(out, SEVERITY_FATAL, "project.status.withdraw_via_upsert", f("status"),
                 "use WithdrawProject (with a reason) to withdraw a project");
  }
  if (Utf8Length(p.source_record_id()) > 64) {
    AddViolation(out, SEVERITY_FATAL, "project.source_record_id.length", f("source_record_id"),
                 "must be at most 64 characters");
  }
  if (Utf8Length(p.description()) > 2000) {
    AddViolation(out, SEVERITY_FATAL, "text.length", f("description"),
                 "must be at most 2000 characters");
  }
  rpc::CheckNoControlCharacters(out, p.description(), f("description"));
  rpc::CheckNoControlCharacters(out, p.source_record_id(), f("source_record_id"));
  return out;
}

Violations ValidateEnterprise(const v1::Enterprise& e, const store::ReferenceData& ref,
                              const auth::Principal& caller, const std::string& prefix) {
  Violations out;
  auto f = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (absl::Status s = codes::ValidateCreditCode(e.credit_code()); !s.ok()) {
    AddViolation(out, SEVERITY_FATAL, "credit_code.invalid", f("credit_code"),
                 std::string(s.message()));
  }
  CheckText(out, e.name(), 1, 200, f("name"));
  CheckCounty(out, e.county_code(), ref, caller, f("county_code"));
  CheckIndustry(out, e.industry_code(), ref, f("industry_code"));
  if (!v1::RevenueBand_IsValid(e.revenue_band())) {
    AddViolation(out, SEVERITY_FATAL, "enterprise.revenue_band.unknown", f("revenue_band"),
                 absl::StrCat("unknown revenue band ", e.revenue_band()));
  } else if (e.above_designated_size() && e.revenue_band() == v1::REVENUE_BAND_UNDER_20M) {
    AddViolation(out, SEVERITY_WARNING, "enterprise.size.mismatch", f("revenue_band"),
                 "above-designated-size enterprises have revenue of 20 million yuan or more");
  }
  if (e.integration_certified() && !e.integration_pilot()) {
    AddViolation(out, SEVERITY_WARNING, "enterprise.integration.certified_not_pilot",
                 f("integration_certified"),
                 "certified for 两化融合 but not marked as a pilot enterprise");
  }
  return out;
}

bool IsLegalTransition(v1::ProjectStatus from, v1::ProjectStatus to) {
  using S = v1::ProjectStatus;
  if (from == to) return true;
  switch (from) {
    case S::PROJECT_STATUS_PLANNED:
      return to == S::PROJECT_STATUS_UNDER_CONSTRUCTION || to == S::PROJECT_STATUS_SUSPENDED;
    case S::PROJECT_STATUS_UNDER_CONSTRUCTION:
      return to == S::PROJECT_STATUS_COMPLETED || to == S::PROJECT_STATUS_SUSPENDED;
    case S::PROJECT_STATUS_SUSPENDED:
      return to == S::PROJECT_STATUS_PLANNED || to == S::PROJECT_STATUS_UNDER_CONSTRUCTION;
    default:
      return false;  // COMPLETED and WITHDRAWN are final
  }
}

const char* StatusName(v1::ProjectStatus status) {
  switch (status) {
    case v1::PROJECT_STATUS_PLANNED:
      return "计划 PLANNED";
    case v1::PROJECT_STATUS_UNDER_CONSTRUCTION:
      return "在建 UNDER_CONSTRUCTION";
    case v1::PROJECT_STATUS_COMPLETED:
      return "竣工 COMPLETED";
    case v1::PROJECT_STATUS_SUSPENDED:
      return "停缓建 SUSPENDED";
    case v1::PROJECT_STATUS_WITHDRAWN:
      return "撤销 WITHDRAWN";
    default:
      return "UNSPECIFIED";
  }
}

}  // namespace techreno::registry
