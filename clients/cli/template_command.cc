// techreno template projects|enterprises|progress: the import sheet a county
// officer fills in — every column, its Chinese name beside the field name
// ("项目名称 name", which the importer reads as "name"), and one example row
// dated this month. CSV (UTF-8 with BOM, or --encoding=gb18030) by default,
// XLSX with --format=xlsx --output=FILE.
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/table_output.h"

namespace techreno::cli {
namespace {

using Columns = std::vector<std::pair<std::string, std::string>>;  // (header, example)

// "YYYY-MM" of now plus `months`, China time.
std::string Month(int months) {
  const absl::CivilMonth m =
      absl::ToCivilMonth(absl::Now(), absl::FixedTimeZone(8 * 3600)) + months;
  return absl::FormatCivilTime(m).substr(0, 7);
}

Columns ProjectColumns() {
  return {{"来源记录号 source_record_id", "LW-TEMPLATE-001"},
          {"项目代码（新项目留空）project_code", ""},
          {"企业统一社会信用代码 enterprise_credit_code", "91440103MA59C8KD45"},
          {"县区代码 county_code", "440103"},
          {"行业代码 industry_code", "34"},
          {"项目名称 name", "数控机床智能化生产线技术改造项目（模板示例）"},
          {"改造类型（;分隔）renovation_types", "EQUIPMENT_RENEWAL;INTELLIGENT_MANUFACTURING"},
          {"申请支持方式（;分隔）requested_support", "LOAN_INTEREST_SUBSIDY"},
          {"计划总投资(万元) planned_investment_wan", "12500"},
          {"其中设备投资(万元) planned_equipment_investment_wan", "8600"},
          {"融资需求(万元) financing_need_wan", "5000"},
          {"开工年月 start_period", Month(1)},
          {"计划竣工年月 planned_completion_period", Month(16)},
          {"项目状态 status", "PLANNED"},
          {"同意向合作银行推荐 share_with_banks", "是"},
          {"主要建设内容 description", "新增五轴联动加工中心12台、工业机器人20台"}};
}

Columns EnterpriseColumns() {
  return {{"统一社会信用代码 credit_code", "91440103MA59C8KD45"},
          {"企业名称 name", "广州市荔湾精工机械制造有限公司"},
          {"县区代码 county_code", "440103"},
          {"行业代码 industry_code", "34"},
          {"规模以上工业企业 above_designated_size", "是"},
          {"营业收入规模 revenue_band", "OVER_50M"},
          {"两化融合试点 integration_pilot", "是"},
          {"两化融合贯标认证 integration_certified", "否"}};
}

Columns ProgressColumns() {
  return {{"来源记录号 source_record_id", "LW-TEMPLATE-001-01"},
          {"项目代码 project_code", "2026-440103-34-03-012345"},
          {"报告期 period", Month(-1)},
          {"本月完成投资(万元) completed_investment_wan", "420"},
          {"其中建筑工程(万元) building_works_wan", "33.6"},
          {"其中安装工程(万元) installation_wan", "50.4"},
          {"其中设备工器具购置(万元) equipment_tools_wan", "302.4"},
          {"其中其他费用(万元) other_wan", "33.6"},
          {"项目状态 status", "UNDER_CONSTRUCTION"},
          {"本月报告含1月（仅2月）covers_january", ""},
          {"本年累计完成(万元) declared_ytd_wan", ""},
          {"自开工累计完成(万元) declared_since_start_wan", ""},
          {"备注 note", "基础及厂房改造开工"}};
}

}  // namespace

int WriteTemplate(const GlobalOptions& options, const std::string& kind) {
  const Columns columns = kind == "projects"      ? ProjectColumns()
                          : kind == "enterprises" ? EnterpriseColumns()
                                                  : ProgressColumns();
  std::vector<std::string> header, example;
  for (const auto& [name, value] : columns) {
    header.push_back(name);
    example.push_back(value);
  }
  Table table(header);
  table.AddRow(example);
  const std::string title = kind == "projects"      ? "技改项目 projects"
                            : kind == "enterprises" ? "企业 enterprises"
                                                    : "月度进度 progress";
  if (options.tables != nullptr) {
    Emit(options, table, title);
    return kExitOk;
  }
  // A template is a file: CSV on stdout unless csv or xlsx was asked for.
  auto csv = NewCsvOutput(std::cout, CsvOutputEncoding(options));
  csv->Write(table, title);
  return csv->Close().ok() ? kExitOk : kExitFailure;
}

}  // namespace techreno::cli
