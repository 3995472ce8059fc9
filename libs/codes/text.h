// Small text helpers shared by the code checks; Quote also serves every
// message that quotes a caller's value.
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

}  // namespace techreno::codes::internal

namespace techreno::codes {

// A caller's value quoted for an error message: as is when it is printable
// ASCII, otherwise C-escaped so that the message stays valid UTF-8; at most
// the first 32 bytes, with the full length, so that an error stays small
// whatever was sent.
inline std::string Quote(absl::string_view s) {
  constexpr size_t kShownBytes = 32;
  const absl::string_view head = s.substr(0, kShownBytes);
  bool printable = true;
  for (char c : head) printable = printable && absl::ascii_isprint(static_cast<unsigned char>(c));
  std::string out = absl::StrCat("'", printable ? std::string(head) : absl::CHexEscape(head));
  if (s.size() > head.size())
    absl::StrAppend(&out, "...' (", s.size(), " bytes)");
  else
    out += "'";
  return out;
}

}  // namespace techreno::codes

#endif  // TECHRENO_LIBS_CODES_TEXT_H_
