// GB/T 40058-2021 shaped project codes "YYYY-RRRRRR-DD-TT-NNNNNC", and the
// codes techreno assigns itself (department 00, type 03, ISO 7064 MOD 11-2 check).

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"
#include "libs/codes/text.h"

namespace techreno::codes {
namespace {

using internal::AllDigits;

constexpr size_t kLength = 24;
constexpr absl::string_view kShape = "YYYY-RRRRRR-DD-TT-NNNNNC";
constexpr absl::string_view kAssignedDepartment = "00";  // not filed on the national platform
constexpr absl::string_view kAssignedType = "03";        // tech-renovation

int ToInt(absl::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// Text quoted for a message: as is when printable ASCII, else C-escaped so
// that the message stays valid UTF-8.
absl::Status PartError(absl::string_view part, absl::string_view text, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("project code ", part, " ", Quote(text), " ", what));
}

}  // namespace

absl::StatusOr<ProjectCode> ParseProjectCode(absl::string_view code) {
  for (char c : code) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return absl::InvalidArgumentError(absl::StrCat(
          "project code must be written in ASCII (", kShape,
          ", half-width digits, capital letters and '-'); it contains a full-width or Chinese "
          "character"));
    }
  }
  if (code.size() != kLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("project code must be 24 characters (", kShape, "), got ", code.size()));
  }
  // 1-based positions of the four separators: after YYYY, RRRRRR, DD and TT.
  for (size_t pos : {5, 12, 15, 18}) {
    if (code[pos - 1] != '-') {
      return absl::InvalidArgumentError(absl::StrCat("project code character ", pos, " ",
                                                     Quote(code.substr(pos - 1, 1)),
                                                     " must be '-' (", kShape, ")"));
    }
  }
  const absl::string_view year = code.substr(0, 4);
  const absl::string_view region = code.substr(5, 6);
  const absl::string_view department = code.substr(12, 2);
  const absl::string_view type = code.substr(15, 2);
  const absl::string_view serial = code.substr(18, 5);
  const char check = code[23];

  if (!AllDigits(year)) return PartError("year", year, "must be four digits");
  const int year_value = ToInt(year);
  if (year_value < 2000 || year_value > 2099) {
    return PartError("year", year, "must be 2000-2099");
  }
  if (!AllDigits(region)) {
    return PartError("region", region, "must be a six-digit GB/T 2260 code");
  }
  if (!AllDigits(department)) {
    return PartError("department", department, "must be two digits");
  }
  if (!AllDigits(type)) return PartError("type", type, "must be two digits");
  if (!AllDigits(serial)) return PartError("serial", serial, "must be five digits");
  if (!absl::ascii_isdigit(static_cast<unsigned char>(check)) && !(check >= 'A' && check <= 'Z')) {
    return PartError("check", code.substr(23, 1), "must be a digit or a capital letter");
  }
  ProjectCode out;
  out.year = year_value;
  out.region = std::string(region);
  out.department = std::string(department);
  out.type = std::string(type);
  out.serial = ToInt(serial);
  out.check = check;
  return out;
}

char AssignedCheckChar(absl::string_view digits19) {
  if (digits19.size() != 19 || !AllDigits(digits19)) return '\0';
  // ISO 7064 MOD 11-2, as for resident identity numbers: the digit at 1-based
  // position i of the n = 20 character code (check last) weighs 2^(n-i) mod 11.
  int sum = 0;
  int weight = 2;  // the weight of the last data digit, 2^1
  for (size_t i = digits19.size(); i-- > 0;) {
    sum += (digits19[i] - '0') * weight;
    weight = weight * 2 % 11;
  }
  const int check = (12 - sum % 11) % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

std::string MakeProjectCode(int year, absl::string_view region, int serial) {
  return MakeProjectCode(year, region, kAssignedDepartment, kAssignedType, serial);
}

std::string MakeProjectCode(int year, absl::string_view region, absl::string_view department,
                            absl::string_view type, int serial) {
  if (year < 2000 || year > 2099 || region.size() != 6 || !AllDigits(region) ||
      department.size() != 2 || !AllDigits(department) || type.size() != 2 || !AllDigits(type) ||
      serial < 0 || serial > 99999) {
    return "";
  }
  const std::string digits =
      absl::StrFormat("%04d%s%s%s%05d", year, region, department, type, serial);
  return absl::StrFormat("%04d-%s-%s-%s-%05d%c", year, region, department, type, serial,
                         AssignedCheckChar(digits));
}

bool IsAssignedProjectCode(absl::string_view code) {
  absl::StatusOr<ProjectCode> parsed = ParseProjectCode(code);
  if (!parsed.ok() || parsed->department != kAssignedDepartment || parsed->type != kAssignedType) {
    return false;
  }
  const std::string digits = absl::StrCat(code.substr(0, 4), code.substr(5, 6), code.substr(12, 2),
                                          code.substr(15, 2), code.substr(18, 5));
  return AssignedCheckChar(digits) == parsed->check;
}

}  // namespace techreno::codes
