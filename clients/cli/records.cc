#include "clients/cli/records.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/codes/codes.h"

namespace techreno::cli {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A unit people type amounts in: money, converted to fen, or a percentage,
// converted to basis points. `decimals` is where the last decimal is one fen
// (basis point): more decimals cannot be converted exactly.
struct MoneyUnit {
  absl::string_view name;
  uint64_t fen;  // fen (basis points) per unit
  size_t decimals;
  absl::string_view precision;  // why no more decimals, for messages
  absl::string_view example;
};
constexpr MoneyUnit kWan = {"万元", 1'000'000, 6,
                            "1 万元 = 1,000,000 fen: the 6th decimal is one fen", "1234.56"};
constexpr MoneyUnit kYi = {"亿元", 10'000'000'000, 10,
                           "1 亿元 = 10,000,000,000 fen: the 10th decimal is one fen", "1234.56"};
constexpr MoneyUnit kPercent = {"%", 100, 2, "4.35 % is 435 basis points: the 2nd decimal is one",
                                "4.35"};

// Fields the contract marks "Output only", per message type: the server sets
// them, so input may not (CSV) or is cleared of them (JSON). Per type because
// one name means different things: completed_investment_fen is computed on a
// Project but is the reported figure itself on a ProgressReport.
const absl::flat_hash_map<std::string, std::vector<std::string>>& OutputOnlyFields() {
  static const auto* fields = new absl::flat_hash_map<std::string, std::vector<std::string>>{
      {"techreno.v1.Project",
       {"version", "create_time", "update_time", "completed_investment_fen", "withdraw_reason",
        "county", "city", "industry_name"}},
      {"techreno.v1.Enterprise", {"version", "update_time", "county"}},
      {"techreno.v1.ProgressReport",
       {"ytd_completed_fen", "since_start_completed_fen", "version", "first_submit_time",
        "update_time", "late", "submitted_by", "project_name", "county", "city"}},
  };
  return *fields;
}

bool IsOutputOnly(const FieldDescriptor& field) {
  auto it = OutputOnlyFields().find(field.containing_type()->full_name());
  if (it == OutputOnlyFields().end()) return false;
  return std::find(it->second.begin(), it->second.end(), field.name()) != it->second.end();
}

// Singular message fields a person fills in (ProgressReport.split). CSV is
// flat, so their fields are columns of their own: building_works_wan fills
// split.building_works_fen.
std::vector<const FieldDescriptor*> InputSubMessages(const Descriptor& type) {
  std::vector<const FieldDescriptor*> out;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* f = type.field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated() &&
        !IsOutputOnly(*f)) {
      out.push_back(f);
    }
  }
  return out;
}

bool IsDigits(absl::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

// "RENOVATION_TYPE_" for RenovationType: proto3 enums start with <PREFIX>UNSPECIFIED.
std::string EnumPrefix(const EnumDescriptor& type) {
  const auto* zero = type.FindValueByNumber(0);
  if (zero == nullptr || !absl::EndsWith(zero->name(), "UNSPECIFIED")) return "";
  return zero->name().substr(0, zero->name().size() - std::string("UNSPECIFIED").size());
}

// A CSV column resolved to the field it fills.
struct Column {
  const FieldDescriptor* parent = nullptr;  // the sub-message holding `field`, if any
  const FieldDescriptor* field = nullptr;
  bool wan = false;  // the value is in 万元, the field in fen
};

// `name` in `type` itself, else in one of its input sub-messages (the first
// that has it: the contract's messages do not repeat names across them).
const FieldDescriptor* FindColumnField(const Descriptor& type, const std::string& name,
                                       const FieldDescriptor** parent) {
  *parent = nullptr;
  if (const FieldDescriptor* f = type.FindFieldByName(name)) return f;
  for (const FieldDescriptor* sub : InputSubMessages(type)) {
    if (const FieldDescriptor* f = sub->message_type()->FindFieldByName(name)) {
      *parent = sub;
      return f;
    }
  }
  return nullptr;
}

absl::StatusOr<Column> ResolveColumn(const Descriptor& type, absl::string_view name) {
  Column column;
  if (absl::EndsWith(name, "_wan")) {
    column.field = FindColumnField(type, absl::StrCat(name.substr(0, name.size() - 4), "_fen"),
                                   &column.parent);
    column.wan = true;
  } else {
    column.field = FindColumnField(type, std::string(name), &column.parent);
  }
  if (column.field == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a field of ", type.name()));
  }
  if (IsOutputOnly(*column.field)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", name, "' is set by the server (output only); remove the column"));
  }
  const auto cpp_type = column.field->cpp_type();
  if (cpp_type == FieldDescriptor::CPPTYPE_MESSAGE ||
      (column.field->is_repeated() && cpp_type != FieldDescriptor::CPPTYPE_ENUM)) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' cannot be given in CSV"));
  }
  return column;
}

// The columns a person may use for `type`, for the header error message.
std::string InputColumns(const Descriptor& type) {
  std::vector<std::string> names;
  auto add_fields_of = [&](const Descriptor& holder) {
    for (int i = 0; i < holder.field_count(); ++i) {
      const FieldDescriptor& f = *holder.field(i);
      if (!ResolveColumn(type, f.name()).ok()) continue;
      names.push_back(f.name());
      if (absl::EndsWith(f.name(), "_fen")) {
        names.push_back(absl::StrCat(f.name().substr(0, f.name().size() - 4), "_wan"));
      }
    }
  };
  add_fields_of(type);
  for (const FieldDescriptor* sub : InputSubMessages(type)) add_fields_of(*sub->message_type());
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<int64_t> ParseFen(absl::string_view text) {
  int64_t fen;
  if (!absl::SimpleAtoi(text, &fen)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a whole number of fen (for 万元 use the *_wan column)"));
  }
  return fen;
}

// A month column (period, start_period, ...) as a spreadsheet may hold it —
// "2026/4", "2026年4月", a date, or a date cell's day number — in the
// contract's "YYYY-MM"; anything else as is, for the server's rule to name.
std::string MonthCell(absl::string_view value) {
  absl::StatusOr<codes::Period> month = codes::ParseMonthAsWritten(value);
  return month.ok() ? codes::FormatPeriod(*month) : std::string(value);
}

// Sets one field from one non-empty cell; returns what is wrong, or "".
std::string SetField(Message* message, const Column& column, absl::string_view value) {
  const FieldDescriptor& field = *column.field;
  const Reflection& reflection = *message->GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (!IsValidUtf8(value)) {
        return "is not valid UTF-8 text; save the file as UTF-8 (in Excel: \"CSV UTF-8\")";
      }
      reflection.SetString(
          message, &field,
          absl::EndsWith(field.name(), "period") ? MonthCell(value) : std::string(value));
      return "";
    case FieldDescriptor::CPPTYPE_INT64: {
      absl::StatusOr<int64_t> v = column.wan ? ParseWanToFen(value) : ParseFen(value);
      if (!v.ok()) return std::string(v.status().message());
      reflection.SetInt64(message, &field, *v);
      return "";
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return absl::StrCat("'", value, "' is not a whole number");
      reflection.SetInt32(message, &field, v);
      return "";
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      absl::StatusOr<bool> v = ParseBool(value);
      if (!v.ok()) return std::string(v.status().message());
      reflection.SetBool(message, &field, *v);
      return "";
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumDescriptor& type = *field.enum_type();
      if (!field.is_repeated()) {
        absl::StatusOr<int> v = ParseEnumName(type, value);
        if (!v.ok()) return std::string(v.status().message());
        reflection.SetEnumValue(message, &field, *v);
        return "";
      }
      for (absl::string_view name : absl::StrSplit(value, ';', absl::SkipWhitespace())) {
        absl::StatusOr<int> v = ParseEnumName(type, name);
        if (!v.ok()) return std::string(v.status().message());
        reflection.AddEnumValue(message, &field, *v);
      }
      return "";
    }
    default:
      return "cannot be given in CSV";
  }
}

void ClearOutputOnly(Message* message) {
  const Descriptor& type = *message->GetDescriptor();
  auto it = OutputOnlyFields().find(type.full_name());
  if (it == OutputOnlyFields().end()) return;
  for (const std::string& name : it->second) {
    if (const FieldDescriptor* f = type.FindFieldByName(name)) {
      message->GetReflection()->ClearField(message, f);
    }
  }
}

// An amount in `unit` ("1234.56", "-3") to fen, with integer arithmetic only.
absl::StatusOr<int64_t> ParseAmountToFen(absl::string_view text, const MoneyUnit& unit) {
  const absl::string_view original = text;
  auto bad = [&original](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("'", original, "' ", why));
  };
  text = absl::StripAsciiWhitespace(text);
  // A negative amount is passed on: rejecting it is the server's rule, and its
  // message is the one the operator should see next to the record's others.
  const bool negative = absl::ConsumePrefix(&text, "-");
  if (!negative) absl::ConsumePrefix(&text, "+");
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view fraction =
      dot == absl::string_view::npos ? absl::string_view() : text.substr(dot + 1);
  if (!IsDigits(whole) || (dot != absl::string_view::npos && !IsDigits(fraction))) {
    return bad(absl::StrCat("is not an amount in ", unit.name,
                            " (digits with an optional '.' and decimals, e.g. ", unit.example,
                            ")"));
  }
  if (fraction.size() > unit.decimals) {
    return bad(absl::StrCat("has more than ", unit.decimals, " decimals (", unit.precision, ")"));
  }
  uint64_t whole_units;
  if (whole.size() > 19 || !absl::SimpleAtoi(whole, &whole_units)) return bad("is too large");
  uint64_t fraction_fen = 0;
  if (!fraction.empty()) {
    (void)absl::SimpleAtoi(fraction, &fraction_fen);  // at most 10 digits, checked above
    for (size_t i = fraction.size(); i < unit.decimals; ++i) fraction_fen *= 10;
  }
  const uint64_t max = std::numeric_limits<int64_t>::max();
  if (whole_units > (max - fraction_fen) / unit.fen) return bad("is too large");
  const int64_t fen = static_cast<int64_t>(whole_units * unit.fen + fraction_fen);
  return negative ? -fen : fen;
}

}  // namespace

std::string RowError::ToString() const {
  if (column.empty()) return absl::StrCat("line ", line, ": ", message);
  return absl::StrCat("line ", line, ", column ", column, ": ", message);
}

absl::StatusOr<int64_t> ParseWanToFen(absl::string_view text) {
  return ParseAmountToFen(text, kWan);
}

absl::StatusOr<int64_t> ParseYiToFen(absl::string_view text) { return ParseAmountToFen(text, kYi); }

absl::StatusOr<int64_t> ParsePercentToBasisPoints(absl::string_view text) {
  return ParseAmountToFen(text, kPercent);
}

absl::StatusOr<bool> ParseBool(absl::string_view text) {
  const std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (v == "true" || v == "1" || v == "是") return true;
  if (v == "false" || v == "0" || v == "否") return false;
  return absl::InvalidArgumentError(
      absl::StrCat("'", text, "' is not a boolean (true/false, 1/0, 是/否)"));
}

absl::StatusOr<int> ParseEnumName(const EnumDescriptor& type, absl::string_view text) {
  const std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  int number;
  if (absl::SimpleAtoi(name, &number) && type.FindValueByNumber(number) != nullptr) return number;
  if (const auto* v = type.FindValueByName(name)) return v->number();
  if (const auto* v = type.FindValueByName(EnumPrefix(type) + name)) return v->number();
  std::vector<std::string> expected;
  for (int i = 0; i < type.value_count(); ++i) {
    if (type.value(i)->number() != 0)
      expected.push_back(EnumShortName(type, type.value(i)->number()));
  }
  return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a ", type.name(),
                                                 "; expected ", absl::StrJoin(expected, ", ")));
}

std::string EnumShortName(const EnumDescriptor& type, int value) {
  const auto* v = type.FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  absl::string_view name = v->name();
  absl::ConsumePrefix(&name, EnumPrefix(type));
  return std::string(name);
}

absl::Status CheckCsvHeader(const CsvHeader& header, const Descriptor& type) {
  std::vector<std::string> problems;
  for (const std::string& name : header.names()) {
    // Spreadsheets add unnamed trailing columns; '_' columns are notes.
    if (name.empty() || name[0] == '_') continue;
    if (absl::StatusOr<Column> c = ResolveColumn(type, name); !c.ok()) {
      problems.emplace_back(c.status().message());
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("bad CSV header: ", absl::StrJoin(problems, "; "),
                                                 ". Columns for ", type.name(), ": ",
                                                 InputColumns(type)));
}

std::vector<RowError> MessageFromCsv(const CsvHeader& header, const CsvRecord& record,
                                     Message* message) {
  message->Clear();
  std::vector<RowError> errors;
  auto error = [&](std::string column, std::string text) {
    errors.push_back({record.line, std::move(column), std::move(text)});
  };
  if (record.fields.size() != header.names().size()) {
    error("",
          absl::StrCat("the record has ", record.fields.size(), " fields but the header has ",
                       header.names().size(),
                       " (a value with a comma, quote or line break must be in double quotes)"));
    return errors;
  }
  const Descriptor& type = *message->GetDescriptor();
  absl::flat_hash_map<const FieldDescriptor*, std::string> set_by;  // field -> column
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const std::string& name = header.names()[i];
    // Spreadsheet cells often carry invisible padding; a code with a trailing
    // space would fail on the server for a reason nobody can see.
    const absl::string_view value = absl::StripAsciiWhitespace(record.fields[i]);
    if (name.empty() || name[0] == '_' || value.empty()) continue;
    absl::StatusOr<Column> column = ResolveColumn(type, name);
    if (!column.ok()) {
      error(name, std::string(column.status().message()));
      continue;
    }
    auto [it, inserted] = set_by.emplace(column->field, name);
    if (!inserted) {
      error(name, absl::StrCat("both ", it->second, " and ", name, " are filled in; use one"));
      continue;
    }
    Message* target = column->parent == nullptr
                          ? message
                          : message->GetReflection()->MutableMessage(message, column->parent);
    if (std::string problem = SetField(target, *column, value); !problem.empty()) {
      error(name, std::move(problem));
    }
  }
  return errors;
}

std::vector<RowError> MessageFromJson(absl::string_view json, int64_t line, Message* message) {
  message->Clear();
  if (!IsValidUtf8(json)) {
    return {{line, "", "is not valid UTF-8 text; save the file as UTF-8"}};
  }
  // Unknown fields are errors: a misspelt field name would otherwise vanish.
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status =
      google::protobuf::util::JsonStringToMessage(std::string(json), message, options);
  if (!status.ok()) {
    const auto text = status.message();
    return {{line, "",
             absl::StrCat("not a ", message->GetDescriptor()->name(),
                          " in protobuf JSON: ", absl::string_view(text.data(), text.size()))}};
  }
  ClearOutputOnly(message);
  return {};
}

}  // namespace techreno::cli
