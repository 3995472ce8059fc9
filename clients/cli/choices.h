// Flag values that name a choice: lists ("a, b,c"), enum values typed by
// name, number or a short word (`aliases`), library tiers, and amounts in 万元,
// shared by the commands that take them (aggregates, progress, library, bank).
#ifndef TECHRENO_CLIENTS_CLI_CHOICES_H_
#define TECHRENO_CLIENTS_CLI_CHOICES_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/repeated_field.h>

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
#include "techreno/v1/library.pb.h"

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

// An enum flag value by name (or number) only.
template <typename Enum>
bool ParseEnum(const char* flag, const google::protobuf::EnumDescriptor& type,
               const std::string& text, Enum* out) {
  return ParseChoice(flag, type, text, absl::flat_hash_map<std::string, Enum>{}, out);
}

// The ',' separated choices of `text` as `Enum` values, in place of `out`'s
// ("-" empties it); false after saying why.
template <typename Enum>
bool ParseChoiceList(const char* flag, const google::protobuf::EnumDescriptor& type,
                     const std::string& text, const absl::flat_hash_map<std::string, Enum>& aliases,
                     google::protobuf::RepeatedField<int>* out) {
  out->Clear();
  if (text == "-") return true;
  for (const std::string& name : SplitList(text)) {
    Enum value;
    if (!ParseChoice(flag, type, name, aliases, &value)) return false;
    out->Add(value);
  }
  return true;
}

// The same with names only.
template <typename Enum>
bool ParseEnumList(const char* flag, const google::protobuf::EnumDescriptor& type,
                   const std::string& text, google::protobuf::RepeatedField<int>* out) {
  return ParseChoiceList(flag, type, text, absl::flat_hash_map<std::string, Enum>{}, out);
}

// A tier of the key-project library: county, city or province (县, 市, 省),
// or a LibraryTier name.
inline bool ParseLibraryTier(const char* flag, const std::string& text, v1::LibraryTier* out) {
  static const auto* aliases = new absl::flat_hash_map<std::string, v1::LibraryTier>{
      {"county", v1::LIBRARY_TIER_COUNTY},     {"city", v1::LIBRARY_TIER_CITY},
      {"province", v1::LIBRARY_TIER_PROVINCE}, {"县", v1::LIBRARY_TIER_COUNTY},
      {"市", v1::LIBRARY_TIER_CITY},           {"省", v1::LIBRARY_TIER_PROVINCE},
  };
  return ParseChoice(flag, *v1::LibraryTier_descriptor(), text, *aliases, out);
}

// Parses one optional 万元 flag (empty: not given) into `set`; false (after
// saying why) when it is not an amount.
template <typename Setter>
bool WanFlag(const char* flag, const std::string& text, Setter set) {
  if (text.empty()) return true;
  absl::StatusOr<int64_t> fen = ParseWanToFen(text);
  if (!fen.ok()) {
    std::cerr << "error: --" << flag << ": " << fen.status().message() << "\n";
    return false;
  }
  set(*fen);
  return true;
}

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_CHOICES_H_
