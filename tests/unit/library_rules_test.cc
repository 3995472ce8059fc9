// Unit tests for services/library/library_rules and criteria: who may
// nominate, decide and read in each tier (Dongguan's shared code included),
// the legal state changes, every criterion with its rule id and field, the
// risk flags and the criteria's own validation. No database.
#include "services/library/library_rules.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "libs/store/reference_data.h"
#include "services/library/criteria.h"

namespace techreno::library {
namespace {

auth::Principal Make(auth::Role role, const std::string& scope, int64_t id = 7) {
  auth::Principal p;
  p.id = id;
  p.name = "p";
  p.role = role;
  p.scope = scope;
  return p;
}

const codes::RegionTable& Regions() { return store::Reference().regions; }

constexpr auto kCounty = v1::LIBRARY_TIER_COUNTY;
constexpr auto kCity = v1::LIBRARY_TIER_CITY;
constexpr auto kProvince = v1::LIBRARY_TIER_PROVINCE;

TEST(LibraryRules, LibraryRegionOfEachTier) {
  EXPECT_EQ(LibraryRegion(kCounty, "440103", Regions()), "440103");
  EXPECT_EQ(LibraryRegion(kCity, "440103", Regions()), "440100");
  EXPECT_EQ(LibraryRegion(kProvince, "440103", Regions()), "440000");
  // Dongguan has no counties: its county and city tiers share the code.
  EXPECT_EQ(LibraryRegion(kCounty, "441900", Regions()), "441900");
  EXPECT_EQ(LibraryRegion(kCity, "441900", Regions()), "441900");
}

TEST(LibraryRules, NominatorsAreTheOwnerOrTheTierBelow) {
  const auto liwan = Make(auth::Role::kCounty, "440103");
  const auto guangzhou = Make(auth::Role::kCity, "440100");
  const auto province = Make(auth::Role::kProvince, "440000");
  EXPECT_TRUE(CheckNominator(liwan, kCounty, "440103", Regions()).ok());
  EXPECT_TRUE(CheckNominator(liwan, kCity, "440103", Regions()).ok());
  EXPECT_FALSE(CheckNominator(liwan, kProvince, "440103", Regions()).ok());
  EXPECT_FALSE(CheckNominator(liwan, kCounty, "440104", Regions()).ok());
  EXPECT_FALSE(CheckNominator(guangzhou, kCounty, "440103", Regions()).ok());
  EXPECT_TRUE(CheckNominator(guangzhou, kCity, "440103", Regions()).ok());
  EXPECT_TRUE(CheckNominator(guangzhou, kProvince, "440103", Regions()).ok());
  EXPECT_FALSE(CheckNominator(guangzhou, kCity, "440305", Regions()).ok());  // 深圳
  for (auto tier : {kCounty, kCity, kProvince}) {
    EXPECT_TRUE(CheckNominator(province, tier, "440305", Regions()).ok());
    EXPECT_FALSE(CheckNominator(Make(auth::Role::kAuditor, "*"), tier, "440103", Regions()).ok());
    EXPECT_FALSE(CheckNominator(Make(auth::Role::kBank, "b"), tier, "440103", Regions()).ok());
  }
  EXPECT_EQ(CheckNominator(liwan, kProvince, "440103", Regions()).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(LibraryRules, OwnersDecideAndTheProvinceActsForAnyOwner) {
  EXPECT_TRUE(IsOwner(Make(auth::Role::kCounty, "440103"), kCounty, "440103", Regions()));
  EXPECT_FALSE(IsOwner(Make(auth::Role::kCounty, "440103"), kCity, "440103", Regions()));
  EXPECT_TRUE(IsOwner(Make(auth::Role::kCity, "440100"), kCity, "440103", Regions()));
  EXPECT_FALSE(IsOwner(Make(auth::Role::kCity, "440100"), kCounty, "440103", Regions()));
  EXPECT_FALSE(IsOwner(Make(auth::Role::kCity, "440100"), kProvince, "440103", Regions()));
  EXPECT_TRUE(IsOwner(Make(auth::Role::kProvince, "440000"), kCounty, "440103", Regions()));
  // Dongguan: the county principal owns the county tier, the city one the city tier.
  EXPECT_TRUE(IsOwner(Make(auth::Role::kCounty, "441900"), kCounty, "441900", Regions()));
  EXPECT_FALSE(IsOwner(Make(auth::Role::kCounty, "441900"), kCity, "441900", Regions()));
  EXPECT_TRUE(IsOwner(Make(auth::Role::kCity, "441900"), kCity, "441900", Regions()));
  EXPECT_FALSE(IsOwner(Make(auth::Role::kCity, "441900"), kCounty, "441900", Regions()));
}

TEST(LibraryRules, ReadScopes) {
  auto county = ReadScope(Make(auth::Role::kCounty, "440103"), "", "region_code", Regions());
  ASSERT_TRUE(county.ok());
  EXPECT_EQ(county->county_code, "440103");
  auto city = ReadScope(Make(auth::Role::kCity, "440100"), "", "region_code", Regions());
  ASSERT_TRUE(city.ok());
  EXPECT_EQ(city->city_code, "440100");
  auto narrowed = ReadScope(Make(auth::Role::kCity, "440100"), "440103", "region_code", Regions());
  ASSERT_TRUE(narrowed.ok());
  EXPECT_EQ(narrowed->county_code, "440103");
  auto all = ReadScope(Make(auth::Role::kAuditor, "*"), "", "region_code", Regions());
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->county_code.empty() && all->city_code.empty());
  EXPECT_EQ(ReadScope(Make(auth::Role::kCity, "440100"), "440305", "region_code", Regions())
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReadScope(Make(auth::Role::kProvince, "440000"), "449999", "region_code", Regions())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadScope(Make(auth::Role::kBank, "b"), "", "region_code", Regions()).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(LibraryRules, StateChanges) {
  EXPECT_TRUE(CheckNominate(v1::ENTRY_STATE_UNSPECIFIED).ok());
  EXPECT_TRUE(CheckNominate(v1::ENTRY_STATE_REJECTED).ok());
  EXPECT_TRUE(CheckNominate(v1::ENTRY_STATE_REMOVED).ok());
  EXPECT_EQ(CheckNominate(v1::ENTRY_STATE_NOMINATED).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CheckNominate(v1::ENTRY_STATE_ACCEPTED).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(CheckDecide(v1::ENTRY_STATE_NOMINATED).ok());
  EXPECT_EQ(CheckDecide(v1::ENTRY_STATE_ACCEPTED).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckRemove(v1::ENTRY_STATE_NOMINATED, v1::REMOVAL_REASON_NOMINATION_WITHDRAWN).ok());
  EXPECT_FALSE(CheckRemove(v1::ENTRY_STATE_NOMINATED, v1::REMOVAL_REASON_OTHER).ok());
  EXPECT_TRUE(CheckRemove(v1::ENTRY_STATE_ACCEPTED, v1::REMOVAL_REASON_NOT_PROGRESSING).ok());
  EXPECT_FALSE(CheckRemove(v1::ENTRY_STATE_ACCEPTED, v1::REMOVAL_REASON_NOMINATION_WITHDRAWN).ok());
  EXPECT_EQ(CheckRemove(v1::ENTRY_STATE_REMOVED, v1::REMOVAL_REASON_OTHER).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(CheckRemove(v1::ENTRY_STATE_REJECTED, v1::REMOVAL_REASON_OTHER).ok());
}

TEST(LibraryRules, ReasonTexts) {
  std::vector<rpc::FieldViolation> bad;
  CheckReasonText("", "reason", true, bad);
  CheckReasonText("", "override_reason", false, bad);
  CheckReasonText(std::string(1001, 'x'), "long", false, bad);
  CheckReasonText(std::string(1000, 'x'), "ok", true, bad);
  CheckReasonText("a\x01z", "control", true, bad);
  std::set<std::string> fields;
  for (const auto& v : bad) fields.insert(v.field);
  EXPECT_EQ(fields, (std::set<std::string>{"reason", "long", "control"}));
}

v1::TierCriteria City() {
  v1::TierCriteria c;
  c.set_tier(kCity);
  c.set_min_planned_investment_fen(2'000'000'000);
  c.set_min_planned_equipment_investment_fen(500'000'000);
  c.add_allowed_statuses(v1::PROJECT_STATUS_PLANNED);
  c.add_allowed_statuses(v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  c.add_required_fields("description");
  c.set_reported_within_months(3);
  c.set_at_risk_gap_points(20);
  c.set_at_risk_silent_months(2);
  return c;
}

v1::Project Good() {
  v1::Project p;
  p.set_industry_code("3411");
  p.add_renovation_types(v1::RENOVATION_TYPE_INTELLIGENT_MANUFACTURING);
  p.set_planned_investment_fen(2'000'000'000);
  p.set_planned_equipment_investment_fen(500'000'000);
  p.set_status(v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  p.set_description("生产线改造");
  return p;
}

std::set<std::string> FatalRules(const rpc::Violations& v) {
  std::set<std::string> out;
  for (const auto& x : v) {
    if (x.severity() == v1::SEVERITY_FATAL) out.insert(x.rule_id() + "@" + x.field());
  }
  return out;
}

TEST(LibraryCriteria, AProjectAtTheMinimumsPasses) {
  v1::EntryProgress progress;
  progress.set_months_without_report(2);
  EXPECT_TRUE(CheckCriteria(City(), Good(), progress).empty());
}

TEST(LibraryCriteria, EveryFailedCriterionAtOnce) {
  v1::Project p = Good();
  p.set_planned_investment_fen(1'999'999'999);
  p.set_planned_equipment_investment_fen(499'999'999);
  p.set_status(v1::PROJECT_STATUS_SUSPENDED);
  p.clear_description();
  v1::EntryProgress progress;
  progress.set_months_without_report(3);
  EXPECT_EQ(
      FatalRules(CheckCriteria(City(), p, progress)),
      (std::set<std::string>{
          "library.criteria.min_planned_investment@project.planned_investment_fen",
          "library.criteria.min_equipment_investment@project.planned_equipment_investment_fen",
          "library.criteria.status@project.status",
          "library.criteria.required_field@project.description",
          "library.criteria.reporting@project.last_reported_period"}));
  EXPECT_EQ(FailedRuleIds(CheckCriteria(City(), p, progress)).size(), 5u);
}

TEST(LibraryCriteria, FavouredTypesAndIndustriesOnlyWarn) {
  v1::TierCriteria c = City();
  c.add_favoured_renovation_types(v1::RENOVATION_TYPE_GREEN_ENERGY_SAVING);
  c.add_favoured_industry_codes("39");
  rpc::Violations v = CheckCriteria(c, Good(), {});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule_id(), "library.criteria.not_favoured");
  EXPECT_EQ(v[0].severity(), v1::SEVERITY_WARNING);
  c.add_favoured_industry_codes("34");  // a division matches its classes
  EXPECT_TRUE(CheckCriteria(c, Good(), {}).empty());
}

TEST(LibraryCriteria, RiskFlagsAndTheExit) {
  v1::EntryProgress p;
  p.set_points_behind_schedule(20.0);
  p.set_months_without_report(1);
  FlagRisk(City(), p);
  EXPECT_TRUE(p.at_risk().empty());  // at the threshold, not beyond it
  p.set_points_behind_schedule(20.5);
  p.set_months_without_report(2);
  FlagRisk(City(), p);
  ASSERT_EQ(p.at_risk_size(), 2);
  EXPECT_EQ(p.at_risk(0).kind(), v1::RISK_KIND_BEHIND_SCHEDULE);
  EXPECT_EQ(p.at_risk(1).kind(), v1::RISK_KIND_NOT_REPORTING);
  EXPECT_FALSE(p.due_for_exit());
  p.set_months_without_report(3);
  FlagRisk(City(), p);
  EXPECT_TRUE(p.due_for_exit());
  rpc::Violations reasons;
  AddRiskReasons(p, reasons);
  EXPECT_EQ(FatalRules(reasons),
            (std::set<std::string>{"library.exit.silent@progress.months_without_report"}));
  EXPECT_EQ(reasons.size(), 3u);
  // Before its start month a project is never silent.
  p.set_points_behind_schedule(0);
  p.set_months_without_report(-4);
  FlagRisk(City(), p);
  EXPECT_TRUE(p.at_risk().empty());
  EXPECT_FALSE(p.due_for_exit());
}

TEST(LibraryCriteria, ValidationNamesEveryBadField) {
  EXPECT_TRUE(ValidateCriteria(City(), "criteria.").empty());
  v1::TierCriteria c;
  c.set_min_planned_investment_fen(-1);
  c.add_required_fields("version");
  c.add_favoured_industry_codes("99");
  c.set_reported_within_months(61);
  std::set<std::string> fields;
  for (const auto& v : ValidateCriteria(c, "criteria.")) fields.insert(v.field);
  EXPECT_EQ(fields,
            (std::set<std::string>{
                "criteria.tier", "criteria.min_planned_investment_fen", "criteria.allowed_statuses",
                "criteria.required_fields", "criteria.reported_within_months",
                "criteria.favoured_industry_codes", "criteria.at_risk_gap_points"}));
}

}  // namespace
}  // namespace techreno::library
