// Reads the records of an input file (CSV or JSON lines) one at a time as
// messages of one type, so that a push streams a file of any size. A record
// that cannot be parsed comes back with its problems instead of a message; the
// caller reports it and goes on, because the server never sees it.
#ifndef TECHRENO_CLIENTS_CLI_RECORD_READER_H_
#define TECHRENO_CLIENTS_CLI_RECORD_READER_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli/csv.h"
#include "clients/cli/input_encoding.h"
#include "clients/cli/records.h"

namespace techreno::cli {

enum class InputFormat { kCsv, kJsonLines };

// --format_in ("csv", "jsonl", or "" to go by the extension: .csv; .jsonl and
// .json, both read as one JSON object per line).
absl::StatusOr<InputFormat> ChooseInputFormat(absl::string_view format_in, absl::string_view path);

class RecordReader {
 public:
  // `in` must outlive the reader. For CSV the header is read and checked here,
  // so a bad header fails before anything is sent.
  static absl::StatusOr<std::unique_ptr<RecordReader>> Create(
      std::istream* in, InputFormat format, const google::protobuf::Descriptor& type);

  // Reads the next record into `message`. Returns false at the end of input.
  // Otherwise *line is the record's line and *errors is empty (the message is
  // good) or lists what is wrong with it (skip it).
  bool Next(google::protobuf::Message* message, int64_t* line, std::vector<RowError>* errors);

  // Bytes of the input read so far (for progress); 0 when the input cannot tell.
  int64_t BytesRead() const;

 private:
  RecordReader(std::istream* in, InputFormat format) : in_(in), format_(format) {
    if (format == InputFormat::kCsv) csv_.emplace(in);  // it reads ahead for the BOM
  }
  bool NextCsv(google::protobuf::Message* message, int64_t* line, std::vector<RowError>* errors);
  bool NextJson(google::protobuf::Message* message, int64_t* line, std::vector<RowError>* errors);

  std::istream* in_;
  InputFormat format_;
  std::optional<CsvReader> csv_;  // CSV only
  std::optional<CsvHeader> header_;
  int64_t json_line_ = 0;
};

// An open input file and its reader (the reader reads from the file).
struct Input {
  Input() = default;
  Input(Input&& other) noexcept { *this = std::move(other); }
  Input& operator=(Input&& other) noexcept;  // the copy's path moves, to be removed once
  ~Input();                                  // removes the UTF-8 copy of a GB18030 file

  std::unique_ptr<std::istream> file;  // null for standard input
  std::unique_ptr<RecordReader> reader;
  InputFormat format = InputFormat::kCsv;
  TextEncoding encoding = TextEncoding::kUtf8;  // of the file as given
  std::string records_path;  // what the records are read from: the file, or its UTF-8 copy
  std::string utf8_copy;     // the copy's path, when there is one
  int64_t total_bytes = 0;   // of records_path; 0 for standard input
};

// Opens `path` ("-" is standard input) as records of `type`. A CSV file in
// GB18030 — `encoding` "gb18030", or "" and not UTF-8 — is read through a
// UTF-8 copy (input_encoding.h). The errors (no such file, unknown format,
// bad bytes, bad CSV header) are the user's to fix.
absl::StatusOr<Input> OpenInput(const std::string& path, absl::string_view format_in,
                                const google::protobuf::Descriptor& type,
                                absl::string_view encoding = "");

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_RECORD_READER_H_
