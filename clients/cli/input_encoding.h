// CSV inputs in GB18030, what Chinese Excel writes by default: detected (a
// file whose start is not UTF-8) or named (--encoding=gb18030), and read
// through a UTF-8 copy in a temporary file, removed when the input closes.
#ifndef TECHRENO_CLIENTS_CLI_INPUT_ENCODING_H_
#define TECHRENO_CLIENTS_CLI_INPUT_ENCODING_H_

#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace techreno::cli {

enum class TextEncoding { kUtf8, kGb18030 };

// "utf-8" / "gb18030" as named, else (empty) from the first 64 KiB of `in`,
// which is rewound: UTF-8 when they are valid UTF-8 (a character cut at the
// end of the sample allowed), else GB18030.
absl::StatusOr<TextEncoding> ChooseEncoding(absl::string_view named, std::istream& in);

// A UTF-8 copy of GB18030 `in`, streamed in blocks; the copy's path.
// Bytes GB18030 does not define are an error naming their byte offset.
absl::StatusOr<std::string> Utf8Copy(std::istream& in);

// A new empty file under $TMPDIR (else /tmp) named PREFIX-XXXXXX, for the
// copies inputs are read through (this one, and xlsx_reader.h's); its path.
absl::StatusOr<std::string> NewTempFile(absl::string_view prefix);

// Well-formed UTF-8, except that the last character may be cut short.
bool IsUtf8Prefix(absl::string_view sample);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_INPUT_ENCODING_H_
