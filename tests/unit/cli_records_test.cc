// Unit tests for the techreno CLI's input side: the CSV reader and the
// conversion of CSV rows and JSON lines into Project / Enterprise /
// ProgressReport messages.

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/csv.h"
#include "clients/cli/input_encoding.h"
#include "clients/cli/record_reader.h"
#include "clients/cli/records.h"
#include "clients/cli/xlsx_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "techreno/v1/monitoring.pb.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// SizeIs(0) rather than IsEmpty(): IsEmpty needs the gmock library, which
// the unit-test helper does not link.
auto NoErrors() { return SizeIs(0); }

// ------------------------------------------------------------------ CSV

std::vector<std::vector<std::string>> Fields(const std::vector<CsvRecord>& records) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& r : records) out.push_back(r.fields);
  return out;
}

TEST(CsvTest, PlainRecordsWithAndWithoutFinalNewline) {
  auto records = ParseCsv("a,b,c\n1,2,3");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Fields(*records),
              ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("1", "2", "3")));
}

TEST(CsvTest, EmptyFieldsAreKept) {
  auto records = ParseCsv("a,,c,\n");
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Fields(*records), ElementsAre(ElementsAre("a", "", "c", "")));
}

TEST(CsvTest, QuotedFieldsWithCommasQuotesAndNewlines) {
  auto records = ParseCsv(
      "name,description\n"
      "\"广州某某机械制造有限公司, 荔湾\",\"他说\"\"好\"\"\"\n"
      "\"two\nlines\",x\n"
      "\"\",last\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_THAT(*records, SizeIs(4));
  EXPECT_THAT((*records)[1].fields, ElementsAre("广州某某机械制造有限公司, 荔湾", "他说\"好\""));
  EXPECT_THAT((*records)[2].fields, ElementsAre("two\nlines", "x"));
  EXPECT_THAT((*records)[3].fields, ElementsAre("", "last"));
}

TEST(CsvTest, LineNumbersCountPhysicalLines) {
  auto records = ParseCsv("h1,h2\n\"a\nb\nc\",x\n\nnext,y\n");
  ASSERT_TRUE(records.ok());
  ASSERT_THAT(*records, SizeIs(3));
  EXPECT_EQ((*records)[0].line, 1);
  EXPECT_EQ((*records)[1].line, 2);  // spans lines 2-4
  EXPECT_EQ((*records)[2].line, 6);  // after the blank line 5
}

TEST(CsvTest, CrlfAndCrLineEnds) {
  auto crlf = ParseCsv("a,b\r\n1,2\r\n");
  ASSERT_TRUE(crlf.ok());
  EXPECT_THAT(Fields(*crlf), ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2")));
  auto cr = ParseCsv("a,b\r1,2\r");
  ASSERT_TRUE(cr.ok());
  EXPECT_THAT(Fields(*cr), ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2")));
  EXPECT_EQ((*cr)[1].line, 2);
}

TEST(CsvTest, ByteOrderMarkIsSkipped) {
  auto records = ParseCsv("\xEF\xBB\xBF\"name\",county_code\n");
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Fields(*records), ElementsAre(ElementsAre("name", "county_code")));
}

TEST(CsvTest, PartialBomBytesAreData) {
  auto records = ParseCsv("\xEF\xBBx\n");
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Fields(*records), ElementsAre(ElementsAre("\xEF\xBBx")));
}

TEST(CsvTest, UnterminatedQuoteNamesItsLine) {
  auto records = ParseCsv("a,b\n1,2\n3,\"oops\n4,5\n");
  ASSERT_FALSE(records.ok());
  EXPECT_THAT(records.status().message(), HasSubstr("line 3"));
}

TEST(CsvTest, ChineseLabelsBesideFieldNamesAndNoteColumns) {
  EXPECT_EQ(CsvHeader::ColumnName(" 项目名称 name "), "name");
  EXPECT_EQ(CsvHeader::ColumnName("计划总投资(万元) planned_investment_wan"),
            "planned_investment_wan");
  EXPECT_EQ(CsvHeader::ColumnName("项目代码（新项目留空）project_code"), "project_code");
  EXPECT_EQ(CsvHeader::ColumnName("planned_investment_wan"), "planned_investment_wan");
  EXPECT_EQ(CsvHeader::ColumnName("_问题 reasons"), "_问题 reasons");  // a note, kept whole
  EXPECT_EQ(CsvHeader::ColumnName("项目名称"), "项目名称");  // no field name: left to the check
}

TEST(CsvTest, RejectsFileReasonsColumnIsSkipped) {
  auto parsed = ParseCsv(
      "credit_code,name,_问题 "
      "reasons\n91440103MA59C8KD45,广州市荔湾精工机械制造有限公司,旧的问题\n");
  ASSERT_TRUE(parsed.ok());
  auto header = CsvHeader::FromRecord((*parsed)[0]);
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(CheckCsvHeader(*header, *v1::Enterprise::descriptor()).ok());
  v1::Enterprise e;
  EXPECT_TRUE(MessageFromCsv(*header, (*parsed)[1], &e).empty());
  EXPECT_EQ(e.name(), "广州市荔湾精工机械制造有限公司");
}

TEST(InputEncodingTest, Utf8PrefixAllowsOnlyACutLastCharacter) {
  const std::string li = "荔";  // E8 8D 94
  EXPECT_TRUE(IsUtf8Prefix("abc" + li));
  EXPECT_TRUE(IsUtf8Prefix("abc" + li.substr(0, 2)));   // cut by the sample's end
  EXPECT_FALSE(IsUtf8Prefix(li.substr(0, 2) + "abc"));  // cut in the middle: not UTF-8
  EXPECT_FALSE(IsUtf8Prefix("\xC0\xE6"));               // GB18030 bytes
}

TEST(InputEncodingTest, Gb18030IsDetectedAndCopiedAsUtf8) {
  // "荔湾区,440103" in GB18030.
  std::istringstream gb("\xC0\xF3\xCD\xE5\xC7\xF8,440103\n");
  auto encoding = ChooseEncoding("", gb);
  ASSERT_TRUE(encoding.ok());
  EXPECT_EQ(*encoding, TextEncoding::kGb18030);
  auto copy = Utf8Copy(gb);
  ASSERT_TRUE(copy.ok()) << copy.status();
  std::ifstream in(*copy);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "荔湾区,440103");
  std::remove(copy->c_str());

  std::istringstream utf8("荔湾区,440103\n");
  EXPECT_EQ(*ChooseEncoding("", utf8), TextEncoding::kUtf8);
  std::istringstream named("anything");
  EXPECT_EQ(*ChooseEncoding("gb18030", named), TextEncoding::kGb18030);
  EXPECT_FALSE(ChooseEncoding("latin1", named).ok());
}

TEST(XlsxTest, SharedStringsSkipPhoneticGuides) {
  auto shared = ParseSharedStrings(
      "<sst><si><t>项目名称 name</t></si><si><r><t>荔湾</t></r><r><t>区</t></r>"
      "<rPh><t>リワン</t></rPh></si><si/></sst>");
  ASSERT_TRUE(shared.ok()) << shared.status();
  EXPECT_THAT(*shared, ElementsAre("项目名称 name", "荔湾区", ""));
}

TEST(XlsxTest, RowsKeepTheirNumbersAndCellsTheirColumns) {
  const std::vector<std::string> shared = {"name", "示例"};
  auto rows = ParseSheet(
      "<worksheet><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"inlineStr\">"
      "<is><t>planned_investment_wan</t></is></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"C3\"><v>12500.5</v></c>"
      "<c r=\"D3\" t=\"b\"><v>1</v></c></row>"
      "</sheetData></worksheet>",
      shared);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_THAT((*rows)[0], ElementsAre("name", "", "planned_investment_wan"));
  EXPECT_TRUE((*rows)[1].empty());  // row 2 not written: an empty line, so CSV line = row
  EXPECT_THAT((*rows)[2], ElementsAre("示例", "", "12500.5", "1"));
  EXPECT_FALSE(ParseSheet("<row r=\"1\"><c t=\"s\"><v>7</v></c></row>", shared).ok());
  EXPECT_FALSE(ParseSheet("<row r=\"1\"><c r=\"A1\"><v>1</v></row>", shared).ok());  // malformed
  // Malformed XML is named by part and line.
  auto broken = ParseSheet("<worksheet>\n<sheetData>\n<row r=\"1\"></c>\n", shared);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(std::string(broken.status().message()), HasSubstr("sheet is not valid XML (line 3"));
}

TEST(CsvTest, HeaderTrimsNamesAndRejectsDuplicates) {
  auto header = CsvHeader::FromRecord({1, {" name ", "county_code", ""}});
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->Find("name"), 0);
  EXPECT_EQ(header->Find("county_code"), 1);
  EXPECT_EQ(header->Find("missing"), -1);
  EXPECT_FALSE(CsvHeader::FromRecord({1, {"name", "name"}}).ok());
}

TEST(Utf8Test, AcceptsUtf8RejectsGbkAndOverlongForms) {
  EXPECT_TRUE(IsValidUtf8("荔湾区 abc"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xF3\xCD\xE5"));  // 荔湾 in GBK
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xE8\x8D"));          // truncated
}

// ------------------------------------------------------------- values

TEST(WanTest, ConvertsExactly) {
  EXPECT_EQ(*ParseWanToFen("1234.56"), 1'234'560'000);
  EXPECT_EQ(*ParseWanToFen("1"), 1'000'000);
  EXPECT_EQ(*ParseWanToFen("800"), 800'000'000);
  EXPECT_EQ(*ParseWanToFen("0.07"), 70'000);  // 0.07 is not exact in binary floating point
  EXPECT_EQ(*ParseWanToFen("0.000001"), 1);
  EXPECT_EQ(*ParseWanToFen("20000.123456"), 20'000'123'456);
  EXPECT_EQ(*ParseWanToFen(" 12.5 "), 12'500'000);
  EXPECT_EQ(*ParseWanToFen("+3"), 3'000'000);
  EXPECT_EQ(*ParseWanToFen("-150"), -150'000'000);  // the server's rule to reject
  EXPECT_EQ(*ParseWanToFen("9223372036854"), 9'223'372'036'854'000'000);
}

TEST(WanTest, RejectsWhatIsNotExact) {
  for (const char* bad : {"", "abc", "1,234.56", "12.", ".5", "1.2345678", "1e3", "--1",
                          "9223372036855", "99999999999999999999999", "１２"}) {
    EXPECT_FALSE(ParseWanToFen(bad).ok()) << bad;
  }
  EXPECT_THAT(ParseWanToFen("1.2345678").status().message(), HasSubstr("6 decimals"));
}

TEST(YiTest, ConvertsExactly) {
  EXPECT_EQ(*ParseYiToFen("1"), 10'000'000'000);
  EXPECT_EQ(*ParseYiToFen("2417.6"), 24'176'000'000'000);
  EXPECT_EQ(*ParseYiToFen("0.0000000001"), 1);
  EXPECT_FALSE(ParseYiToFen("0.00000000001").ok());
  EXPECT_THAT(ParseYiToFen("1.2.3").status().message(), HasSubstr("亿元"));
  EXPECT_TRUE(ParseYiToFen("922337203").ok());
  EXPECT_FALSE(ParseYiToFen("922337204").ok());  // over int64 fen
}

TEST(BoolTest, EnglishDigitsAndChinese) {
  EXPECT_TRUE(*ParseBool("true"));
  EXPECT_TRUE(*ParseBool("TRUE"));
  EXPECT_TRUE(*ParseBool("1"));
  EXPECT_TRUE(*ParseBool("是"));
  EXPECT_FALSE(*ParseBool("false"));
  EXPECT_FALSE(*ParseBool("0"));
  EXPECT_FALSE(*ParseBool("否"));
  EXPECT_FALSE(ParseBool("maybe").ok());
}

TEST(EnumTest, WithAndWithoutPrefix) {
  const auto& type = *v1::RenovationType_descriptor();
  EXPECT_EQ(*ParseEnumName(type, "EQUIPMENT_RENEWAL"), v1::RENOVATION_TYPE_EQUIPMENT_RENEWAL);
  EXPECT_EQ(*ParseEnumName(type, "RENOVATION_TYPE_INTELLIGENT_MANUFACTURING"),
            v1::RENOVATION_TYPE_INTELLIGENT_MANUFACTURING);
  EXPECT_EQ(*ParseEnumName(type, "green_energy_saving"), v1::RENOVATION_TYPE_GREEN_ENERGY_SAVING);
  EXPECT_EQ(*ParseEnumName(type, "3"), v1::RENOVATION_TYPE_INFORMATIZATION);
  EXPECT_EQ(*ParseEnumName(*v1::ProjectStatus_descriptor(), "UNDER_CONSTRUCTION"),
            v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  EXPECT_EQ(*ParseEnumName(*v1::RevenueBand_descriptor(), "OVER_50M"), v1::REVENUE_BAND_OVER_50M);
  auto bad = ParseEnumName(type, "ROBOTS");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("EQUIPMENT_RENEWAL"));  // lists the choices
  EXPECT_EQ(EnumShortName(type, v1::RENOVATION_TYPE_QUALITY_BRAND), "QUALITY_BRAND");
  EXPECT_EQ(EnumShortName(type, 99), "99");
}

// ------------------------------------------------------------ records

CsvHeader Header(std::vector<std::string> names) {
  auto header = CsvHeader::FromRecord({1, std::move(names)});
  EXPECT_TRUE(header.ok());
  return *header;
}

TEST(ProjectCsvTest, FullRow) {
  CsvHeader header =
      Header({"source_record_id", "enterprise_credit_code", "county_code", "industry_code", "name",
              "renovation_types", "requested_support", "planned_investment_wan",
              "planned_equipment_investment_fen", "start_period", "planned_completion_period",
              "status", "share_with_banks", "description"});
  ASSERT_TRUE(CheckCsvHeader(header, *v1::Project::descriptor()).ok());
  CsvRecord record{
      2,
      {"LW-2025-001", "91440103MA59C8KD45", "440103", "34", "智能化生产线技术改造项目, 一期",
       "EQUIPMENT_RENEWAL;RENOVATION_TYPE_INTELLIGENT_MANUFACTURING", "loan_interest_subsidy",
       "1234.56", "500000000", "2025-03", "2026-06", "under_construction", "是", " 机器换人 "}};
  v1::Project p;
  EXPECT_THAT(MessageFromCsv(header, record, &p), NoErrors());
  EXPECT_EQ(p.source_record_id(), "LW-2025-001");
  EXPECT_EQ(p.name(), "智能化生产线技术改造项目, 一期");
  EXPECT_THAT(p.renovation_types(), ElementsAre(v1::RENOVATION_TYPE_EQUIPMENT_RENEWAL,
                                                v1::RENOVATION_TYPE_INTELLIGENT_MANUFACTURING));
  EXPECT_THAT(p.requested_support(), ElementsAre(v1::SUPPORT_INSTRUMENT_LOAN_INTEREST_SUBSIDY));
  EXPECT_EQ(p.planned_investment_fen(), 1'234'560'000);
  EXPECT_EQ(p.planned_equipment_investment_fen(), 500'000'000);
  EXPECT_EQ(p.status(), v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  EXPECT_TRUE(p.share_with_banks());
  EXPECT_EQ(p.description(), "机器换人");  // cells are trimmed
  EXPECT_EQ(p.financing_need_fen(), 0);    // no column: unset
}

// Months as a spreadsheet holds them: typed with '/' or 年月, as a date, or a
// date cell's day number (from an .xlsx) all reach the server as YYYY-MM;
// anything else goes as it is, for the server's rule to name.
TEST(ProjectCsvTest, MonthsAsSpreadsheetsWriteThem) {
  CsvHeader header = Header({"source_record_id", "start_period", "planned_completion_period"});
  v1::Project p;
  EXPECT_THAT(MessageFromCsv(header, {2, {"LW-1", "2026/4/1", "2027年3月"}}, &p), NoErrors());
  EXPECT_EQ(p.start_period(), "2026-04");
  EXPECT_EQ(p.planned_completion_period(), "2027-03");
  EXPECT_THAT(MessageFromCsv(header, {3, {"LW-2", "46113", "2026-4"}}, &p), NoErrors());
  EXPECT_EQ(p.start_period(), "2026-04");
  EXPECT_EQ(p.planned_completion_period(), "2026-04");
  EXPECT_THAT(MessageFromCsv(header, {4, {"LW-3", "2026.4", "next year"}}, &p), NoErrors());
  EXPECT_EQ(p.start_period(), "2026.4");
  EXPECT_EQ(p.planned_completion_period(), "next year");
  // Other text columns are never read as months.
  CsvHeader names = Header({"source_record_id", "name"});
  EXPECT_THAT(MessageFromCsv(names, {5, {"2026/4", "2026/4"}}, &p), NoErrors());
  EXPECT_EQ(p.source_record_id(), "2026/4");
  EXPECT_EQ(p.name(), "2026/4");
}

TEST(ProjectCsvTest, BadNumberNamesLineAndColumn) {
  CsvHeader header = Header({"source_record_id", "planned_investment_wan"});
  v1::Project p;
  std::vector<RowError> errors = MessageFromCsv(header, {7, {"LW-9", "12万"}}, &p);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].line, 7);
  EXPECT_EQ(errors[0].column, "planned_investment_wan");
  EXPECT_THAT(errors[0].ToString(), HasSubstr("line 7, column planned_investment_wan"));
  EXPECT_THAT(errors[0].ToString(), HasSubstr("12万"));
  EXPECT_EQ(p.source_record_id(), "LW-9");  // kept for the report
}

TEST(ProjectCsvTest, EveryBadCellIsReported) {
  CsvHeader header =
      Header({"planned_investment_fen", "status", "share_with_banks", "renovation_types"});
  v1::Project p;
  std::vector<RowError> errors =
      MessageFromCsv(header, {3, {"12.5", "DONE", "maybe", "EQUIPMENT_RENEWAL;ROBOTS"}}, &p);
  ASSERT_THAT(errors, SizeIs(4));
  EXPECT_EQ(errors[0].column, "planned_investment_fen");
  EXPECT_EQ(errors[1].column, "status");
  EXPECT_EQ(errors[2].column, "share_with_banks");
  EXPECT_EQ(errors[3].column, "renovation_types");
}

TEST(ProjectCsvTest, FenAndWanColumnsBothFilledIsAnError) {
  CsvHeader header = Header({"planned_investment_fen", "planned_investment_wan"});
  ASSERT_TRUE(CheckCsvHeader(header, *v1::Project::descriptor()).ok());
  v1::Project p;
  EXPECT_THAT(MessageFromCsv(header, {2, {"", "800"}}, &p), NoErrors());
  EXPECT_EQ(p.planned_investment_fen(), 800'000'000);
  EXPECT_THAT(MessageFromCsv(header, {3, {"1", "800"}}, &p), SizeIs(1));
}

TEST(ProjectCsvTest, WrongFieldCount) {
  CsvHeader header = Header({"name", "county_code"});
  v1::Project p;
  std::vector<RowError> errors = MessageFromCsv(header, {4, {"a", "b", "c"}}, &p);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_THAT(errors[0].ToString(), HasSubstr("line 4"));
  EXPECT_THAT(errors[0].message, HasSubstr("double quotes"));
}

TEST(ProjectCsvTest, InvalidUtf8TextIsReportedNotSent) {
  CsvHeader header = Header({"name"});
  v1::Project p;
  std::vector<RowError> errors = MessageFromCsv(header, {2, {"\xC0\xF3\xCD\xE5"}}, &p);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].column, "name");
  EXPECT_THAT(errors[0].message, HasSubstr("UTF-8"));
}

TEST(HeaderTest, UnknownAndOutputOnlyColumnsAreRejected) {
  const auto& type = *v1::Project::descriptor();
  auto typo = CheckCsvHeader(Header({"name", "planed_investment_wan"}), type);
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.message(), HasSubstr("planed_investment_wan"));
  EXPECT_THAT(typo.message(), HasSubstr("planned_investment_wan"));  // lists valid columns
  EXPECT_FALSE(CheckCsvHeader(Header({"version"}), type).ok());
  EXPECT_FALSE(CheckCsvHeader(Header({"completed_investment_wan"}), type).ok());
  EXPECT_FALSE(CheckCsvHeader(Header({"county"}), type).ok());
  EXPECT_TRUE(CheckCsvHeader(Header({"name", ""}), type).ok());  // unnamed column ignored
}

TEST(EnterpriseCsvTest, BooleansAndRevenueBand) {
  CsvHeader header =
      Header({"credit_code", "name", "county_code", "industry_code", "above_designated_size",
              "revenue_band", "integration_pilot", "integration_certified"});
  ASSERT_TRUE(CheckCsvHeader(header, *v1::Enterprise::descriptor()).ok());
  v1::Enterprise e;
  EXPECT_THAT(MessageFromCsv(header,
                             {2,
                              {"91440103MA59C8KD45", "广州市荔湾精工机械制造有限公司", "440103",
                               "34", "1", "REVENUE_BAND_OVER_50M", "是", "否"}},
                             &e),
              NoErrors());
  EXPECT_EQ(e.credit_code(), "91440103MA59C8KD45");
  EXPECT_TRUE(e.above_designated_size());
  EXPECT_EQ(e.revenue_band(), v1::REVENUE_BAND_OVER_50M);
  EXPECT_TRUE(e.integration_pilot());
  EXPECT_FALSE(e.integration_certified());
}

TEST(ProgressCsvTest, SplitColumnsFillTheSubMessage) {
  CsvHeader header = Header({"project_code", "period", "completed_investment_wan",
                             "building_works_wan", "installation_fen", "equipment_tools_wan",
                             "other_wan", "status", "covers_january", "declared_ytd_wan"});
  ASSERT_TRUE(CheckCsvHeader(header, *v1::ProgressReport::descriptor()).ok());
  v1::ProgressReport r;
  EXPECT_THAT(MessageFromCsv(header,
                             {2,
                              {"2025-440103-34-03-012345", "2025-02", "650.5", "50", "80000000",
                               "480.5", "40", "under_construction", "是", "1300"}},
                             &r),
              NoErrors());
  EXPECT_EQ(r.completed_investment_fen(), 650'500'000);  // an input field here
  EXPECT_EQ(r.split().building_works_fen(), 50'000'000);
  EXPECT_EQ(r.split().installation_fen(), 80'000'000);
  EXPECT_EQ(r.split().equipment_tools_fen(), 480'500'000);
  EXPECT_EQ(r.split().other_fen(), 40'000'000);
  EXPECT_EQ(r.status(), v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  EXPECT_TRUE(r.covers_january());
  ASSERT_TRUE(r.has_declared_ytd_fen());
  EXPECT_EQ(r.declared_ytd_fen(), 1'300'000'000);
  EXPECT_FALSE(r.has_declared_since_start_fen());  // no column: absent, not 0
}

TEST(ProgressCsvTest, NoSplitColumnsLeaveSplitUnset) {
  CsvHeader header = Header({"project_code", "period", "completed_investment_fen"});
  v1::ProgressReport r;
  EXPECT_THAT(MessageFromCsv(header, {2, {"X", "2025-03", "0"}}, &r), NoErrors());
  EXPECT_FALSE(r.has_split());
}

TEST(ProgressCsvTest, OutputOnlyColumnsAreRejected) {
  const auto& type = *v1::ProgressReport::descriptor();
  EXPECT_FALSE(CheckCsvHeader(Header({"ytd_completed_wan"}), type).ok());
  EXPECT_FALSE(CheckCsvHeader(Header({"late"}), type).ok());
  EXPECT_FALSE(CheckCsvHeader(Header({"version"}), type).ok());
  EXPECT_FALSE(CheckCsvHeader(Header({"split"}), type).ok());  // its parts are the columns
  auto typo = CheckCsvHeader(Header({"building_wan"}), type);
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.message(), HasSubstr("building_works_wan"));  // lists split columns too
}

TEST(JsonTest, ProgressReportKeepsInputClearsOutput) {
  v1::ProgressReport r;
  EXPECT_THAT(MessageFromJson(R"({"project_code":"X","completed_investment_fen":"5",)"
                              R"("split":{"other_fen":"5"},"version":"3","late":true,)"
                              R"("ytd_completed_fen":"9"})",
                              1, &r),
              NoErrors());
  EXPECT_EQ(r.completed_investment_fen(), 5);
  EXPECT_EQ(r.split().other_fen(), 5);
  EXPECT_EQ(r.version(), 0);
  EXPECT_FALSE(r.late());
  EXPECT_EQ(r.ytd_completed_fen(), 0);
}

TEST(JsonTest, ProtobufJsonMappingAndOutputOnlyFieldsCleared) {
  v1::Project p;
  EXPECT_THAT(MessageFromJson(R"({"source_record_id":"LW-1","plannedInvestmentFen":"800000000",)"
                              R"("renovation_types":["RENOVATION_TYPE_EQUIPMENT_RENEWAL"],)"
                              R"("version":"4","industry_name":"通用设备制造业"})",
                              1, &p),
              NoErrors());
  EXPECT_EQ(p.source_record_id(), "LW-1");
  EXPECT_EQ(p.planned_investment_fen(), 800'000'000);
  EXPECT_THAT(p.renovation_types(), ElementsAre(v1::RENOVATION_TYPE_EQUIPMENT_RENEWAL));
  EXPECT_EQ(p.version(), 0);
  EXPECT_EQ(p.industry_name(), "");
}

TEST(JsonTest, ErrorsNameTheLine) {
  v1::Project p;
  auto unknown = MessageFromJson(R"({"planned_investment_wan": 800})", 5, &p);
  ASSERT_THAT(unknown, SizeIs(1));
  EXPECT_THAT(unknown[0].ToString(), HasSubstr("line 5"));
  EXPECT_THAT(MessageFromJson(R"({"planned_investment_fen": "abc"})", 6, &p), SizeIs(1));
  EXPECT_THAT(MessageFromJson("not json", 7, &p), SizeIs(1));
  EXPECT_THAT(MessageFromJson("{\"name\":\"\xC0\xF3\"}", 8, &p), SizeIs(1));
}

// ------------------------------------------------------------ files

struct Read {
  int64_t line;
  std::string source_record_id;
  std::vector<RowError> errors;
};

std::vector<Read> ReadAll(const std::string& text, InputFormat format) {
  std::istringstream in(text);
  auto reader = RecordReader::Create(&in, format, *v1::Project::descriptor());
  EXPECT_TRUE(reader.ok()) << reader.status();
  std::vector<Read> out;
  if (!reader.ok()) return out;
  v1::Project p;
  Read r;
  while ((*reader)->Next(&p, &r.line, &r.errors)) {
    r.source_record_id = p.source_record_id();
    out.push_back(r);
  }
  return out;
}

TEST(RecordReaderTest, BadRowIsSkippedTheOthersAreRead) {
  std::vector<Read> reads = ReadAll(
      "\xEF\xBB\xBFsource_record_id,planned_investment_wan\r\n"
      "LW-1,800\r\n"
      "LW-2,八百\r\n"
      ",\r\n"  // a row of empty cells below the data
      "LW-3,1200.5\r\n",
      InputFormat::kCsv);
  ASSERT_THAT(reads, SizeIs(3));
  EXPECT_THAT(reads[0].errors, NoErrors());
  EXPECT_EQ(reads[1].line, 3);
  ASSERT_THAT(reads[1].errors, SizeIs(1));
  EXPECT_EQ(reads[1].errors[0].column, "planned_investment_wan");
  EXPECT_EQ(reads[2].line, 5);
  EXPECT_EQ(reads[2].source_record_id, "LW-3");
  EXPECT_THAT(reads[2].errors, NoErrors());
}

TEST(RecordReaderTest, UnterminatedQuoteEndsTheFileWithAnError) {
  std::vector<Read> reads =
      ReadAll("source_record_id,name\nLW-1,a\nLW-2,\"b\nLW-3,c\n", InputFormat::kCsv);
  ASSERT_THAT(reads, SizeIs(2));
  EXPECT_THAT(reads[0].errors, NoErrors());
  ASSERT_THAT(reads[1].errors, SizeIs(1));
  EXPECT_EQ(reads[1].line, 3);
}

TEST(RecordReaderTest, BadHeaderFailsBeforeAnyRecord) {
  std::istringstream in("source_record_id,planed_investment_wan\nLW-1,800\n");
  EXPECT_FALSE(RecordReader::Create(&in, InputFormat::kCsv, *v1::Project::descriptor()).ok());
  std::istringstream empty("");
  EXPECT_FALSE(RecordReader::Create(&empty, InputFormat::kCsv, *v1::Project::descriptor()).ok());
}

TEST(RecordReaderTest, JsonLinesSkipBlankLines) {
  std::vector<Read> reads =
      ReadAll("{\"source_record_id\":\"LW-1\"}\r\n\n{\"source_record_id\":\"LW-2\",\"bad\":1}\n",
              InputFormat::kJsonLines);
  ASSERT_THAT(reads, SizeIs(2));
  EXPECT_EQ(reads[0].source_record_id, "LW-1");
  EXPECT_THAT(reads[0].errors, NoErrors());
  EXPECT_EQ(reads[1].line, 3);
  EXPECT_THAT(reads[1].errors, SizeIs(1));
}

TEST(InputFormatTest, FlagThenExtension) {
  EXPECT_EQ(*ChooseInputFormat("", "a/projects.CSV"), InputFormat::kCsv);
  EXPECT_EQ(*ChooseInputFormat("", "projects.jsonl"), InputFormat::kJsonLines);
  EXPECT_EQ(*ChooseInputFormat("", "projects.json"), InputFormat::kJsonLines);
  EXPECT_EQ(*ChooseInputFormat("csv", "projects.txt"), InputFormat::kCsv);
  EXPECT_FALSE(ChooseInputFormat("", "projects.txt").ok());
  EXPECT_FALSE(ChooseInputFormat("xml", "projects.csv").ok());
}

}  // namespace
}  // namespace techreno::cli
