#include "clients/cli/format.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "clients/cli/records.h"
#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"

namespace techreno::cli {
namespace {

// Chinese names of the contract's enum values, as in the proto comments and
// the statistics forms operators know.
const absl::flat_hash_map<std::string, std::string>& ChineseNames() {
  static const auto* names = new absl::flat_hash_map<std::string, std::string>{
      {"PROJECT_STATUS_PLANNED", "计划"},
      {"PROJECT_STATUS_UNDER_CONSTRUCTION", "在建"},
      {"PROJECT_STATUS_COMPLETED", "竣工"},
      {"PROJECT_STATUS_SUSPENDED", "停缓建"},
      {"PROJECT_STATUS_WITHDRAWN", "撤销"},
      {"RENOVATION_TYPE_EQUIPMENT_RENEWAL", "设备更新"},
      {"RENOVATION_TYPE_INTELLIGENT_MANUFACTURING", "智能制造与机器换人"},
      {"RENOVATION_TYPE_INFORMATIZATION", "信息化"},
      {"RENOVATION_TYPE_GREEN_ENERGY_SAVING", "绿色节能"},
      {"RENOVATION_TYPE_PRODUCT_UPGRADE", "产品升级"},
      {"RENOVATION_TYPE_QUALITY_BRAND", "质量品牌"},
      {"RENOVATION_TYPE_CAPACITY_EXPANSION", "扩产增效"},
      {"SUPPORT_INSTRUMENT_EQUITY_INVESTMENT", "股权投资"},
      {"SUPPORT_INSTRUMENT_LOAN_INTEREST_SUBSIDY", "贷款贴息"},
      {"SUPPORT_INSTRUMENT_POST_HOC_REWARD", "事后奖补"},
      {"REVENUE_BAND_UNDER_20M", "营收2000万元以下"},
      {"REVENUE_BAND_20M_TO_50M", "营收2000万至5000万元"},
      {"REVENUE_BAND_OVER_50M", "营收5000万元以上"},
      {"REVENUE_BAND_OVER_400M", "营收4亿元以上"},
      {"OUTCOME_ACCEPTED", "已写入"},
      {"OUTCOME_UNCHANGED", "无变化"},
      {"OUTCOME_REJECTED", "已拒绝"},
      {"REGION_TIER_PROVINCE", "省"},
      {"REGION_TIER_CITY", "地级市"},
      {"REGION_TIER_COUNTY", "县级"},
      {"TARGET_METRIC_TECH_RENOVATION_INVESTMENT_FEN", "技术改造投资"},
      {"TARGET_METRIC_INDUSTRIAL_INVESTMENT_FEN", "工业投资"},
      {"TARGET_METRIC_ENTERPRISES_COMPLETING_RENOVATION", "完成技术改造的规上企业"},
      {"TARGET_METRIC_INTEGRATION_PILOT_ENTERPRISES", "两化融合试点企业"},
      {"TARGET_METRIC_ENTERPRISES_OVER_50M_COMPLETING_RENOVATION",
       "完成技术改造的营收5000万元以上企业"},
      {"TARGET_METRIC_INTEGRATION_CERTIFIED_ENTERPRISES", "两化融合管理体系评定企业"},
      {"PROJECT_STAGE_NEW_START", "新开工"},
      {"PROJECT_STAGE_CONTINUING", "续建"},
      {"PROJECT_STAGE_COMPLETED", "竣工"},
      {"LAGGING_REASON_BEHIND_SCHEDULE", "进度滞后"},
      {"LAGGING_REASON_NOT_REPORTING", "未报送"},
      {"LIBRARY_TIER_COUNTY", "县级库"},
      {"LIBRARY_TIER_CITY", "市级库"},
      {"LIBRARY_TIER_PROVINCE", "省级库"},
      {"ENTRY_STATE_NOMINATED", "已推荐"},
      {"ENTRY_STATE_ACCEPTED", "已入库"},
      {"ENTRY_STATE_REJECTED", "未通过"},
      {"ENTRY_STATE_REMOVED", "已出库"},
      {"ENTRY_ACTION_NOMINATE", "推荐"},
      {"ENTRY_ACTION_ACCEPT", "入库"},
      {"ENTRY_ACTION_REJECT", "不予入库"},
      {"ENTRY_ACTION_REMOVE", "出库"},
      {"REMOVAL_REASON_PROJECT_COMPLETED", "项目竣工"},
      {"REMOVAL_REASON_PROJECT_WITHDRAWN", "项目撤销"},
      {"REMOVAL_REASON_NOT_PROGRESSING", "推进不力"},
      {"REMOVAL_REASON_FAILED_REVIEW", "复核不合格"},
      {"REMOVAL_REASON_NOMINATION_WITHDRAWN", "撤回推荐"},
      {"REMOVAL_REASON_OTHER", "其他"},
      {"RISK_KIND_BEHIND_SCHEDULE", "进度滞后"},
      {"RISK_KIND_NOT_REPORTING", "未报送"},
      {"RECOMMENDATION_STATE_ACTIVE", "有效"},
      {"RECOMMENDATION_STATE_RETRACTED", "已撤回"},
      {"RECOMMENDATION_EVENT_KIND_PUBLISHED", "发布"},
      {"RECOMMENDATION_EVENT_KIND_UPDATED", "更新"},
      {"RECOMMENDATION_EVENT_KIND_RETRACTED", "撤回"},
      {"RECOMMENDATION_EVENT_KIND_HEARTBEAT", "心跳"},
      {"FEEDBACK_STATE_CONTACTED", "已对接"},
      {"FEEDBACK_STATE_REVIEWING", "审批中"},
      {"FEEDBACK_STATE_LOAN_GRANTED", "已放贷"},
      {"FEEDBACK_STATE_DECLINED", "已拒绝"},
      {"DECLINE_REASON_CREDIT_RISK", "信用风险"},
      {"DECLINE_REASON_INSUFFICIENT_COLLATERAL", "抵押担保不足"},
      {"DECLINE_REASON_PROJECT_NOT_VIABLE", "项目不可行"},
      {"DECLINE_REASON_ENTERPRISE_DECLINED", "企业不需要"},
      {"DECLINE_REASON_FINANCED_ELSEWHERE", "已获他行融资"},
      {"DECLINE_REASON_OUTSIDE_CREDIT_POLICY", "不符合授信政策"},
      {"DECLINE_REASON_OTHER", "其他"},
  };
  return *names;
}

// Code points a terminal draws two columns wide (East Asian Wide/Fullwidth).
bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

void PrintRow(std::ostream& out, const std::vector<std::string>& row,
              const std::vector<size_t>& widths) {
  for (size_t i = 0; i < row.size(); ++i) {
    out << row[i];
    if (i + 1 == row.size()) break;  // no trailing spaces after the last cell
    out << std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
  }
  out << '\n';
}

}  // namespace

std::string FormatWanNumber(int64_t fen) {
  // Hundredths of 万元 are 10,000 fen; round half away from zero.
  const uint64_t magnitude = fen < 0 ? 0 - static_cast<uint64_t>(fen) : fen;
  const uint64_t hundredths = (magnitude + 5'000) / 10'000;
  return absl::StrFormat("%s%d.%02d", fen < 0 ? "-" : "", hundredths / 100, hundredths % 100);
}

std::string FormatYiNumber(int64_t fen) {
  // Tenths of 亿元 are 1,000,000,000 fen; round half away from zero.
  const uint64_t magnitude = fen < 0 ? 0 - static_cast<uint64_t>(fen) : fen;
  const uint64_t tenths = (magnitude + 500'000'000) / 1'000'000'000;
  return absl::StrFormat("%s%d.%d", fen < 0 ? "-" : "", tenths / 10, tenths % 10);
}

std::string FormatWan(int64_t fen) { return absl::StrCat(FormatWanNumber(fen), " 万元"); }

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  const absl::Time t = absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t, absl::LocalTimeZone());
}

std::string FormatChinaTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(time.seconds()),
                          codes::ChinaStandardTime());
}

std::string FormatChinaDate(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return codes::ChinaDate(absl::FromUnixSeconds(time.seconds()));
}

std::string EnumLabel(const google::protobuf::EnumDescriptor& type, int value) {
  const std::string english = EnumShortName(type, value);
  const auto* v = type.FindValueByNumber(value);
  if (v == nullptr) return english;
  auto it = ChineseNames().find(v->name());
  return it == ChineseNames().end() ? english : absl::StrCat(it->second, " ", english);
}

std::string RegionLabel(const v1::RegionRef& ref, const std::string& code) {
  if (!ref.name().empty())
    return absl::StrCat(ref.code().empty() ? code : ref.code(), " ", ref.name());
  return store::Reference().regions.Label(code);
}

std::string IndustryLabel(const std::string& code, const std::string& name) {
  if (!name.empty()) return absl::StrCat(code, " ", name);
  return store::Reference().industries.Label(code);
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += IsWide(cp) ? 2 : 1;
    i += len;
  }
  return width;
}

void Table::AddRow(std::vector<std::string> row) {
  for (std::string& cell : row) {
    std::replace_if(
        cell.begin(), cell.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  }
  rows_.push_back(std::move(row));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto widen = [&widths](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);
  PrintRow(out, header_, widths);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.emplace_back(w, '-');
  PrintRow(out, rule, widths);
  for (const auto& row : rows_) PrintRow(out, row, widths);
}

void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, DisplayWidth(key));
  for (const auto& [key, value] : fields) {
    out << key << ':' << std::string(width - DisplayWidth(key) + 1, ' ') << value << '\n';
  }
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a valid message cannot fail; an empty object is the safe fallback.
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "{}";
  return json;
}

}  // namespace techreno::cli
