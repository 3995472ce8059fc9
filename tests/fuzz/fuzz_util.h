// Helpers shared by the libs/codes fuzz targets.
#ifndef TECHRENO_TESTS_FUZZ_FUZZ_UTIL_H_
#define TECHRENO_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Aborts (so libFuzzer records a crash) when an invariant does not hold.
#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace techreno::fuzz {

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF):
// what protobuf requires of string fields that carry error messages.
inline bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  auto cont = [&](size_t k) { return at(k) >= 0x80 && at(k) <= 0xBF; };
  while (i < s.size()) {
    const unsigned b = at(i);
    if (b < 0x80) {
      i += 1;
    } else if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
      i += 2;
    } else if (b >= 0xE0 && b <= 0xEF && cont(i + 2) && at(i + 1) >= (b == 0xE0 ? 0xA0u : 0x80u) &&
               at(i + 1) <= (b == 0xED ? 0x9Fu : 0xBFu)) {
      i += 3;
    } else if (b >= 0xF0 && b <= 0xF4 && cont(i + 2) && cont(i + 3) &&
               at(i + 1) >= (b == 0xF0 ? 0x90u : 0x80u) &&
               at(i + 1) <= (b == 0xF4 ? 0x8Fu : 0xBFu)) {
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

// Every rejection is INVALID_ARGUMENT with a non-empty, valid UTF-8 message.
inline bool IsGoodRejection(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument && !s.message().empty() &&
         IsValidUtf8(s.message());
}

}  // namespace techreno::fuzz

#endif  // TECHRENO_TESTS_FUZZ_FUZZ_UTIL_H_
