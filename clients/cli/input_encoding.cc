// GB18030 → UTF-8 with iconv, a block at a time (a character cut by a block's
// end waits for the next block).
#include "clients/cli/input_encoding.h"

#include <iconv.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/csv.h"

namespace techreno::cli {

bool IsUtf8Prefix(absl::string_view sample) {
  // Drop a possibly cut last character: up to 3 trailing bytes after a lead.
  size_t end = sample.size();
  for (size_t back = 1; back <= 3 && back <= sample.size(); ++back) {
    const unsigned char c = static_cast<unsigned char>(sample[sample.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation: look further back
    const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (need > back) end = sample.size() - back;
    break;
  }
  return IsValidUtf8(sample.substr(0, end));
}

absl::StatusOr<TextEncoding> ChooseEncoding(absl::string_view named, std::istream& in) {
  if (named == "utf-8") return TextEncoding::kUtf8;
  if (named == "gb18030") return TextEncoding::kGb18030;
  if (!named.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--encoding=", named, ": expected utf-8 or gb18030"));
  }
  std::string sample(64 * 1024, '\0');
  in.read(sample.data(), static_cast<std::streamsize>(sample.size()));
  sample.resize(static_cast<size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  return IsUtf8Prefix(sample) ? TextEncoding::kUtf8 : TextEncoding::kGb18030;
}

absl::StatusOr<std::string> NewTempFile(absl::string_view prefix) {
  const char* dir = std::getenv("TMPDIR");
  std::string path =
      absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp", "/", prefix, "-XXXXXX");
  const int fd = mkstemp(path.data());
  if (fd < 0) return absl::UnavailableError("cannot create a temporary file for the input's copy");
  close(fd);
  return path;
}

absl::StatusOr<std::string> Utf8Copy(std::istream& in) {
  absl::StatusOr<std::string> created = NewTempFile("techreno-input");
  if (!created.ok()) return created.status();
  const std::string& path = *created;
  std::ofstream out(path, std::ios::binary);
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    std::remove(path.c_str());
    return absl::UnavailableError("this system's iconv has no GB18030");
  }
  std::vector<char> block(64 * 1024), converted(4 * block.size());
  size_t carried = 0;  // bytes of a cut character from the previous block
  int64_t offset = 0;  // of block[0] in the input
  absl::Status status;
  while (status.ok()) {
    in.read(block.data() + carried, static_cast<std::streamsize>(block.size() - carried));
    const size_t got = static_cast<size_t>(in.gcount());
    if (got == 0 && carried == 0) break;
    char* from = block.data();
    size_t left = carried + got;
    char* to = converted.data();
    size_t room = converted.size();
    if (iconv(cd, &from, &left, &to, &room) == static_cast<size_t>(-1) &&
        (errno == EILSEQ || (errno == EINVAL && got == 0))) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "byte ", offset + (from - block.data()),
          " is neither UTF-8 nor GB18030: save the file as CSV UTF-8 or name --encoding"));
    }
    out.write(converted.data(), static_cast<std::streamsize>(to - converted.data()));
    offset += static_cast<int64_t>(from - block.data());
    std::copy(from, from + left, block.data());  // a cut character, for the next block
    carried = left;
    if (got == 0) break;
  }
  iconv_close(cd);
  out.close();
  if (status.ok() && !out) status = absl::UnavailableError("cannot write the UTF-8 copy");
  if (!status.ok()) {
    std::remove(path.c_str());
    return status;
  }
  return path;
}

}  // namespace techreno::cli
