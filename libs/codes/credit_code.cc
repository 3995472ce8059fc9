// GB 32100-2015 unified social credit codes (统一社会信用代码).

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"

namespace techreno::codes {
namespace {

// The 31 characters in value order 0..30 (no I, O, S, V, Z).
constexpr absl::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr size_t kLength = 18;

// Value 0..30 of a charset character, -1 otherwise.
int CharValue(char c) {
  const size_t pos = kCharset.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

// Length of the well-formed UTF-8 sequence at the start of `s` (1 for ASCII),
// or 0 when the first byte does not start one.
size_t Utf8SequenceLength(absl::string_view s) {
  auto byte = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  auto cont = [&](size_t i) { return byte(i) >= 0x80 && byte(i) <= 0xBF; };
  const unsigned b0 = byte(0);
  if (b0 < 0x80) return s.empty() ? 0 : 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    return byte(1) >= lo && byte(1) <= hi && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return byte(1) >= lo && byte(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// Splits `s` into characters: well-formed UTF-8 sequences, or single bytes
// where the input is not UTF-8. Positions in messages count these.
std::vector<absl::string_view> Characters(absl::string_view s) {
  std::vector<absl::string_view> out;
  while (!s.empty()) {
    size_t n = Utf8SequenceLength(s);
    if (n == 0) n = 1;
    out.push_back(s.substr(0, n));
    s.remove_prefix(n);
  }
  return out;
}

// A character quoted for a message; bytes that are not text are C-escaped so
// that the message stays valid UTF-8.
std::string Quoted(absl::string_view ch) {
  const bool text = ch.size() > 1 ? Utf8SequenceLength(ch) == ch.size()
                                  : (static_cast<unsigned char>(ch[0]) >= 0x20 && ch[0] != 0x7F &&
                                     static_cast<unsigned char>(ch[0]) < 0x80);
  return absl::StrCat("'", text ? std::string(ch) : absl::CHexEscape(ch), "'");
}

// Why a character that is not in the charset is rejected.
std::string WhyNotAllowed(absl::string_view ch) {
  if (ch.size() > 1 || static_cast<unsigned char>(ch[0]) >= 0x80) {
    return "is not an ASCII digit or capital letter (type half-width characters, not full-width "
           "or Chinese ones)";
  }
  const char c = ch[0];
  if (c >= 'a' && c <= 'z') return "is lowercase (credit codes use capital letters)";
  if (c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z') {
    return "is not allowed (I, O, S, V, Z never appear)";
  }
  return "is not allowed (only digits and capital letters)";
}

}  // namespace

char CreditCheckChar(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = CharValue(first17[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  return kCharset[check];
}

absl::Status ValidateCreditCode(absl::string_view code) {
  if (code.empty()) {
    return absl::InvalidArgumentError("credit code is empty (it has 18 characters)");
  }
  const std::vector<absl::string_view> chars = Characters(code);
  if (chars.size() != kLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("credit code must be 18 characters, got ", chars.size()));
  }
  for (size_t i = 0; i < kLength; ++i) {
    const absl::string_view ch = chars[i];
    if (ch.size() != 1 || CharValue(ch[0]) < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("character ", i + 1, " ", Quoted(ch), " ", WhyNotAllowed(ch)));
    }
    if (i >= 2 && i <= 7 && !(ch[0] >= '0' && ch[0] <= '9')) {
      return absl::InvalidArgumentError(
          absl::StrCat("character ", i + 1, " ", Quoted(ch),
                       " must be a digit (characters 3-8 are the region code of registration)"));
    }
  }
  // All 18 characters are single charset bytes here.
  const char expected = CreditCheckChar(code.substr(0, 17));
  if (code[17] != expected) {
    return absl::InvalidArgumentError(absl::StrCat("check character is '", code.substr(17, 1),
                                                   "', expected '", std::string(1, expected),
                                                   "' (a character is probably mistyped)"));
  }
  return absl::OkStatus();
}

}  // namespace techreno::codes
