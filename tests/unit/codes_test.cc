// Unit tests for libs/codes: real reference data and real codes.

#include "libs/codes/codes.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

#ifndef TECHRENO_DATA_DIR
#error "TECHRENO_DATA_DIR must name the directory holding the reference CSV files"
#endif

namespace techreno::codes {
namespace {

// gtest_main only (no gmock): a message check that prints the message on failure.
::testing::AssertionResult HasPart(absl::string_view message, absl::string_view part) {
  if (absl::StrContains(message, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "message \"" << message << "\" lacks \"" << part << "\"";
}

std::string ReadDataFile(const std::string& name) {
  const std::string path = std::string(TECHRENO_DATA_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const RegionTable& Regions() {
  static const RegionTable* table = [] {
    absl::StatusOr<RegionTable> t = RegionTable::FromCsv(ReadDataFile("regions-guangdong.csv"));
    EXPECT_TRUE(t.ok()) << t.status();
    return new RegionTable(t.ok() ? *std::move(t) : RegionTable());
  }();
  return *table;
}

const IndustryTable& Industries() {
  static const IndustryTable* table = [] {
    absl::StatusOr<IndustryTable> t =
        IndustryTable::FromCsv(ReadDataFile("industries-gbt4754-2017.csv"));
    EXPECT_TRUE(t.ok()) << t.status();
    return new IndustryTable(t.ok() ? *std::move(t) : IndustryTable());
  }();
  return *table;
}

// ------------------------------------------------------------ credit codes

struct CreditCase {
  const char* code;
  const char* note;
};

// Codes that pass the GB 32100-2015 check. The first four are published
// codes of Guangdong companies; the rest were computed with the algorithm.
const CreditCase kValidCreditCodes[] = {
    {"91440300708461136T", "Huawei Technologies (Shenzhen)"},
    {"914403001922038216", "Ping An Insurance (Shenzhen)"},
    {"9144030071526726XG", "Tencent Computer Systems (Shenzhen)"},
    {"91440300192317458F", "BYD (Shenzhen)"},
    // 91440101190438962W fails the check (its check character is 'B'):
    {"91440101190438962B", "computed, Guangzhou registration"},
    {"91440300279583285Y", "computed, check value 30 -> 'Y'"},
    {"91440101MA59TFTR8P", "computed, letters in the organisation code"},
    {"91440100068400006Y", "computed, check value 30 -> 'Y'"},
    {"9144010006840000U0", "computed, check 31 -> 0"},
};

TEST(CreditCodeTest, AcceptsValidCodes) {
  for (const CreditCase& c : kValidCreditCodes) {
    EXPECT_TRUE(ValidateCreditCode(c.code).ok())
        << c.code << " (" << c.note << "): " << ValidateCreditCode(c.code);
    const std::string code = c.code;
    EXPECT_EQ(CreditCheckChar(code.substr(0, 17)), code[17]) << c.code;
  }
}

struct InvalidCase {
  std::string input;
  std::string message_part;
};

TEST(CreditCodeTest, RejectsInvalidCodesWithClearMessages) {
  const InvalidCase cases[] = {
      {"", "empty"},
      {"91440300708461136", "must be 18 characters, got 17"},
      {"91440300708461136TT", "must be 18 characters, got 19"},
      {"91440300708461136t", "character 18 't' is lowercase"},
      {"91440300708461136T ", "got 19"},
      {" 1440300708461136T", "character 1 ' ' is not allowed"},
      {"9144O300708461136T", "character 5 'O' is not allowed (I, O, S, V, Z never appear)"},
      {"91440300I08461136T", "character 9 'I' is not allowed (I, O, S, V, Z never appear)"},
      {"9144030070846113ST", "character 17 'S' is not allowed"},
      {"91440300708461V36T", "character 15 'V' is not allowed"},
      {"Z1440300708461136T", "character 1 'Z' is not allowed"},
      {"914403007084611-6T", "character 16 '-' is not allowed (only digits and capital letters)"},
      {"91A40300708461136T", "character 3 'A' must be a digit (characters 3-8"},
      {"914403B0708461136T", "character 7 'B' must be a digit"},
      {"9144030Y708461136T", "character 8 'Y' must be a digit"},
      {"91440300708461136X", "check character is 'X', expected 'T'"},
      {"914403001922038217", "check character is '7', expected '6'"},
      {"91440300708461163T", "check character is 'T'"},  // two digits swapped
      // Full-width digit: 18 characters, 20 bytes; the message shows the character.
      {"9144030070846113\xEF\xBC\x96T", "character 17 '\xEF\xBC\x96' is not an ASCII digit"},
      {"9144030070846113\xFFT", "character 17 '\\xff'"},
  };
  for (const InvalidCase& c : cases) {
    absl::Status s = ValidateCreditCode(c.input);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.input;
    EXPECT_TRUE(HasPart(s.message(), c.message_part)) << c.input;
  }
}

TEST(CreditCodeTest, CheckCharRejectsBadPrefixes) {
  EXPECT_EQ(CreditCheckChar("9144030070846113"), '\0');    // 16 characters
  EXPECT_EQ(CreditCheckChar("914403007084611366"), '\0');  // 18 characters
  EXPECT_EQ(CreditCheckChar("9144030070846113O"), '\0');   // O is not in the charset
  EXPECT_EQ(CreditCheckChar("9144030070846113a"), '\0');
  EXPECT_EQ(CreditCheckChar("00000000000000000"), '0');
}

TEST(CreditCodeTest, EverySingleCharacterChangeIsCaught) {
  const std::string charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const std::string good = "91440300708461136T";
  for (size_t i = 0; i < good.size(); ++i) {
    for (char c : charset) {
      if (c == good[i]) continue;
      std::string bad = good;
      bad[i] = c;
      EXPECT_FALSE(ValidateCreditCode(bad).ok()) << bad;
    }
  }
}

// ----------------------------------------------------------------- regions

TEST(RegionTableTest, LoadsTheGuangdongTable) {
  const RegionTable& t = Regions();
  EXPECT_EQ(t.All().size(), 144u);
  int provinces = 0, cities = 0, counties = 0;
  for (const Region& r : t.All()) {
    switch (r.tier) {
      case RegionTier::kProvince:
        ++provinces;
        break;
      case RegionTier::kCity:
        ++cities;
        break;
      case RegionTier::kCounty:
        ++counties;
        break;
    }
  }
  EXPECT_EQ(provinces, 1);
  EXPECT_EQ(cities, 21);
  EXPECT_EQ(counties, 122);
  EXPECT_EQ(t.ProvinceCode(), "440000");
  ASSERT_NE(t.Find("440000"), nullptr);
  EXPECT_EQ(t.Find("440000")->name, "广东省");
  EXPECT_EQ(t.Find("440000")->parent_code, "");
}

TEST(RegionTableTest, CountyLevelAndCity) {
  struct Case {
    const char* code;
    bool county_level;
    const char* city;
  };
  const Case cases[] = {
      {"440103", true, "440100"},  // 荔湾区
      {"440305", true, "440300"},  // 南山区
      {"440281", true, "440200"},  // 乐昌市, a county-level city
      {"441900", true, "441900"},  // 东莞市, no counties
      {"442000", true, "442000"},  // 中山市, no counties
      {"440100", false, ""},       // 广州市 has districts
      {"440300", false, ""},       // 深圳市
      {"440000", false, ""},       // the province
      {"441000", false, ""},       // unused city code
      {"440199", false, ""},       // unknown
      {"abc", false, ""},          // not a code
  };
  const RegionTable& t = Regions();
  for (const Case& c : cases) {
    EXPECT_EQ(t.IsCountyLevel(c.code), c.county_level) << c.code;
    EXPECT_EQ(t.CityOf(c.code), c.city) << c.code;
  }
}

TEST(RegionTableTest, Contains) {
  struct Case {
    const char* ancestor;
    const char* region;
    bool contains;
  };
  const Case cases[] = {
      {"440000", "440103", true},  {"440100", "440103", true},  {"440103", "440103", true},
      {"440000", "440100", true},  {"440000", "441900", true},  {"441900", "441900", true},
      {"440000", "440000", true},  {"440300", "440103", false}, {"440103", "440100", false},
      {"440100", "440000", false}, {"440000", "999999", false}, {"999999", "999999", false},
      {"", "440103", false},
  };
  const RegionTable& t = Regions();
  for (const Case& c : cases) {
    EXPECT_EQ(t.Contains(c.ancestor, c.region), c.contains) << c.ancestor << " ⊇ " << c.region;
  }
}

TEST(RegionTableTest, Labels) {
  const RegionTable& t = Regions();
  EXPECT_EQ(t.Label("440103"), "440103 荔湾区");
  EXPECT_EQ(t.Label("441900"), "441900 东莞市");
  EXPECT_EQ(t.Label("440000"), "440000 广东省");
  EXPECT_EQ(t.Label("449999"), "449999");
}

TEST(RegionTableTest, FormatCheck) {
  EXPECT_TRUE(ValidateRegionCodeFormat("440103").ok());
  for (const char* bad : {"", "44010", "4401030", "44010X", " 440103", "４４０１０３"}) {
    absl::Status s = ValidateRegionCodeFormat(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(HasPart(s.message(), "six digits")) << bad;
  }
}

TEST(RegionTableTest, ToleratesCrLfMissingNewlineAndParentsAfterChildren) {
  const std::string csv =
      "code,name,tier,parent_code\r\n"
      "440103,荔湾区,county,440100\r\n"
      "440000,广东省,province,\r\n"
      "440100,广州市,city,440000\r\n"
      "441900,东莞市,city,440000";
  absl::StatusOr<RegionTable> t = RegionTable::FromCsv(csv);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->All().size(), 4u);
  EXPECT_EQ(t->Label("441900"), "441900 东莞市");
  EXPECT_TRUE(t->IsCountyLevel("441900"));
  EXPECT_FALSE(t->IsCountyLevel("440100"));
  EXPECT_EQ(t->CityOf("440103"), "440100");
}

TEST(RegionTableTest, RejectsBadCsv) {
  const std::string h = "code,name,tier,parent_code\n";
  const std::string p = "440000,广东省,province,\n";
  const InvalidCase cases[] = {
      {"", "empty"},
      {"\n\n", "empty"},
      {"code,name,tier\n" + p, "line 1: expected the header"},
      {h, "no province"},
      {h + "440000,广东省,province\n", "line 2: expected 4 fields"},
      {h + "440000,广东省,province,,\n", "line 2: expected 4 fields"},
      {h + p + "440100,广州市,town,440000\n", "line 3: unknown tier 'town'"},
      {h + p + "44010,广州市,city,440000\n", "line 3: region code '44010' must be six digits"},
      {h + p + "440100,,city,440000\n", "line 3: region 440100 has no name"},
      {h + p + "440100,广州市,city,\n", "line 3: parent of 440100"},
      {h + p + "440100,广州市,city,440000\n440100,广州,city,440000\n",
       "line 4: duplicate code 440100"},
      {h + p + "440103,荔湾区,county,440100\n", "line 3: parent 440100 of 440103 is not in"},
      {h + p + "440103,荔湾区,county,440000\n", "is a province, expected a city"},
      {h + p + "440100,广州市,city,440000\n440300,深圳市,city,440100\n",
       "is a city, expected a province"},
      {h + p + "450000,广西,province,\n", "line 3: second province row 450000"},
      {h + "440000,广东省,province,990000\n", "province 440000 must have no parent"},
  };
  for (const InvalidCase& c : cases) {
    absl::StatusOr<RegionTable> t = RegionTable::FromCsv(c.input);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << c.input;
    EXPECT_TRUE(HasPart(t.status().message(), c.message_part)) << c.input;
  }
}

// -------------------------------------------------------------- industries

TEST(IndustryTableTest, LoadsTheTable) {
  const IndustryTable& t = Industries();
  EXPECT_EQ(t.All().size(), 223u);  // C: 1 + 31 + 179; B: 1 + 7; D: 1 + 3
  ASSERT_NE(t.Find("13"), nullptr);
  EXPECT_EQ(t.Find("13")->level, "division");
  EXPECT_EQ(t.Find("13")->parent_code, "C");
  ASSERT_NE(t.Find("131"), nullptr);
  EXPECT_EQ(t.Find("131")->parent_code, "13");
  EXPECT_EQ(t.Find("1311"), nullptr);
  EXPECT_EQ(t.Label("13"), "13 农副食品加工业");
  EXPECT_EQ(t.Label("131"), "131 谷物磨制");
  EXPECT_EQ(t.Label("C"), "C 制造业");
  EXPECT_EQ(t.Label("99"), "99");
}

TEST(IndustryTableTest, ValidateIndustrial) {
  struct Case {
    const char* code;
    const char* message_part;  // nullptr when the code is accepted
  };
  const Case cases[] = {
      {"13", nullptr},
      {"131", nullptr},
      {"06", nullptr},  // 煤炭开采和洗选业
      {"12", nullptr},
      {"43", nullptr},
      {"439", nullptr},
      {"44", nullptr},  // 电力、热力生产和供应业
      {"46", nullptr},
      {"05", "outside 06-46"},
      {"47", "outside 06-46"},
      {"99", "outside 06-46"},
      {"00", "outside 06-46"},
      {"011", "outside 06-46"},
      {"C", "a section letter is too broad"},
      {"1", "must be a GB/T 4754-2017 division"},
      {"1311", "four-digit classes are not used"},
      {"", "must be a GB/T 4754-2017 division"},
      {"1a", "must be a GB/T 4754-2017 division"},
      {"138", "138 is not a group"},  // 13 has no group 138
      {"061", "061 is not a group"},  // B and D groups are not in the table
  };
  const IndustryTable& t = Industries();
  for (const Case& c : cases) {
    absl::Status s = t.ValidateIndustrial(c.code);
    if (c.message_part == nullptr) {
      EXPECT_TRUE(s.ok()) << c.code << ": " << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.code;
      EXPECT_TRUE(HasPart(s.message(), c.message_part)) << c.code;
    }
  }
}

TEST(IndustryTableTest, DivisionOf) {
  EXPECT_EQ(IndustryTable::DivisionOf("131"), "13");
  EXPECT_EQ(IndustryTable::DivisionOf("13"), "13");
  EXPECT_EQ(IndustryTable::DivisionOf("065"), "06");
  EXPECT_EQ(IndustryTable::DivisionOf("C"), "");
  EXPECT_EQ(IndustryTable::DivisionOf("1311"), "");
  EXPECT_EQ(IndustryTable::DivisionOf(""), "");
}

TEST(IndustryTableTest, RejectsBadCsv) {
  const std::string h = "code,name,level,parent_code\n";
  const InvalidCase cases[] = {
      {"", "empty"},
      {"code,name\n", "line 1: expected the header"},
      {h + "C,制造业,section\n", "line 2: expected 4 fields"},
      {h + "C,制造业,sector,\n", "unknown level 'sector'"},
      {h + "CC,制造业,section,\n", "a section code is one capital letter"},
      {h + "C,制造业,section,\n131,谷物磨制,division,C\n", "a division code is two digits"},
      {h + "C,制造业,section,\n13,农副食品加工业,division,C\n13,x,division,C\n",
       "line 4: duplicate code 13"},
      {h + "13,农副食品加工业,division,C\n", "parent C of 13 is not in the table"},
      {h + "C,制造业,section,\n131,谷物磨制,group,14\n", "must be its division 13"},
      {h + "C,制造业,section,\n13,农副食品加工业,division,\n", "must be a section letter"},
      {h + "C,,section,\n", "has no name"},
  };
  for (const InvalidCase& c : cases) {
    absl::StatusOr<IndustryTable> t = IndustryTable::FromCsv(c.input);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << c.input;
    EXPECT_TRUE(HasPart(t.status().message(), c.message_part)) << c.input;
  }
  absl::StatusOr<IndustryTable> ok = IndustryTable::FromCsv(
      "code,name,level,parent_code\r\n131,谷物磨制,group,13\r\n13,农副食品加工业,division,C\r\n"
      "C,制造业,section,");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE(ok->ValidateIndustrial("131").ok());
}

// ----------------------------------------------------------- project codes

TEST(ProjectCodeTest, ParsesValidCodes) {
  struct Case {
    const char* code;
    int year;
    const char* region;
    const char* department;
    const char* type;
    int serial;
    char check;
  };
  const Case cases[] = {
      {"2025-440103-00-03-00001X", 2025, "440103", "00", "03", 1, 'X'},
      {"2019-440000-39-03-012345", 2019, "440000", "39", "03", 1234, '5'},
      {"2023-441900-26-02-99999K", 2023, "441900", "26", "02", 99999, 'K'},
      {"2000-440300-00-01-000000", 2000, "440300", "00", "01", 0, '0'},
      {"2099-442000-99-99-54321Z", 2099, "442000", "99", "99", 54321, 'Z'},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ProjectCode> p = ParseProjectCode(c.code);
    ASSERT_TRUE(p.ok()) << c.code << ": " << p.status();
    EXPECT_EQ(p->year, c.year) << c.code;
    EXPECT_EQ(p->region, c.region) << c.code;
    EXPECT_EQ(p->department, c.department) << c.code;
    EXPECT_EQ(p->type, c.type) << c.code;
    EXPECT_EQ(p->serial, c.serial) << c.code;
    EXPECT_EQ(p->check, c.check) << c.code;
  }
}

TEST(ProjectCodeTest, RejectsEachBadPartByName) {
  const InvalidCase cases[] = {
      {"", "must be 24 characters"},
      {"2025-440103-00-03-00001", "must be 24 characters (YYYY-RRRRRR-DD-TT-NNNNNC), got 23"},
      {"2025-440103-00-03-00001XX", "got 25"},
      {"2025440103000300001X", "got 20"},
      {"2025_440103-00-03-00001X", "character 5 '_' must be '-'"},
      {"2025-440103_00-03-00001X", "character 12 '_' must be '-'"},
      {"2025-440103-00 03-00001X", "character 15 ' ' must be '-'"},
      {"2025-440103-00-0300001X-", "character 18 '0' must be '-'"},
      {"20A5-440103-00-03-00001X", "year '20A5' must be four digits"},
      {"1999-440103-00-03-00001X", "year '1999' must be 2000-2099"},
      {"2100-440103-00-03-00001X", "year '2100' must be 2000-2099"},
      {"2025-44010X-00-03-00001X", "region '44010X' must be a six-digit"},
      {"2025-440103-0A-03-00001X", "department '0A' must be two digits"},
      {"2025-440103-00-3 -00001X", "type '3 ' must be two digits"},
      {"2025-440103-00-03-0000AX", "serial '0000A' must be five digits"},
      {"2025-440103-00-03-00001x", "check 'x' must be a digit or a capital letter"},
      {"2025-440103-00-03-00001-", "check '-' must be"},
      {"２025-440103-00-03-00001X", "full-width or Chinese character"},
  };
  for (const InvalidCase& c : cases) {
    absl::StatusOr<ProjectCode> p = ParseProjectCode(c.input);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.input;
    EXPECT_TRUE(HasPart(p.status().message(), c.message_part)) << c.input;
  }
}

TEST(ProjectCodeTest, Mod112MatchesTheIdentityCardExample) {
  // GB 11643-1999's example 11010519491231002X, left-padded with zeros
  // (which weigh nothing) to the 19 digits of a project code.
  EXPECT_EQ(AssignedCheckChar("0011010519491231002"), 'X');
  EXPECT_EQ(AssignedCheckChar("0044052419800101001"), '3');  // computed by hand
  EXPECT_EQ(AssignedCheckChar("000000000000000000"), '\0');  // 18 digits
  EXPECT_EQ(AssignedCheckChar("00000000000000000000"), '\0');
  EXPECT_EQ(AssignedCheckChar("000000000000000000A"), '\0');
  EXPECT_EQ(AssignedCheckChar("0000000000000000000"), '1');
}

TEST(ProjectCodeTest, MakeProjectCodeRoundTrips) {
  struct Case {
    int year;
    const char* region;
    int serial;
    const char* expected;
  };
  const Case cases[] = {
      {2025, "440103", 1, "2025-440103-00-03-00001X"},
      {2025, "441900", 42, nullptr},
      {2000, "440000", 0, nullptr},
      {2099, "442000", 99999, nullptr},
      {2024, "440305", 12345, nullptr},
  };
  for (const Case& c : cases) {
    const std::string code = MakeProjectCode(c.year, c.region, c.serial);
    if (c.expected != nullptr) {
      EXPECT_EQ(code, c.expected);
    }
    absl::StatusOr<ProjectCode> p = ParseProjectCode(code);
    ASSERT_TRUE(p.ok()) << code << ": " << p.status();
    EXPECT_EQ(code.size(), 24u);
    EXPECT_EQ(p->year, c.year);
    EXPECT_EQ(p->region, c.region);
    EXPECT_EQ(p->department, "00");
    EXPECT_EQ(p->type, "03");
    EXPECT_EQ(p->serial, c.serial);
    EXPECT_TRUE(IsAssignedProjectCode(code)) << code;
    // Changing any one digit (or the check character) breaks the check.
    for (size_t i = 0; i < code.size(); ++i) {
      if (code[i] == '-') continue;
      for (char d : std::string("0123456789X")) {
        if (d == code[i] || (d == 'X' && i != 23)) continue;
        std::string bad = code;
        bad[i] = d;
        EXPECT_FALSE(IsAssignedProjectCode(bad)) << bad;
      }
    }
  }
}

TEST(ProjectCodeTest, AssignedCodesNeedDepartment00AndType03) {
  // A well-formed national code is not one of ours.
  EXPECT_FALSE(IsAssignedProjectCode("2019-440000-39-03-012345"));
  // Same digits with a matching MOD 11-2 check but another department/type.
  for (const char* prefix : {"2025-440103-01-03-00001", "2025-440103-00-02-00001"}) {
    std::string digits;
    for (char ch : std::string(prefix)) {
      if (ch != '-') digits += ch;
    }
    const std::string code = std::string(prefix) + AssignedCheckChar(digits);
    EXPECT_TRUE(ParseProjectCode(code).ok()) << code;
    EXPECT_FALSE(IsAssignedProjectCode(code)) << code;
  }
  EXPECT_FALSE(IsAssignedProjectCode(""));
  EXPECT_FALSE(IsAssignedProjectCode("2025-440103-00-03-00001"));
}

TEST(ProjectCodeTest, MakeProjectCodeRejectsBadArguments) {
  EXPECT_EQ(MakeProjectCode(1999, "440103", 1), "");
  EXPECT_EQ(MakeProjectCode(2100, "440103", 1), "");
  EXPECT_EQ(MakeProjectCode(2025, "44010", 1), "");
  EXPECT_EQ(MakeProjectCode(2025, "44010X", 1), "");
  EXPECT_EQ(MakeProjectCode(2025, "440103", -1), "");
  EXPECT_EQ(MakeProjectCode(2025, "440103", 100000), "");
}

TEST(ProjectCodeTest, MakeProjectCodeWithAnotherDepartmentAndType) {
  const std::string code = MakeProjectCode(2025, "440606", "45", "04", 12);
  ASSERT_EQ(code.size(), 24u) << code;
  EXPECT_EQ(code.substr(0, 23), "2025-440606-45-04-00012");
  absl::StatusOr<ProjectCode> parsed = ParseProjectCode(code);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->department, "45");
  EXPECT_EQ(parsed->type, "04");
  EXPECT_EQ(parsed->serial, 12);
  EXPECT_FALSE(IsAssignedProjectCode(code));
  EXPECT_EQ(MakeProjectCode(2025, "440103", "00", "03", 7), MakeProjectCode(2025, "440103", 7));
  EXPECT_EQ(MakeProjectCode(2025, "440606", "4", "03", 1), "");
  EXPECT_EQ(MakeProjectCode(2025, "440606", "45", "0x", 1), "");
}

// ---------------------------------------------------------------- periods

TEST(PeriodTest, ParsesAndFormats) {
  struct Case {
    const char* text;
    int year;
    int month;
  };
  const Case cases[] = {
      {"2025-01", 2025, 1}, {"2025-02", 2025, 2},  {"2025-12", 2025, 12},
      {"2000-01", 2000, 1}, {"2099-12", 2099, 12},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Period> p = ParsePeriod(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status();
    EXPECT_EQ(p->year, c.year);
    EXPECT_EQ(p->month, c.month);
    EXPECT_EQ(FormatPeriod(*p), c.text);
  }
}

TEST(PeriodTest, RejectsMalformedPeriods) {
  const InvalidCase cases[] = {
      {"2025-1", "must be written YYYY-MM"},
      {"2025-001", "must be written YYYY-MM"},
      {"2025/01", "must be written YYYY-MM"},
      {"2025-01x", "must be written YYYY-MM"},
      {"", "must be written YYYY-MM"},
      {" 2025-01", "must be written YYYY-MM"},
      {"202501", "must be written YYYY-MM"},
      {"2025-0a", "must be written YYYY-MM"},
      {"2025-13", "month 13 must be 01-12"},
      {"2025-00", "month 00 must be 01-12"},
      {"1999-12", "year 1999 must be 2000-2099"},
      {"2100-01", "year 2100 must be 2000-2099"},
      {"２025-01", "must be written YYYY-MM"},
  };
  for (const InvalidCase& c : cases) {
    absl::StatusOr<Period> p = ParsePeriod(c.input);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.input;
    EXPECT_TRUE(HasPart(p.status().message(), c.message_part)) << c.input;
  }
}

TEST(PeriodTest, MonthsAsSpreadsheetsWriteThem) {
  struct Case {
    const char* text;
    const char* month;
  };
  const Case cases[] = {
      {"2026-04", "2026-04"},
      {"2026-4", "2026-04"},
      {"2026/4", "2026-04"},
      {"2026/04", "2026-04"},
      {" 2026-04 ", "2026-04"},
      {"2026-04-01", "2026-04"},
      {"2026/4/30", "2026-04"},
      {"2026年4月", "2026-04"},
      {"2026年4", "2026-04"},
      {"2026年4月1日", "2026-04"},
      {"2026年12月31日", "2026-12"},
      // Excel's day numbers of date cells: 46113 is 2026-04-01, 46112 2026-03-31.
      {"46113", "2026-04"},
      {"46112", "2026-03"},
      {"46113.75", "2026-04"},
      {"36526", "2000-01"},
      {"73050", "2099-12"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Period> p = ParseMonthAsWritten(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status();
    EXPECT_EQ(FormatPeriod(*p), c.month) << c.text;
  }
  for (const char* bad :
       {"2026.4",   "2026.10",    "2026-13",    "2026-0",  "2026-04-32", "2026-04/01",
        "2026/4-1", "2026年13月", "2026年4月1", "4/2026",  "202604",     "36525",
        "73051",    "46113.5.1",  "1999-12",    "2100-01", "",           "2026-",
        "2026年",   "2026-04x",   "２０２６-04"}) {
    absl::StatusOr<Period> p = ParseMonthAsWritten(bad);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(HasPart(p.status().message(), "is not a month")) << bad;
  }
}

TEST(PeriodTest, OrderingAndIndex) {
  const Period jan{2025, 1}, feb{2025, 2}, dec24{2024, 12}, dec{2025, 12};
  EXPECT_TRUE(dec24 < jan);
  EXPECT_TRUE(jan < feb);
  EXPECT_TRUE(feb < dec);
  EXPECT_FALSE(feb < jan);
  EXPECT_FALSE(jan < jan);
  EXPECT_TRUE(jan <= jan);
  EXPECT_TRUE(jan <= feb);
  EXPECT_FALSE(feb <= jan);
  EXPECT_TRUE(jan == (Period{2025, 1}));
  EXPECT_FALSE(jan == feb);
  EXPECT_EQ(jan.Index() - dec24.Index(), 1);
  EXPECT_EQ(dec.Index() - jan.Index(), 11);
  EXPECT_EQ(jan.Index(), 2025 * 12);
  EXPECT_EQ((Period{2000, 1}).Index(), 24000);
}

}  // namespace
}  // namespace techreno::codes
