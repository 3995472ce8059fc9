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

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

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
