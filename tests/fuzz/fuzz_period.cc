// Fuzzes reporting period parsing (strict, and as written in input files),
// formatting and ordering.

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

// The lenient reading of input files: whatever it accepts is a month in
// range that reads back the same from its strict form, and it agrees with
// the strict parser wherever that one accepts.
void CheckAsWritten(absl::string_view text) {
  using namespace techreno::codes;
  const absl::StatusOr<Period> p = ParseMonthAsWritten(text);
  if (!p.ok()) {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(p.status()));
    FUZZ_CHECK(!ParsePeriod(text).ok());
    return;
  }
  FUZZ_CHECK(p->year >= 2000 && p->year <= 2099);
  FUZZ_CHECK(p->month >= 1 && p->month <= 12);
  const absl::StatusOr<Period> again = ParseMonthAsWritten(FormatPeriod(*p));
  FUZZ_CHECK(again.ok() && *again == *p);
  const absl::StatusOr<Period> strict = ParsePeriod(text);
  if (strict.ok()) FUZZ_CHECK(*strict == *p);
}

void CheckOne(absl::string_view text) {
  using namespace techreno::codes;
  CheckAsWritten(text);
  const absl::StatusOr<Period> p = ParsePeriod(text);
  if (!p.ok()) {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(p.status()));
    return;
  }
  FUZZ_CHECK(p->year >= 2000 && p->year <= 2099);
  FUZZ_CHECK(p->month >= 1 && p->month <= 12);
  FUZZ_CHECK(FormatPeriod(*p) == text);
  FUZZ_CHECK(p->Index() / 12 == p->year && p->Index() % 12 == p->month - 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace techreno::codes;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckOne(input);

  // Two periods side by side ("2025-012024-12"): ordering agrees with Index().
  if (size == 14) {
    CheckOne(input.substr(0, 7));
    CheckOne(input.substr(7));
    const absl::StatusOr<Period> a = ParsePeriod(input.substr(0, 7));
    const absl::StatusOr<Period> b = ParsePeriod(input.substr(7));
    if (a.ok() && b.ok()) {
      FUZZ_CHECK((*a < *b) == (a->Index() < b->Index()));
      FUZZ_CHECK((*a <= *b) == (a->Index() <= b->Index()));
      FUZZ_CHECK((*a == *b) == (a->Index() == b->Index()));
      FUZZ_CHECK((*a == *b) == (FormatPeriod(*a) == FormatPeriod(*b)));
    }
  }
  return 0;
}
