// Small text helpers shared by the code checks. Internal to libs/codes.
#ifndef TECHRENO_LIBS_CODES_TEXT_H_
#define TECHRENO_LIBS_CODES_TEXT_H_

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace techreno::codes::internal {

inline bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The text quoted for an error message: as is when it is printable ASCII,
// otherwise C-escaped so that the message stays valid UTF-8.
inline std::string Shown(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isprint(static_cast<unsigned char>(c))) {
      return absl::StrCat("'", absl::CHexEscape(s), "'");
    }
  }
  return absl::StrCat("'", s, "'");
}

}  // namespace techreno::codes::internal

#endif  // TECHRENO_LIBS_CODES_TEXT_H_
