// Reading .xlsx: the zip's parts with libzip, their XML with libxml2's
// streaming reader (no network, no external entities), rows into CSV.
#include "clients/cli/xlsx_reader.h"

#include <libxml/xmlreader.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/csv.h"
#include "clients/cli/input_encoding.h"

namespace techreno::cli {
namespace {

constexpr size_t kMaxRows = 1'048'576;  // Excel's
constexpr size_t kMaxColumns = 16'384;  // Excel's (XFD)
constexpr zip_uint64_t kMaxPartBytes = 512
                                       << 20;  // a part larger than this is not a county's sheet

// libxml2's streaming reader over one XML text.
class Xml {
 public:
  explicit Xml(absl::string_view text)
      : reader_(xmlReaderForMemory(text.data(), static_cast<int>(text.size()), nullptr, "UTF-8",
                                   XML_PARSE_NONET)) {
    // libxml2 would print its errors on stderr: keep the first one's line instead.
    if (reader_ != nullptr) xmlTextReaderSetErrorHandler(reader_, NoteError, this);
  }
  ~Xml() {
    if (reader_ != nullptr) xmlFreeTextReader(reader_);
  }
  Xml(const Xml&) = delete;
  Xml& operator=(const Xml&) = delete;

  // 1: at a node; 0: the end; -1: malformed.
  int Next() { return reader_ == nullptr ? -1 : xmlTextReaderRead(reader_); }
  // The line of the XML text where it first went wrong (0: not known).
  int ErrorLine() const { return error_line_; }
  bool Start(const char* name) const { return Type() == XML_READER_TYPE_ELEMENT && Is(name); }
  bool End(const char* name) const {
    return (Type() == XML_READER_TYPE_END_ELEMENT ||
            (Type() == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(reader_) == 1)) &&
           Is(name);
  }
  bool Text() const {
    const int t = Type();
    return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
           t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
  }
  std::string Value() const {
    const xmlChar* v = xmlTextReaderConstValue(reader_);
    return v == nullptr ? "" : reinterpret_cast<const char*>(v);
  }
  std::string Attribute(const char* name) const {
    xmlChar* v = xmlTextReaderGetAttribute(reader_, reinterpret_cast<const xmlChar*>(name));
    if (v == nullptr) return "";
    std::string out = reinterpret_cast<const char*>(v);
    xmlFree(v);
    return out;
  }

 private:
  int Type() const { return xmlTextReaderNodeType(reader_); }
  bool Is(const char* name) const {
    const xmlChar* n = xmlTextReaderConstLocalName(reader_);
    return n != nullptr && absl::string_view(reinterpret_cast<const char*>(n)) == name;
  }

  static void NoteError(void* self, const char*, xmlParserSeverities severity,
                        xmlTextReaderLocatorPtr locator) {
    Xml& xml = *static_cast<Xml*>(self);
    if (severity >= XML_PARSER_SEVERITY_ERROR && xml.error_line_ == 0 && locator != nullptr) {
      xml.error_line_ = std::max(0, xmlTextReaderLocatorLineNumber(locator));
    }
  }

  xmlTextReaderPtr reader_;
  int error_line_ = 0;
};

// Where in the workbook: the part, and the line of its XML when known (a
// sheet's XML is often one long line: then the line says little, but the
// part still tells which file of the workbook to look at).
absl::Status Malformed(const char* part, const Xml& xml) {
  return absl::InvalidArgumentError(absl::StrCat(
      "the workbook's ", part, " is not valid XML",
      xml.ErrorLine() > 0 ? absl::StrCat(" (line ", xml.ErrorLine(), " of its XML)") : ""));
}

// "B3" -> column 1 (0-based); -1 when it is not a cell reference.
int ColumnOf(absl::string_view ref) {
  int column = 0;
  size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
    column = column * 26 + (ref[i] - 'A' + 1);
    if (column > static_cast<int>(kMaxColumns)) return -1;
  }
  return i == 0 ? -1 : column - 1;
}

// One part of the zip, whole.
absl::StatusOr<std::string> ReadPart(zip_t* zip, const std::string& name) {
  zip_stat_t stat;
  if (zip_stat(zip, name.c_str(), 0, &stat) != 0) {
    return absl::NotFoundError(absl::StrCat("the workbook has no ", name));
  }
  if (stat.size > kMaxPartBytes) {
    return absl::InvalidArgumentError(absl::StrCat(name, " is larger than 512 MiB"));
  }
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> file(zip_fopen(zip, name.c_str(), 0),
                                                          zip_fclose);
  if (file == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot read ", name));
  std::string out(stat.size, '\0');
  if (zip_fread(file.get(), out.data(), stat.size) != static_cast<zip_int64_t>(stat.size)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", name));
  }
  return out;
}

// The part of the workbook's first sheet: workbook.xml's first <sheet>, its
// relationship's target; the usual name when either is missing.
std::string FirstSheetPart(zip_t* zip) {
  const std::string fallback = "xl/worksheets/sheet1.xml";
  auto workbook = ReadPart(zip, "xl/workbook.xml");
  auto rels = ReadPart(zip, "xl/_rels/workbook.xml.rels");
  if (!workbook.ok() || !rels.ok()) return fallback;
  std::string id;
  for (Xml xml(*workbook); id.empty() && xml.Next() == 1;) {
    if (xml.Start("sheet")) id = xml.Attribute("r:id");
  }
  for (Xml xml(*rels); !id.empty() && xml.Next() == 1;) {
    if (!xml.Start("Relationship") || xml.Attribute("Id") != id) continue;
    std::string target = xml.Attribute("Target");
    if (absl::StartsWith(target, "/")) return target.substr(1);
    return target.empty() ? fallback : absl::StrCat("xl/", target);
  }
  return fallback;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseSharedStrings(absl::string_view text) {
  std::vector<std::string> out;
  std::string current;
  bool in_t = false;
  int phonetic = 0;  // inside <rPh>: a reading guide, not the text
  Xml xml(text);
  int at;
  while ((at = xml.Next()) == 1) {
    if (xml.Start("si")) current.clear();
    if (xml.Start("rPh")) ++phonetic;
    if (xml.Start("t")) in_t = true;
    if (xml.Text() && in_t && phonetic == 0) current += xml.Value();
    if (xml.End("t")) in_t = false;
    if (xml.End("rPh")) --phonetic;
    if (xml.End("si")) out.push_back(current);
  }
  if (at < 0) return Malformed("shared strings", xml);
  return out;
}

absl::StatusOr<std::vector<std::vector<std::string>>> ParseSheet(
    absl::string_view text, const std::vector<std::string>& shared) {
  std::vector<std::vector<std::string>> rows;
  size_t row = 0;   // 1-based, of the row being read
  int column = -1;  // 0-based, of the cell being read
  std::string type, value;
  bool in_value = false;
  Xml xml(text);
  int at;
  while ((at = xml.Next()) == 1) {
    if (xml.Start("row")) {
      size_t r = 0;
      row = absl::SimpleAtoi(xml.Attribute("r"), &r) ? r : row + 1;
      if (row == 0 || row > kMaxRows) {
        return absl::InvalidArgumentError(absl::StrCat("row ", row, " is outside the sheet"));
      }
      if (rows.size() < row) rows.resize(row);
      column = -1;
    }
    if (xml.Start("c")) {
      if (row == 0) return absl::InvalidArgumentError("a cell outside any row");
      const std::string ref = xml.Attribute("r");
      column = ref.empty() ? column + 1 : ColumnOf(ref);
      if (column < 0 || column >= static_cast<int>(kMaxColumns)) {
        return absl::InvalidArgumentError(
            absl::StrCat("row ", row, ": cell '", ref, "' is not valid"));
      }
      type = xml.Attribute("t");
      value.clear();
    }
    if (xml.Start("v") || xml.Start("t")) in_value = true;
    if (xml.Text() && in_value) value += xml.Value();
    if (xml.End("v") || xml.End("t")) in_value = false;
    if (xml.End("c") && row > 0 && column >= 0) {
      if (type == "s") {
        size_t index = 0;
        if (!absl::SimpleAtoi(value, &index) || index >= shared.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("row ", row, ": a shared string that the workbook does not have"));
        }
        value = shared[index];
      }
      std::vector<std::string>& cells = rows[row - 1];
      if (cells.size() <= static_cast<size_t>(column)) cells.resize(column + 1);
      cells[column] = value;
    }
  }
  if (at < 0) return Malformed("sheet", xml);
  return rows;
}

absl::StatusOr<std::string> XlsxToCsvFile(const std::string& path) {
  int error = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> zip(zip_open(path.c_str(), ZIP_RDONLY, &error),
                                                     zip_discard);
  if (zip == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not an .xlsx workbook"));
  }
  std::vector<std::string> shared;
  if (auto text = ReadPart(zip.get(), "xl/sharedStrings.xml"); text.ok()) {
    auto parsed = ParseSharedStrings(*text);
    if (!parsed.ok()) return parsed.status();
    shared = *std::move(parsed);
  }
  auto sheet_text = ReadPart(zip.get(), FirstSheetPart(zip.get()));
  if (!sheet_text.ok()) return sheet_text.status();
  auto rows = ParseSheet(*sheet_text, shared);
  if (!rows.ok()) return rows.status();

  absl::StatusOr<std::string> created = NewTempFile("techreno-xlsx");
  if (!created.ok()) return created.status();
  const std::string& csv = *created;
  std::ofstream out(csv, std::ios::binary);
  size_t width = 0;  // the header's: Excel leaves trailing empty cells out
  for (const std::vector<std::string>& cells : *rows) {
    if (width == 0) width = cells.size();
    if (cells.empty()) {
      out << "\n";  // keeps CSV line = sheet row (the reader skips empty lines)
      continue;
    }
    std::vector<std::string> padded = cells;
    if (padded.size() < width) padded.resize(width);
    out << CsvLine(padded) << "\n";
  }
  out.close();
  if (!out) {
    std::remove(csv.c_str());
    return absl::UnavailableError("cannot write the sheet as CSV");
  }
  return csv;
}

}  // namespace techreno::cli
