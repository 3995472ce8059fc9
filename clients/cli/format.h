// How values look to people: money in 万元, local ISO times, enum values in
// Chinese and English, code + Chinese name, and tables that stay aligned when
// cells hold Chinese text (two columns per character on a terminal).
#ifndef TECHRENO_CLIENTS_CLI_FORMAT_H_
#define TECHRENO_CLIENTS_CLI_FORMAT_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::cli {

// "1234.56 万元", rounded to 0.01 万元 with integer arithmetic.
std::string FormatWan(int64_t fen);
// "1234.56", the same without the unit (table cells under a "(万元)" header).
std::string FormatWanNumber(int64_t fen);
// "2417.6", 亿元 rounded to 0.1 亿元 with integer arithmetic: annual targets are
// written that way in plans and bulletins.
std::string FormatYiNumber(int64_t fen);

// ISO 8601 in the local time zone with its offset, "2025-03-01T16:05:09+08:00";
// "" for an unset timestamp.
std::string FormatTime(const google::protobuf::Timestamp& time);

// China time (UTC+8), the clock of the contract's dates and deadlines:
// "2025-03-01 16:05:09" and "2025-03-01"; "" for an unset timestamp.
std::string FormatChinaTime(const google::protobuf::Timestamp& time);
std::string FormatChinaDate(const google::protobuf::Timestamp& time);

// "在建 UNDER_CONSTRUCTION" for any enum of the contract that has Chinese
// names; the short English name alone otherwise.
std::string EnumLabel(const google::protobuf::EnumDescriptor& type, int value);

// "440103 荔湾区": the server's name, else the embedded reference table's.
std::string RegionLabel(const v1::RegionRef& ref, const std::string& code);
// "34 通用设备制造业": `name` when the server sent one, else the reference table's.
std::string IndustryLabel(const std::string& code, const std::string& name);

// Terminal columns that UTF-8 text occupies (East Asian wide characters take two).
size_t DisplayWidth(absl::string_view text);

// A table printed with columns padded to the widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  // Line breaks and tabs in cells become spaces: one row stays one line.
  void AddRow(std::vector<std::string> row);
  size_t size() const { return rows_.size(); }
  void Print(std::ostream& out) const;
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// "key: value" lines with the values aligned (keys may be Chinese).
void PrintFields(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& fields);

// One line of protobuf JSON with the proto field names (as the input files use).
std::string ToJsonLine(const google::protobuf::Message& message);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_FORMAT_H_
