// PostgreSQL array literals for statement parameters: a batch travels as one
// array per column and is unnested server-side (libpqxx 6.4 has no array
// parameters of its own).
//
//   Exec(tx, "name", "INSERT ... SELECT * FROM unnest($1::text[], $2::bigint[])",
//        store::TextArray(codes), store::NumberArray(amounts));
#ifndef TECHRENO_LIBS_STORE_ARRAYS_H_
#define TECHRENO_LIBS_STORE_ARRAYS_H_

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace techreno::store {

// Every element quoted, so any text (commas, braces, quotes, NULL) is safe.
inline std::string TextArray(const std::vector<std::string>& values) {
  size_t size = 2;
  for (const std::string& v : values) size += v.size() + 3;
  std::string out;
  out.reserve(size);
  out += '{';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

template <typename T>
std::string NumberArray(const std::vector<T>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

// The reverse for integer columns: "{1,3}" → out->Add(1), out->Add(3) (any
// container with Add, e.g. a repeated enum field); unparsable parts skipped.
template <typename Out>
void ParseIntArray(absl::string_view text, Out* out) {
  text = absl::StripPrefix(absl::StripSuffix(text, "}"), "{");
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int v = 0;
    if (absl::SimpleAtoi(part, &v)) out->Add(v);
  }
}

inline std::string BoolArray(const std::vector<bool>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += values[i] ? 't' : 'f';
  }
  return out + "}";
}

}  // namespace techreno::store

#endif  // TECHRENO_LIBS_STORE_ARRAYS_H_
