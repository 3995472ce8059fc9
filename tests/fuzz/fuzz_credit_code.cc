// Fuzzes GB 32100-2015 credit code validation.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

constexpr absl::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace techreno::codes;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);

  const absl::Status s = ValidateCreditCode(input);
  if (s.ok()) {
    FUZZ_CHECK(input.size() == 18);
    for (size_t i = 0; i < 18; ++i) {
      FUZZ_CHECK(kCharset.find(input[i]) != absl::string_view::npos);
      if (i >= 2 && i <= 7) FUZZ_CHECK(input[i] >= '0' && input[i] <= '9');
    }
    FUZZ_CHECK(CreditCheckChar(input.substr(0, 17)) == input[17]);
  } else {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(s));
  }

  // Any 17 charset characters get a check character from the charset; with
  // digits in 3-8 the completed code validates.
  const char check = CreditCheckChar(input);
  if (check != '\0') {
    FUZZ_CHECK(input.size() == 17);
    FUZZ_CHECK(kCharset.find(check) != absl::string_view::npos);
    const std::string full = std::string(input) + check;
    bool region_digits = true;
    for (size_t i = 2; i <= 7; ++i) region_digits &= full[i] >= '0' && full[i] <= '9';
    FUZZ_CHECK(ValidateCreditCode(full).ok() == region_digits);
  } else if (input.size() == 17) {
    bool all_charset = true;
    for (char c : input) all_charset &= kCharset.find(c) != absl::string_view::npos;
    FUZZ_CHECK(!all_charset);
  }
  return 0;
}
