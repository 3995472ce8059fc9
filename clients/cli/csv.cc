#include "clients/cli/csv.h"

#include <algorithm>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace techreno::cli {
namespace {
constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr int kEof = std::char_traits<char>::eof();
}  // namespace

CsvReader::CsvReader(std::istream* in) : buf_(in->rdbuf()) {
  // Excel's "CSV UTF-8" starts with a BOM; it is not part of the first name.
  // Read up to three bytes; whatever is not the BOM is replayed by Get().
  while (pending_.size() < kUtf8Bom.size() &&
         buf_->sgetc() == static_cast<unsigned char>(kUtf8Bom[pending_.size()])) {
    pending_.push_back(static_cast<char>(buf_->sbumpc()));
  }
  if (pending_ == kUtf8Bom) pending_.clear();
}

int CsvReader::Get() {
  if (!pending_.empty()) {
    int c = static_cast<unsigned char>(pending_.front());
    pending_.erase(0, 1);
    return c;
  }
  return buf_->sbumpc();
}

int CsvReader::Peek() {
  if (!pending_.empty()) return static_cast<unsigned char>(pending_.front());
  return buf_->sgetc();
}

absl::StatusOr<bool> CsvReader::Next(CsvRecord* record) {
  record->fields.clear();
  if (failed_) return false;
  std::string field;
  bool in_quotes = false;
  bool started = false;  // any character of this record consumed
  int64_t quote_line = 0;
  auto end_line = [&](int c) {
    if (c == '\r' && Peek() == '\n') Get();
    ++line_;
  };
  record->line = line_;
  for (;;) {
    int c = Get();
    if (c == kEof) {
      if (in_quotes) {
        failed_ = true;
        return absl::InvalidArgumentError(
            absl::StrCat("the quoted field opened on line ", quote_line,
                         " is never closed (a stray '\"'?); the rest of the file cannot be read"));
      }
      if (!started) return false;
      record->fields.push_back(std::move(field));
      return true;
    }
    if (in_quotes) {
      if (c == '"') {
        if (Peek() == '"') {
          Get();
          field.push_back('"');
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == '\r' || c == '\n') {
      end_line(c);
      if (!started) {  // a blank line: not a record
        record->line = line_;
        continue;
      }
      record->fields.push_back(std::move(field));
      return true;
    }
    started = true;
    if (c == ',') {
      record->fields.push_back(std::move(field));
      field.clear();
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
      quote_line = line_;
    } else {
      // Lenient about a quote inside an unquoted field or text after a closing
      // quote: keep the characters rather than reject what a person can read.
      field.push_back(static_cast<char>(c));
    }
  }
}

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  std::istringstream in{std::string(text)};
  CsvReader reader(&in);
  std::vector<CsvRecord> records;
  CsvRecord record;
  for (;;) {
    absl::StatusOr<bool> more = reader.Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) return records;
    records.push_back(std::move(record));
  }
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    const std::string& cell = cells[i];
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      out += cell;
      continue;
    }
    out += '"';
    out += absl::StrReplaceAll(cell, {{"\"", "\"\""}});
    out += '"';
  }
  return out;
}

std::string CsvHeader::ColumnName(absl::string_view cell) {
  absl::string_view name = absl::StripAsciiWhitespace(cell);
  if (absl::StartsWith(name, "_")) return std::string(name);
  const bool ascii = std::all_of(name.begin(), name.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(name);
  // "项目名称 name", "计划投资（万元）planned_investment_wan": the last run of
  // identifier characters is the field's name.
  auto is_id = [](char c) { return absl::ascii_isalnum(c) || c == '_'; };
  size_t end = name.size();
  while (end > 0 && !is_id(name[end - 1])) --end;
  size_t begin = end;
  while (begin > 0 && is_id(name[begin - 1])) --begin;
  if (end - begin < 2) return std::string(name);
  return std::string(name.substr(begin, end - begin));
}

absl::StatusOr<CsvHeader> CsvHeader::FromRecord(const CsvRecord& record) {
  CsvHeader header;
  for (const std::string& raw : record.fields) {
    std::string name = ColumnName(raw);
    if (!name.empty()) {
      auto [it, inserted] = header.index_.emplace(name, static_cast<int>(header.names_.size()));
      if (!inserted) {
        // Shown as typed when it is text; as escapes when it is not (a
        // binary file): a message must stay valid UTF-8.
        const std::string shown = IsValidUtf8(name) ? name : absl::CHexEscape(name);
        return absl::InvalidArgumentError(absl::StrCat("line ", record.line, ": column '", shown,
                                                       "' appears twice in the header"));
      }
    }
    header.names_.push_back(std::move(name));
  }
  return header;
}

int CsvHeader::Find(absl::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace techreno::cli
