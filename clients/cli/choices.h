// Flag values that name a choice: lists ("a, b,c"), and enum values typed by
// name, number or a short word (`aliases`), shared by the commands that take
// them (aggregates, library).
#ifndef TECHRENO_CLIENTS_CLI_CHOICES_H_
#define TECHRENO_CLIENTS_CLI_CHOICES_H_

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/records.h"

namespace techreno::cli {

// "a, b,c" -> {"a", "b", "c"}.
inline std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(item));
  }
  return out;
}

// "group, industry, ...", sorted: hash maps have no order of their own.
template <typename Enum>
std::string AliasList(const absl::flat_hash_map<std::string, Enum>& aliases) {
  std::vector<std::string> names;
  for (const auto& [name, value] : aliases) names.push_back(name);
  std::sort(names.begin(), names.end());
  return absl::StrJoin(names, ", ");
}

// An enum flag value by name, or by one of the short words people type
// (`aliases`, lowercase); false after saying why.
template <typename Enum>
bool ParseChoice(const char* flag, const google::protobuf::EnumDescriptor& type,
                 const std::string& text, const absl::flat_hash_map<std::string, Enum>& aliases,
                 Enum* out) {
  auto alias = aliases.find(absl::AsciiStrToLower(text));
  if (alias != aliases.end()) {
    *out = alias->second;
    return true;
  }
  absl::StatusOr<int> value = ParseEnumName(type, text);
  if (!value.ok() || *value == 0) {
    std::cerr << "error: --" << flag << ": "
              << (value.ok() ? absl::StrCat("'", text, "' is not a choice")
                             : std::string(value.status().message()));
    if (!aliases.empty()) std::cerr << " (or " << AliasList(aliases) << ")";
    std::cerr << "\n";
    return false;
  }
  *out = static_cast<Enum>(*value);
  return true;
}

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_CHOICES_H_
