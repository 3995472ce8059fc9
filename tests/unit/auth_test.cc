// Unit tests for libs/auth: roles, scopes, the read/write authorization matrix
// and the database-free token helpers (NewToken, TokenHash).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/auth/tokens.h"
#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"

namespace techreno::auth {
namespace {

const codes::RegionTable& Regions() { return store::Reference().regions; }

::testing::AssertionResult HasPart(absl::string_view message, absl::string_view part) {
  if (absl::StrContains(message, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "message \"" << message << "\" lacks \"" << part << "\"";
}

// ------------------------------------------------------------------ roles

TEST(RoleTest, ParseAndNameRoundTrip) {
  const Role roles[] = {Role::kCounty, Role::kCity, Role::kProvince, Role::kBank, Role::kAuditor};
  for (Role role : roles) {
    const std::string name = RoleName(role);
    SCOPED_TRACE(name);
    absl::StatusOr<Role> parsed = ParseRole(name);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_STREQ(RoleName(Role::kCounty), "county");
  EXPECT_STREQ(RoleName(Role::kCity), "city");
  EXPECT_STREQ(RoleName(Role::kProvince), "province");
  EXPECT_STREQ(RoleName(Role::kBank), "bank");
  EXPECT_STREQ(RoleName(Role::kAuditor), "auditor");
}

TEST(RoleTest, UnknownRoleIsAnError) {
  for (const char* name : {"admin", "", "County", "counties", " county"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<Role> parsed = ParseRole(name);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(HasPart(ParseRole("admin").status().message(), "admin"));
}

// ----------------------------------------------------------------- scopes

struct ScopeCase {
  Role role;
  std::string scope;
  bool ok;
};

TEST(ScopeTest, ValidateScopeForEachRole) {
  const ScopeCase cases[] = {
      // county: a county-level code
      {Role::kCounty, "440103", true},   // 荔湾区
      {Role::kCounty, "441900", true},   // 东莞市, a city without counties
      {Role::kCounty, "442000", true},   // 中山市, likewise
      {Role::kCounty, "440100", false},  // 广州市 has counties
      {Role::kCounty, "440000", false},
      {Role::kCounty, "999999", false},
      {Role::kCounty, "", false},
      {Role::kCounty, "*", false},
      // city: a city code
      {Role::kCity, "440100", true},
      {Role::kCity, "440300", true},
      {Role::kCity, "440103", false},
      {Role::kCity, "440000", false},
      {Role::kCity, "449900", false},
      {Role::kCity, "", false},
      // province: exactly 440000
      {Role::kProvince, "440000", true},
      {Role::kProvince, "440100", false},
      {Role::kProvince, "450000", false},
      {Role::kProvince, "*", false},
      {Role::kProvince, "", false},
      // auditor: exactly "*"
      {Role::kAuditor, "*", true},
      {Role::kAuditor, "440000", false},
      {Role::kAuditor, "", false},
      {Role::kAuditor, "**", false},
      // bank: its bank id, 1-64 characters
      {Role::kBank, "icbc-gd", true},
      {Role::kBank, "b", true},
      {Role::kBank, std::string(64, 'b'), true},
      {Role::kBank, std::string(65, 'b'), false},
      {Role::kBank, "", false},
  };
  for (const ScopeCase& c : cases) {
    SCOPED_TRACE(testing::Message() << RoleName(c.role) << " scope '" << c.scope << "'");
    absl::Status s = ValidateScope(c.role, c.scope, Regions());
    if (c.ok) {
      EXPECT_TRUE(s.ok()) << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    }
  }
}

// ---------------------------------------------------- authorization matrix

Principal MakePrincipal(Role role, const std::string& scope) {
  Principal p;
  p.id = 1;
  p.name = std::string(RoleName(role)) + "-" + scope;
  p.role = role;
  p.scope = scope;
  return p;
}

// Regions of the matrix, in column order.
const char* const kRegions[] = {
    "440103",  // 荔湾区 (广州)
    "440104",  // 越秀区 (广州)
    "440305",  // 南山区 (深圳)
    "440100",  // 广州市
    "440000",  // 广东省
    "441900",  // 东莞市
};
constexpr int kRegionCount = sizeof(kRegions) / sizeof(kRegions[0]);

struct MatrixRow {
  Role role;
  const char* scope;
  bool read[kRegionCount];
  bool write[kRegionCount];
};

// From the table in principal.h:
//  county    reads its county                 writes its county
//  city      reads the city and its counties  writes the city and its counties
//  province  reads everything                 writes everything
//  auditor   reads everything                 writes nothing
//  bank      no region data                   nothing
const MatrixRow kMatrix[] = {
    //                         440103 440104 440305 440100 440000 441900
    {Role::kCounty,
     "440103",
     {true, false, false, false, false, false},
     {true, false, false, false, false, false}},
    {Role::kCounty,
     "440104",
     {false, true, false, false, false, false},
     {false, true, false, false, false, false}},
    {Role::kCity,
     "440100",
     {true, true, false, true, false, false},
     {true, true, false, true, false, false}},
    {Role::kCity,
     "440300",
     {false, false, true, false, false, false},
     {false, false, true, false, false, false}},
    {Role::kProvince,
     "440000",
     {true, true, true, true, true, true},
     {true, true, true, true, true, true}},
    {Role::kAuditor,
     "*",
     {true, true, true, true, true, true},
     {false, false, false, false, false, false}},
    {Role::kBank,
     "icbc-gd",
     {false, false, false, false, false, false},
     {false, false, false, false, false, false}},
};

TEST(AuthorizationTest, MatrixOfMayReadAndMayWrite) {
  for (const MatrixRow& row : kMatrix) {
    const Principal p = MakePrincipal(row.role, row.scope);
    ASSERT_TRUE(ValidateScope(p.role, p.scope, Regions()).ok()) << p.name;
    for (int i = 0; i < kRegionCount; ++i) {
      SCOPED_TRACE(testing::Message()
                   << RoleName(row.role) << " " << row.scope << " on " << kRegions[i]);
      EXPECT_EQ(MayRead(p, kRegions[i], Regions()), row.read[i]) << "MayRead";
      EXPECT_EQ(MayWrite(p, kRegions[i], Regions()), row.write[i]) << "MayWrite";
      EXPECT_EQ(CheckRead(p, kRegions[i], Regions()).ok(), row.read[i]) << "CheckRead";
      EXPECT_EQ(CheckWrite(p, kRegions[i], Regions()).ok(), row.write[i]) << "CheckWrite";
    }
  }
}

TEST(AuthorizationTest, DongguanCountyPrincipalSeesOnlyDongguan) {
  const Principal p = MakePrincipal(Role::kCounty, "441900");
  EXPECT_TRUE(MayRead(p, "441900", Regions()));
  EXPECT_TRUE(MayWrite(p, "441900", Regions()));
  EXPECT_FALSE(MayRead(p, "440103", Regions()));
  EXPECT_FALSE(MayWrite(p, "440000", Regions()));
}

TEST(AuthorizationTest, CheckReadDeniesWithTheRegionName) {
  const Principal p = MakePrincipal(Role::kCounty, "440103");
  absl::Status s = CheckRead(p, "440305", Regions());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(HasPart(s.message(), "南山区"));
  EXPECT_TRUE(HasPart(s.message(), "440305"));
  EXPECT_TRUE(HasPart(s.message(), p.name));

  const Principal bank = MakePrincipal(Role::kBank, "icbc-gd");
  s = CheckRead(bank, "440103", Regions());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(HasPart(s.message(), "荔湾区"));
}

TEST(AuthorizationTest, CheckWriteDeniesWithTheRegionName) {
  const Principal auditor = MakePrincipal(Role::kAuditor, "*");
  absl::Status s = CheckWrite(auditor, "440305", Regions());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(HasPart(s.message(), "南山区"));
}

// ----------------------------------------------------------------- tokens

bool IsWebSafeBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST(TokenTest, NewTokenShape) {
  const std::string a = NewToken();
  const std::string b = NewToken();
  EXPECT_TRUE(absl::StartsWith(a, "tr_")) << a;
  EXPECT_TRUE(absl::StartsWith(b, "tr_")) << b;
  EXPECT_EQ(a.size(), 46u) << a;
  EXPECT_EQ(b.size(), 46u) << b;
  EXPECT_NE(a, b);
  for (char c : a.substr(3)) EXPECT_TRUE(IsWebSafeBase64Char(c)) << a;
}

TEST(TokenTest, TokenHashIsLowercaseHexSha256) {
  const std::string token = NewToken();
  const std::string h = TokenHash(token);
  ASSERT_EQ(h.size(), 64u) << h;
  for (char c : h) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << h;
  }
  EXPECT_EQ(TokenHash(token), h);
  EXPECT_NE(TokenHash(NewToken()), h);
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace techreno::auth
