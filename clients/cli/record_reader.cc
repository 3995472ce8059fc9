#include "clients/cli/record_reader.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/cli/xlsx_reader.h"

namespace techreno::cli {

absl::StatusOr<InputFormat> ChooseInputFormat(absl::string_view format_in, absl::string_view path) {
  const std::string flag = absl::AsciiStrToLower(format_in);
  if (flag == "csv") return InputFormat::kCsv;
  if (flag == "jsonl" || flag == "json") return InputFormat::kJsonLines;
  if (!flag.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--format_in=", format_in, ": expected csv or jsonl"));
  }
  const std::string name = absl::AsciiStrToLower(path);
  if (absl::EndsWith(name, ".csv")) return InputFormat::kCsv;
  if (absl::EndsWith(name, ".jsonl") || absl::EndsWith(name, ".json")) {
    return InputFormat::kJsonLines;
  }
  return absl::InvalidArgumentError(absl::StrCat("cannot tell the format of '", path,
                                                 "' from its name: use --format_in=csv or jsonl"));
}

absl::StatusOr<std::unique_ptr<RecordReader>> RecordReader::Create(
    std::istream* in, InputFormat format, const google::protobuf::Descriptor& type) {
  std::unique_ptr<RecordReader> reader(new RecordReader(in, format));
  if (format == InputFormat::kJsonLines) return reader;
  CsvRecord first;
  absl::StatusOr<bool> got = reader->csv_->Next(&first);
  if (!got.ok()) return got.status();
  if (!*got) return absl::InvalidArgumentError("the CSV file is empty: it needs a header row");
  absl::StatusOr<CsvHeader> header = CsvHeader::FromRecord(first);
  if (!header.ok()) return header.status();
  if (absl::Status s = CheckCsvHeader(*header, type); !s.ok()) return s;
  reader->header_ = *std::move(header);
  return reader;
}

bool RecordReader::Next(google::protobuf::Message* message, int64_t* line,
                        std::vector<RowError>* errors) {
  errors->clear();
  return format_ == InputFormat::kCsv ? NextCsv(message, line, errors)
                                      : NextJson(message, line, errors);
}

bool RecordReader::NextCsv(google::protobuf::Message* message, int64_t* line,
                           std::vector<RowError>* errors) {
  CsvRecord record;
  for (;;) {
    absl::StatusOr<bool> got = csv_->Next(&record);
    if (!got.ok()) {  // the reader is now at the end: this is the last "record"
      *line = record.line;
      errors->push_back({record.line, "", std::string(got.status().message())});
      return true;
    }
    if (!*got) return false;
    // Rows of empty cells (",,,,") are what spreadsheets leave below the data.
    bool blank = true;
    for (const std::string& f : record.fields) {
      blank = blank && absl::StripAsciiWhitespace(f).empty();
    }
    if (!blank) break;
  }
  *line = record.line;
  *errors = MessageFromCsv(*header_, record, message);
  return true;
}

bool RecordReader::NextJson(google::protobuf::Message* message, int64_t* line,
                            std::vector<RowError>* errors) {
  std::string text;
  for (;;) {
    if (!std::getline(*in_, text)) return false;
    ++json_line_;
    absl::string_view view = text;
    if (json_line_ == 1) absl::ConsumePrefix(&view, "\xEF\xBB\xBF");
    view = absl::StripAsciiWhitespace(view);  // also the '\r' of CRLF files
    if (view.empty()) continue;
    *line = json_line_;
    *errors = MessageFromJson(view, json_line_, message);
    return true;
  }
}

int64_t RecordReader::BytesRead() const {
  const std::streamoff at = in_->rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
  return at < 0 ? 0 : static_cast<int64_t>(at);
}

Input& Input::operator=(Input&& other) noexcept {
  file = std::move(other.file);
  reader = std::move(other.reader);
  format = other.format;
  encoding = other.encoding;
  records_path = std::move(other.records_path);
  utf8_copy = std::exchange(other.utf8_copy, std::string());
  total_bytes = other.total_bytes;
  return *this;
}

Input::~Input() {
  reader.reset();
  file.reset();
  if (!utf8_copy.empty()) std::remove(utf8_copy.c_str());
}

absl::StatusOr<Input> OpenInput(const std::string& path, absl::string_view format_in,
                                const google::protobuf::Descriptor& type,
                                absl::string_view encoding) {
  Input input;
  input.records_path = path;
  if (format_in == "xlsx" || (format_in.empty() && absl::EndsWithIgnoreCase(path, ".xlsx"))) {
    // The first sheet, as a UTF-8 CSV whose lines are the sheet's rows.
    absl::StatusOr<std::string> csv = XlsxToCsvFile(path);
    if (!csv.ok()) return csv.status();
    input.utf8_copy = input.records_path = *csv;
    auto file = std::make_unique<std::ifstream>(*csv, std::ios::binary);
    absl::StatusOr<std::unique_ptr<RecordReader>> reader =
        RecordReader::Create(file.get(), InputFormat::kCsv, type);
    if (!reader.ok()) {
      return absl::Status(reader.status().code(),
                          absl::StrCat(path, ": ", reader.status().message()));
    }
    input.file = std::move(file);
    input.reader = *std::move(reader);
    return input;
  }
  absl::StatusOr<InputFormat> format = ChooseInputFormat(format_in, path);
  if (!format.ok()) return format.status();
  input.format = *format;
  std::istream* in = &std::cin;
  if (path != "-") {
    auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!file->is_open()) {
      return absl::NotFoundError(absl::StrCat("cannot open '", path, "'"));
    }
    in = file.get();
    input.file = std::move(file);
  }
  if (*format == InputFormat::kCsv) {
    // Standard input cannot be rewound: detection needs a file.
    absl::StatusOr<TextEncoding> chosen =
        path == "-" && encoding.empty() ? TextEncoding::kUtf8 : ChooseEncoding(encoding, *in);
    if (!chosen.ok()) return chosen.status();
    input.encoding = *chosen;
    if (input.encoding == TextEncoding::kGb18030) {
      absl::StatusOr<std::string> copy = Utf8Copy(*in);
      if (!copy.ok()) {
        return absl::Status(copy.status().code(),
                            absl::StrCat(path, ": ", copy.status().message()));
      }
      input.utf8_copy = input.records_path = *copy;
      input.file = std::make_unique<std::ifstream>(*copy, std::ios::binary);
      in = input.file.get();
    }
  }
  if (path != "-") {
    std::error_code error;
    const auto size = std::filesystem::file_size(input.records_path, error);
    input.total_bytes = error ? 0 : static_cast<int64_t>(size);
  }
  absl::StatusOr<std::unique_ptr<RecordReader>> reader = RecordReader::Create(in, *format, type);
  if (!reader.ok()) {
    return absl::Status(reader.status().code(),
                        absl::StrCat(path, ": ", reader.status().message()));
  }
  input.reader = *std::move(reader);
  return input;
}

}  // namespace techreno::cli
