// Unit tests for services/registry/validation: field-by-field validation of
// projects and enterprises (rule ids, field paths, severities), the project
// lifecycle and Utf8Length. Uses the embedded reference data; no database.

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"
#include "services/registry/validation.h"
#include "techreno/v1/common.pb.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::registry {
namespace {

using v1::SEVERITY_FATAL;
using v1::SEVERITY_WARNING;

const store::ReferenceData& Ref() { return store::Reference(); }

// A credit code that passes GB 32100-2015: the first 17 plus their check character.
std::string CreditCode(const std::string& first17) {
  const char check = codes::CreditCheckChar(first17);
  EXPECT_NE(check, '\0') << first17;
  return first17 + check;
}
const std::string& ValidCreditCode() {
  static const std::string* code = new std::string(CreditCode("91440103MA5AB1234"));
  return *code;
}
// The valid code with another (wrong) check character.
std::string WrongCheckCreditCode() {
  std::string code = ValidCreditCode();
  code[17] = code[17] == '0' ? '1' : '0';
  return code;
}

auth::Principal MakePrincipal(auth::Role role, const std::string& scope) {
  auth::Principal p;
  p.id = 7;
  p.name = absl::StrCat(auth::RoleName(role), "-", scope);
  p.role = role;
  p.scope = scope;
  return p;
}
auth::Principal LiwanCounty() { return MakePrincipal(auth::Role::kCounty, "440103"); }

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string Describe(const Violations& violations) {
  std::string out;
  for (const v1::Violation& v : violations) {
    absl::StrAppend(&out, "\n  [", v1::Severity_Name(v.severity()), "] ", v.rule_id(), " @ ",
                    v.field(), ": ", v.message());
  }
  return out.empty() ? " (none)" : out;
}

// A project that passes every rule for a county principal of 440103.
v1::Project ValidProject() {
  v1::Project p;
  p.set_enterprise_credit_code(ValidCreditCode());
  p.set_county_code("440103");  // 荔湾区
  p.set_industry_code("34");    // 通用设备制造业
  p.set_name("广州荔湾通用机械有限公司智能化生产线技术改造项目");
  p.add_renovation_types(v1::RENOVATION_TYPE_EQUIPMENT_RENEWAL);
  p.add_renovation_types(v1::RENOVATION_TYPE_INTELLIGENT_MANUFACTURING);
  p.add_requested_support(v1::SUPPORT_INSTRUMENT_LOAN_INTEREST_SUBSIDY);
  p.set_planned_investment_fen(2'000'000'000);            // 2,000 万元
  p.set_planned_equipment_investment_fen(1'200'000'000);  // 1,200 万元
  p.set_financing_need_fen(800'000'000);                  // 800 万元
  p.set_start_period("2025-03");
  p.set_planned_completion_period("2026-06");
  p.set_status(v1::PROJECT_STATUS_PLANNED);
  p.set_share_with_banks(true);
  p.set_source_record_id("LW-2025-000123");
  p.set_description("更新数控机床 20 台，新建 MES 系统。");
  return p;
}

v1::Enterprise ValidEnterprise() {
  v1::Enterprise e;
  e.set_credit_code(ValidCreditCode());
  e.set_name("广州荔湾通用机械有限公司");
  e.set_county_code("440103");
  e.set_industry_code("341");  // 锅炉及原动设备制造
  e.set_above_designated_size(true);
  e.set_revenue_band(v1::REVENUE_BAND_OVER_50M);
  e.set_integration_pilot(true);
  e.set_integration_certified(true);
  return e;
}

// ---------------------------------------------------------------- projects

TEST(ValidateProjectTest, ValidProjectHasNoViolations) {
  const Violations v = ValidateProject(ValidProject(), Ref(), LiwanCounty(), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);
  EXPECT_FALSE(HasFatal(v));
}

struct FaultCase {
  const char* name;
  std::function<void(v1::Project&)> mutate;
  std::string rule_id;
  std::string field;
  v1::Severity severity;
};

// Each case breaks exactly one thing of a valid project and expects exactly one finding.
TEST(ValidateProjectTest, SingleFaults) {
  const std::string name200 = Repeat("技", 200);
  const FaultCase cases[] = {
      {"credit code check character",
       [](v1::Project& p) { p.set_enterprise_credit_code(WrongCheckCreditCode()); },
       "credit_code.invalid", "project.enterprise_credit_code", SEVERITY_FATAL},
      {"credit code empty", [](v1::Project& p) { p.clear_enterprise_credit_code(); },
       "credit_code.invalid", "project.enterprise_credit_code", SEVERITY_FATAL},
      {"county outside the caller's scope (福田区)",
       [](v1::Project& p) { p.set_county_code("440304"); }, "region.county_code.scope",
       "project.county_code", SEVERITY_FATAL},
      {"county unknown", [](v1::Project& p) { p.set_county_code("999999"); },
       "region.county_code.unknown", "project.county_code", SEVERITY_FATAL},
      {"county is a city with counties", [](v1::Project& p) { p.set_county_code("440100"); },
       "region.county_code.unknown", "project.county_code", SEVERITY_FATAL},
      {"industry division 52", [](v1::Project& p) { p.set_industry_code("52"); },
       "industry_code.invalid", "project.industry_code", SEVERITY_FATAL},
      {"industry division 05", [](v1::Project& p) { p.set_industry_code("05"); },
       "industry_code.invalid", "project.industry_code", SEVERITY_FATAL},
      {"industry division 47", [](v1::Project& p) { p.set_industry_code("47"); },
       "industry_code.invalid", "project.industry_code", SEVERITY_FATAL},
      {"industry section letter", [](v1::Project& p) { p.set_industry_code("C"); },
       "industry_code.invalid", "project.industry_code", SEVERITY_FATAL},
      {"name empty", [](v1::Project& p) { p.clear_name(); }, "text.length", "project.name",
       SEVERITY_FATAL},
      {"name of 201 Chinese characters", [name200](v1::Project& p) { p.set_name(name200 + "改"); },
       "text.length", "project.name", SEVERITY_FATAL},
      {"no renovation types", [](v1::Project& p) { p.clear_renovation_types(); },
       "project.renovation_types.required", "project.renovation_types", SEVERITY_FATAL},
      {"duplicate renovation type",
       [](v1::Project& p) {
         p.clear_renovation_types();
         p.add_renovation_types(v1::RENOVATION_TYPE_GREEN_ENERGY_SAVING);
         p.add_renovation_types(v1::RENOVATION_TYPE_GREEN_ENERGY_SAVING);
       },
       "project.renovation_types.duplicate", "project.renovation_types[1]", SEVERITY_FATAL},
      {"unknown renovation type 99",
       [](v1::Project& p) {
         p.clear_renovation_types();
         p.add_renovation_types(v1::RENOVATION_TYPE_EQUIPMENT_RENEWAL);
         p.mutable_renovation_types()->Add(99);
       },
       "project.renovation_types.unknown", "project.renovation_types[1]", SEVERITY_FATAL},
      {"renovation type UNSPECIFIED",
       [](v1::Project& p) { p.add_renovation_types(v1::RENOVATION_TYPE_UNSPECIFIED); },
       "project.renovation_types.unknown", "project.renovation_types[2]", SEVERITY_FATAL},
      {"duplicate requested support",
       [](v1::Project& p) {
         p.add_requested_support(v1::SUPPORT_INSTRUMENT_LOAN_INTEREST_SUBSIDY);
       },
       "project.requested_support.duplicate", "project.requested_support[1]", SEVERITY_FATAL},
      {"planned investment 0", [](v1::Project& p) { p.set_planned_investment_fen(0); },
       "project.planned_investment.range", "project.planned_investment_fen", SEVERITY_FATAL},
      {"planned investment negative",
       [](v1::Project& p) { p.set_planned_investment_fen(-2'000'000'000); },
       "project.planned_investment.range", "project.planned_investment_fen", SEVERITY_FATAL},
      {"planned investment 4,999,999 yuan",
       [](v1::Project& p) {
         p.set_planned_investment_fen(499'999'900);
         p.set_planned_equipment_investment_fen(300'000'000);
         p.set_financing_need_fen(100'000'000);
       },
       "project.planned_investment.threshold", "project.planned_investment_fen", SEVERITY_WARNING},
      {"equipment above planned",
       [](v1::Project& p) { p.set_planned_equipment_investment_fen(2'000'000'001); },
       "project.planned_equipment_investment.range", "project.planned_equipment_investment_fen",
       SEVERITY_FATAL},
      {"equipment negative", [](v1::Project& p) { p.set_planned_equipment_investment_fen(-1); },
       "project.planned_equipment_investment.range", "project.planned_equipment_investment_fen",
       SEVERITY_FATAL},
      {"financing need negative", [](v1::Project& p) { p.set_financing_need_fen(-100); },
       "project.financing_need.range", "project.financing_need_fen", SEVERITY_FATAL},
      {"financing need above planned",
       [](v1::Project& p) { p.set_financing_need_fen(2'000'000'100); },
       "project.financing_need.range", "project.financing_need_fen", SEVERITY_FATAL},
      {"start month 13", [](v1::Project& p) { p.set_start_period("2025-13"); }, "period.format",
       "project.start_period", SEVERITY_FATAL},
      {"completion malformed", [](v1::Project& p) { p.set_planned_completion_period("2026/06"); },
       "period.format", "project.planned_completion_period", SEVERITY_FATAL},
      {"completion before start",
       [](v1::Project& p) { p.set_planned_completion_period("2025-02"); },
       "project.planned_completion.before_start", "project.planned_completion_period",
       SEVERITY_FATAL},
      {"status WITHDRAWN", [](v1::Project& p) { p.set_status(v1::PROJECT_STATUS_WITHDRAWN); },
       "project.status.withdraw_via_upsert", "project.status", SEVERITY_FATAL},
      {"status 99", [](v1::Project& p) { p.set_status(static_cast<v1::ProjectStatus>(99)); },
       "project.status.unknown", "project.status", SEVERITY_FATAL},
      {"project code of another city (深圳市)",
       [](v1::Project& p) { p.set_project_code("2025-440300-00-03-000017"); },
       "project.project_code.region", "project.project_code", SEVERITY_FATAL},
      {"project code of another county (越秀区)",
       [](v1::Project& p) { p.set_project_code("2025-440104-00-03-000017"); },
       "project.project_code.region", "project.project_code", SEVERITY_FATAL},
      {"project code too short",
       [](v1::Project& p) { p.set_project_code("2025-44010-00-03-000011"); },
       "project.project_code.format", "project.project_code", SEVERITY_FATAL},
      {"project code with a letter in the region",
       [](v1::Project& p) { p.set_project_code("2025-44O103-00-03-000011"); },
       "project.project_code.format", "project.project_code", SEVERITY_FATAL},
      {"no project code and no source_record_id",
       [](v1::Project& p) {
         p.clear_project_code();
         p.clear_source_record_id();
       },
       "project.identity.required", "project.source_record_id", SEVERITY_FATAL},
      {"description of 2001 characters",
       [](v1::Project& p) { p.set_description(Repeat("述", 2001)); }, "text.length",
       "project.description", SEVERITY_FATAL},
  };
  for (const FaultCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Project p = ValidProject();
    c.mutate(p);
    const Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
    ASSERT_EQ(v.size(), 1u) << Describe(v);
    EXPECT_EQ(v[0].rule_id(), c.rule_id) << Describe(v);
    EXPECT_EQ(v[0].field(), c.field) << Describe(v);
    EXPECT_EQ(v[0].severity(), c.severity) << Describe(v);
    EXPECT_FALSE(v[0].message().empty());
    EXPECT_EQ(HasFatal(v), c.severity == SEVERITY_FATAL);
  }
}

TEST(ValidateProjectTest, FieldPathsUseThePrefix) {
  v1::Project p = ValidProject();
  p.set_industry_code("52");
  const Violations v = ValidateProject(p, Ref(), LiwanCounty(), "records[3].project");
  ASSERT_EQ(v.size(), 1u) << Describe(v);
  EXPECT_EQ(v[0].field(), "records[3].project.industry_code");
  EXPECT_EQ(v[0].rule_id(), "industry_code.invalid");
}

TEST(ValidateProjectTest, IndustryRangeIs06To46) {
  for (const char* code : {"06", "46", "13", "341"}) {
    SCOPED_TRACE(code);
    v1::Project p = ValidProject();
    p.set_industry_code(code);
    const Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
    EXPECT_TRUE(v.empty()) << Describe(v);
  }
}

TEST(ValidateProjectTest, NameLengthCountsCharactersNotBytes) {
  v1::Project p = ValidProject();
  p.set_name(Repeat("技", 200));  // 600 bytes
  Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);

  p.set_name("改");
  v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

TEST(ValidateProjectTest, ControlCharactersAreRefusedButLineBreaksAreNot) {
  v1::Project p = ValidProject();
  p.set_description("第一行\n第二行\t(附注)\r\n");
  Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);

  p.set_name(std::string("改造\0项目", 13));  // a NUL inside: PostgreSQL text cannot hold it
  p.set_description("bell\x07");
  v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  ASSERT_EQ(v.size(), 2) << Describe(v);
  EXPECT_EQ(v[0].rule_id(), "text.control_characters");
  EXPECT_EQ(v[0].field(), "project.name");
  EXPECT_NE(v[0].message().find("0x00"), std::string::npos) << v[0].message();
  EXPECT_EQ(v[1].field(), "project.description");
}

TEST(ValidateProjectTest, ThresholdWarningIsNotFatal) {
  v1::Project p = ValidProject();
  p.set_planned_investment_fen(499'999'900);  // 4,999,999 yuan
  p.set_planned_equipment_investment_fen(0);
  p.set_financing_need_fen(0);
  Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  ASSERT_EQ(v.size(), 1u) << Describe(v);
  EXPECT_EQ(v[0].severity(), SEVERITY_WARNING);
  EXPECT_EQ(v[0].rule_id(), "project.planned_investment.threshold");
  EXPECT_FALSE(HasFatal(v));

  p.set_planned_investment_fen(kStatisticsThresholdFen);  // exactly 500 万元
  v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

TEST(ValidateProjectTest, EquipmentAndFinancingMayEqualPlanned) {
  v1::Project p = ValidProject();
  p.set_planned_equipment_investment_fen(p.planned_investment_fen());
  p.set_financing_need_fen(p.planned_investment_fen());
  const Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

TEST(ValidateProjectTest, CompletionInTheStartMonthIsAccepted) {
  v1::Project p = ValidProject();
  p.set_planned_completion_period(p.start_period());
  const Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

TEST(ValidateProjectTest, ProjectCodeRegionMayBeCountyCityOrProvince) {
  for (const char* code :
       {"2025-440103-00-03-000011", "2025-440100-12-03-00002A", "2025-440000-00-01-000033"}) {
    SCOPED_TRACE(code);
    v1::Project p = ValidProject();
    p.set_project_code(code);
    Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
    EXPECT_TRUE(v.empty()) << Describe(v);
    // With a project code, source_record_id is optional.
    p.clear_source_record_id();
    v = ValidateProject(p, Ref(), LiwanCounty(), "project");
    EXPECT_TRUE(v.empty()) << Describe(v);
  }
}

TEST(ValidateProjectTest, DongguanProjectCodeMayUseTheCityCode) {
  v1::Project p = ValidProject();
  p.set_county_code("441900");
  p.set_project_code("2025-441900-00-03-000011");
  const Violations v =
      ValidateProject(p, Ref(), MakePrincipal(auth::Role::kCounty, "441900"), "project");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

TEST(ValidateProjectTest, ReportsEveryFaultNotTheFirst) {
  v1::Project p = ValidProject();
  p.set_enterprise_credit_code(WrongCheckCreditCode());
  p.set_industry_code("52");
  p.clear_name();
  p.set_planned_investment_fen(0);
  p.set_start_period("2025-13");
  const Violations v = ValidateProject(p, Ref(), LiwanCounty(), "project");
  EXPECT_EQ(v.size(), 5u) << Describe(v);
  std::set<std::pair<std::string, std::string>> got;
  for (const v1::Violation& x : v) {
    EXPECT_EQ(x.severity(), SEVERITY_FATAL) << Describe(v);
    got.insert({x.rule_id(), x.field()});
  }
  const std::set<std::pair<std::string, std::string>> want = {
      {"credit_code.invalid", "project.enterprise_credit_code"},
      {"industry_code.invalid", "project.industry_code"},
      {"text.length", "project.name"},
      {"project.planned_investment.range", "project.planned_investment_fen"},
      {"period.format", "project.start_period"},
  };
  EXPECT_EQ(got, want) << Describe(v);
  EXPECT_TRUE(HasFatal(v));
}

TEST(ValidateProjectTest, ScopeFollowsMayWrite) {
  struct ScopeCase {
    auth::Principal caller;
    const char* county;
    bool in_scope;
  };
  const ScopeCase cases[] = {
      {MakePrincipal(auth::Role::kProvince, "440000"), "440103", true},
      {MakePrincipal(auth::Role::kProvince, "440000"), "440305", true},
      {MakePrincipal(auth::Role::kProvince, "440000"), "441900", true},
      {MakePrincipal(auth::Role::kCity, "440100"), "440103", true},
      {MakePrincipal(auth::Role::kCity, "440100"), "440104", true},
      {MakePrincipal(auth::Role::kCity, "440100"), "440305", false},
      {MakePrincipal(auth::Role::kCounty, "440104"), "440103", false},
      {MakePrincipal(auth::Role::kAuditor, "*"), "440103", false},
      {MakePrincipal(auth::Role::kBank, "icbc-gd"), "440103", false},
  };
  for (const ScopeCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.caller.name, " writing ", c.county));
    v1::Project p = ValidProject();
    p.set_county_code(c.county);
    const Violations v = ValidateProject(p, Ref(), c.caller, "project");
    EXPECT_EQ(v.empty(), auth::MayWrite(c.caller, c.county, Ref().regions));
    if (c.in_scope) {
      EXPECT_TRUE(v.empty()) << Describe(v);
    } else {
      ASSERT_EQ(v.size(), 1u) << Describe(v);
      EXPECT_EQ(v[0].rule_id(), "region.county_code.scope");
      EXPECT_EQ(v[0].field(), "project.county_code");
      EXPECT_EQ(v[0].severity(), SEVERITY_FATAL);
    }
  }
}

// ------------------------------------------------------------- enterprises

TEST(ValidateEnterpriseTest, ValidEnterpriseHasNoViolations) {
  const Violations v = ValidateEnterprise(ValidEnterprise(), Ref(), LiwanCounty(), "enterprise");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

struct EnterpriseFaultCase {
  const char* name;
  std::function<void(v1::Enterprise&)> mutate;
  std::string rule_id;
  std::string field;
  v1::Severity severity;
};

TEST(ValidateEnterpriseTest, SingleFaults) {
  const EnterpriseFaultCase cases[] = {
      {"credit code check character",
       [](v1::Enterprise& e) { e.set_credit_code(WrongCheckCreditCode()); }, "credit_code.invalid",
       "enterprise.credit_code", SEVERITY_FATAL},
      {"county unknown", [](v1::Enterprise& e) { e.set_county_code("999999"); },
       "region.county_code.unknown", "enterprise.county_code", SEVERITY_FATAL},
      {"county outside scope", [](v1::Enterprise& e) { e.set_county_code("440305"); },
       "region.county_code.scope", "enterprise.county_code", SEVERITY_FATAL},
      {"industry 52", [](v1::Enterprise& e) { e.set_industry_code("52"); }, "industry_code.invalid",
       "enterprise.industry_code", SEVERITY_FATAL},
      {"name empty", [](v1::Enterprise& e) { e.clear_name(); }, "text.length", "enterprise.name",
       SEVERITY_FATAL},
      {"revenue band 99",
       [](v1::Enterprise& e) { e.set_revenue_band(static_cast<v1::RevenueBand>(99)); },
       "enterprise.revenue_band.unknown", "enterprise.revenue_band", SEVERITY_FATAL},
      {"above designated size with revenue under 20M",
       [](v1::Enterprise& e) { e.set_revenue_band(v1::REVENUE_BAND_UNDER_20M); },
       "enterprise.size.mismatch", "enterprise.revenue_band", SEVERITY_WARNING},
      {"certified but not pilot", [](v1::Enterprise& e) { e.set_integration_pilot(false); },
       "enterprise.integration.certified_not_pilot", "enterprise.integration_certified",
       SEVERITY_WARNING},
  };
  for (const EnterpriseFaultCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Enterprise e = ValidEnterprise();
    c.mutate(e);
    const Violations v = ValidateEnterprise(e, Ref(), LiwanCounty(), "enterprise");
    ASSERT_EQ(v.size(), 1u) << Describe(v);
    EXPECT_EQ(v[0].rule_id(), c.rule_id) << Describe(v);
    EXPECT_EQ(v[0].field(), c.field) << Describe(v);
    EXPECT_EQ(v[0].severity(), c.severity) << Describe(v);
    EXPECT_EQ(HasFatal(v), c.severity == SEVERITY_FATAL);
  }
}

TEST(ValidateEnterpriseTest, BelowDesignatedSizeWithSmallRevenueIsFine) {
  v1::Enterprise e = ValidEnterprise();
  e.set_above_designated_size(false);
  e.set_revenue_band(v1::REVENUE_BAND_UNDER_20M);
  const Violations v = ValidateEnterprise(e, Ref(), LiwanCounty(), "enterprise");
  EXPECT_TRUE(v.empty()) << Describe(v);
}

// ---------------------------------------------------------------- lifecycle

TEST(LifecycleTest, TransitionTable) {
  using S = v1::ProjectStatus;
  const S P = v1::PROJECT_STATUS_PLANNED;
  const S U = v1::PROJECT_STATUS_UNDER_CONSTRUCTION;
  const S C = v1::PROJECT_STATUS_COMPLETED;
  const S H = v1::PROJECT_STATUS_SUSPENDED;
  const S W = v1::PROJECT_STATUS_WITHDRAWN;
  const S states[] = {P, U, C, H, W};
  // Per the ProjectStatus comment in registry.proto: PLANNED → UNDER_CONSTRUCTION →
  // COMPLETED; PLANNED or UNDER_CONSTRUCTION ↔ SUSPENDED; WITHDRAWN only through
  // WithdrawProject (so never through UpsertProject); COMPLETED and WITHDRAWN are
  // final; staying in the same state is always legal.
  const bool legal[5][5] = {
      //          to: P      U      C      H      W
      /* P */ {true, true, false, true, false},
      /* U */ {false, true, true, true, false},
      /* C */ {false, false, true, false, false},
      /* H */ {true, true, false, true, false},
      /* W */ {false, false, false, false, true},
  };
  for (int from = 0; from < 5; ++from) {
    for (int to = 0; to < 5; ++to) {
      SCOPED_TRACE(absl::StrCat(StatusName(states[from]), " -> ", StatusName(states[to])));
      EXPECT_EQ(IsLegalTransition(states[from], states[to]), legal[from][to]);
    }
  }
}

TEST(LifecycleTest, StatusNames) {
  EXPECT_STREQ(StatusName(v1::PROJECT_STATUS_PLANNED), "计划 PLANNED");
  EXPECT_STREQ(StatusName(v1::PROJECT_STATUS_WITHDRAWN), "撤销 WITHDRAWN");
}

// ---------------------------------------------------------------- utilities

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length("荔湾区abc"), 6u);
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xF0\x9F\x8F\xAD"), 1u);  // one 4-byte character
  EXPECT_EQ(Utf8Length(Repeat("技", 200)), 200u);
}

}  // namespace
}  // namespace techreno::registry
