// Unit tests for services/registry/project_decision: the rule chain of one
// project record against a ProjectContext built by hand — the enterprise,
// identity by code, by source record or a new code, county immutability,
// unchanged content, expected versions and the lifecycle. No database.

#include "services/registry/project_decision.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/codes/codes.h"

namespace techreno::registry {
namespace {

auth::Principal County(const std::string& code) {
  auth::Principal p;
  p.id = 5;
  p.name = "county-" + code;
  p.role = auth::Role::kCounty;
  p.scope = code;
  return p;
}

std::string Credit() {
  static const std::string code = [] {
    const std::string first17 = "91440103MA5AB1234";
    return first17 + codes::CreditCheckChar(first17);
  }();
  return code;
}

v1::Enterprise Enterprise(const std::string& county) {
  v1::Enterprise e;
  e.set_credit_code(Credit());
  e.set_county_code(county);
  return e;
}

v1::Project Input(const std::string& code = "") {
  v1::Project p;
  p.set_project_code(code);
  p.set_enterprise_credit_code(Credit());
  p.set_county_code("440103");  // 荔湾区
  p.set_industry_code("34");
  p.set_name("数控机床智能化改造");
  p.set_planned_investment_fen(2'000'000'000);
  p.set_start_period("2025-03");
  p.set_planned_completion_period("2026-06");
  p.set_source_record_id("LW-1");
  return p;
}

// `input` as stored at `version`.
v1::Project Stored(v1::Project input, const std::string& code, int64_t version,
                   v1::ProjectStatus status = v1::PROJECT_STATUS_PLANNED) {
  input.set_project_code(code);
  input.set_version(version);
  input.set_status(status);
  return input;
}

ProjectContext Known() {
  ProjectContext c;
  c.enterprise = Enterprise("440103");
  return c;
}

ProjectDecision Decide(const v1::Project& input, const ProjectContext& c,
                       int64_t expected_version = 0) {
  return DecideProject(County("440103"), input, expected_version, c, {});
}

std::string Fatal(const ProjectDecision& d) {
  std::string out;
  for (const auto& v : d.violations) {
    if (v.severity() == v1::SEVERITY_FATAL) out += v.rule_id() + " " + v.field();
  }
  return out;
}

const std::string kCode = "2025-440103-34-03-000001";

TEST(ProjectDecisionTest, ANewCodelessRecordGetsTheAssignedCodeAsVersionOne) {
  ProjectContext c = Known();
  c.new_code = kCode;
  ProjectDecision d = Decide(Input(), c);
  EXPECT_EQ(d.outcome, v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(d.project.project_code(), kCode);
  EXPECT_EQ(d.project.version(), 1);
  EXPECT_EQ(d.project.status(), v1::PROJECT_STATUS_PLANNED);
  EXPECT_FALSE(d.before.has_value());
}

TEST(ProjectDecisionTest, UsedUpSerialsAreResourceExhausted) {
  ProjectDecision d = Decide(Input(), Known());  // no code could be assigned
  EXPECT_EQ(Fatal(d), "project.project_code.exhausted project.project_code");
  EXPECT_EQ(d.code, absl::StatusCode::kResourceExhausted);
}

TEST(ProjectDecisionTest, AnUnregisteredEnterpriseIsNotFoundAndAnotherCityOnlyWarns) {
  ProjectContext none;
  none.new_code = kCode;
  ProjectDecision d = Decide(Input(), none);
  EXPECT_EQ(Fatal(d), "project.enterprise_credit_code.unknown project.enterprise_credit_code");
  EXPECT_EQ(d.code, absl::StatusCode::kNotFound);

  ProjectContext shenzhen = Known();
  shenzhen.enterprise = Enterprise("440305");  // 南山区, another city
  shenzhen.new_code = kCode;
  d = Decide(Input(), shenzhen);
  EXPECT_EQ(d.outcome, v1::OUTCOME_ACCEPTED);
  ASSERT_EQ(d.violations.size(), 1);
  EXPECT_EQ(d.violations[0].rule_id(), "project.enterprise.other_city");
}

TEST(ProjectDecisionTest, TheSourceRecordFindsTheProjectAndAChangeIsTheNextVersion) {
  ProjectContext c = Known();
  c.by_source = Stored(Input(), kCode, 3);
  v1::Project renamed = Input();
  renamed.set_name("更名后的项目");
  ProjectDecision d = Decide(renamed, c);
  EXPECT_EQ(d.outcome, v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(d.project.project_code(), kCode);
  EXPECT_EQ(d.project.version(), 4);
  ASSERT_TRUE(d.before.has_value());
  EXPECT_EQ(d.before->version(), 3);
  // The same content again is unchanged, whatever version was expected.
  EXPECT_EQ(Decide(Input(), c, /*expected_version=*/1).outcome, v1::OUTCOME_UNCHANGED);
}

TEST(ProjectDecisionTest, ACodeAndASourceRecordOfTwoProjectsClash) {
  ProjectContext c = Known();
  c.by_source = Stored(Input(), "2025-440103-34-03-000009", 1);
  ProjectDecision d = Decide(Input(kCode), c);
  EXPECT_EQ(Fatal(d), "project.source_record_id.taken project.source_record_id");
  EXPECT_EQ(d.code, absl::StatusCode::kAlreadyExists);
}

TEST(ProjectDecisionTest, AnUpdateByCodeKeepsTheStoredSourceRecord) {
  ProjectContext c = Known();
  c.by_code = Stored(Input(), kCode, 1);
  v1::Project by_code = Input(kCode);
  by_code.clear_source_record_id();
  by_code.set_name("新名称");
  ProjectDecision d = Decide(by_code, c);
  EXPECT_EQ(d.outcome, v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(d.project.source_record_id(), "LW-1");
}

TEST(ProjectDecisionTest, AProjectNeverMovesCountyAndOthersCodesAreTaken) {
  ProjectContext mine = Known();
  v1::Project elsewhere = Input();
  elsewhere.set_county_code("440104");  // 越秀区, also in 广州市
  mine.by_code = Stored(elsewhere, kCode, 1);
  auth::Principal city;
  city.role = auth::Role::kProvince;
  city.scope = "440000";
  city.name = "province";
  ProjectDecision d = DecideProject(city, Input(kCode), 0, mine, {});
  EXPECT_EQ(Fatal(d), "project.county_code.immutable project.county_code");
  EXPECT_EQ(d.code, absl::StatusCode::kFailedPrecondition);
  // A county that may not read the other county's project learns only that
  // the code is taken.
  d = Decide(Input(kCode), mine);
  EXPECT_EQ(Fatal(d), "project.project_code.taken project.project_code");
  EXPECT_EQ(d.code, absl::StatusCode::kAlreadyExists);
}

TEST(ProjectDecisionTest, ExpectedVersionAndTheLifecycleAreHonoured) {
  ProjectContext c = Known();
  c.by_code = Stored(Input(), kCode, 2, v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  v1::Project changed = Input(kCode);
  changed.set_name("改");
  ProjectDecision d = Decide(changed, c, /*expected_version=*/1);
  EXPECT_EQ(Fatal(d), "version.mismatch expected_version");
  EXPECT_EQ(d.code, absl::StatusCode::kAborted);
  // UNSPECIFIED keeps the stored status.
  EXPECT_EQ(Decide(changed, c, 2).project.status(), v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  changed.set_status(v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(Fatal(Decide(changed, c)), "project.status.transition project.status");

  ProjectContext withdrawn = Known();
  withdrawn.by_code = Stored(Input(), kCode, 4, v1::PROJECT_STATUS_WITHDRAWN);
  v1::Project revived = Input(kCode);
  revived.set_status(v1::PROJECT_STATUS_PLANNED);
  EXPECT_EQ(Fatal(Decide(revived, withdrawn)), "project.status.withdrawn project.status");
}

}  // namespace
}  // namespace techreno::registry
