// Fuzzes project code parsing and the codes techreno assigns.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace techreno::codes;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);

  const absl::StatusOr<ProjectCode> parsed = ParseProjectCode(input);
  if (parsed.ok()) {
    FUZZ_CHECK(input.size() == 24);
    FUZZ_CHECK(parsed->year >= 2000 && parsed->year <= 2099);
    FUZZ_CHECK(parsed->serial >= 0 && parsed->serial <= 99999);
    // The parts put back together give the input.
    const std::string again =
        absl::StrFormat("%04d-%s-%s-%s-%05d%c", parsed->year, parsed->region, parsed->department,
                        parsed->type, parsed->serial, parsed->check);
    FUZZ_CHECK(again == input);
  } else {
    FUZZ_CHECK(techreno::fuzz::IsGoodRejection(parsed.status()));
  }

  if (IsAssignedProjectCode(input)) {
    FUZZ_CHECK(parsed.ok());
    FUZZ_CHECK(parsed->department == "00" && parsed->type == "03");
    FUZZ_CHECK(MakeProjectCode(parsed->year, parsed->region, parsed->serial) == input);
  }

  // Build a code from the input bytes: 2 bytes year, 6 region, 4 serial.
  if (size >= 12) {
    const int year = 1990 + (data[0] | data[1] << 8) % 120;
    const absl::string_view region = input.substr(2, 6);
    const int serial = static_cast<int>((static_cast<uint32_t>(data[8]) | data[9] << 8 |
                                         data[10] << 16 | static_cast<uint32_t>(data[11]) << 24) %
                                        110000u);
    const std::string made = MakeProjectCode(year, region, serial);
    const bool valid_args =
        year >= 2000 && year <= 2099 && serial <= 99999 && ValidateRegionCodeFormat(region).ok();
    FUZZ_CHECK(made.empty() != valid_args);
    if (valid_args) {
      FUZZ_CHECK(made.size() == 24);
      FUZZ_CHECK(IsAssignedProjectCode(made));
      const absl::StatusOr<ProjectCode> p = ParseProjectCode(made);
      FUZZ_CHECK(p.ok());
      FUZZ_CHECK(p->year == year && p->region == region && p->serial == serial);
      FUZZ_CHECK(p->check == 'X' || (p->check >= '0' && p->check <= '9'));
    }
  }
  return 0;
}
