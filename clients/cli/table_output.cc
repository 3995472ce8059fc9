// Table outputs: CSV (UTF-8 with BOM, GB18030) and XLSX (libxlsxwriter).
#include "clients/cli/table_output.h"

#include <iconv.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <iostream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "clients/cli/csv.h"

namespace techreno::cli {
namespace {

class CsvOutput final : public TableOutput {
 public:
  CsvOutput(std::ostream& out, TextEncoding encoding) : out_(out), lines_(out, encoding) {}

  void Write(const Table& table, const std::string& title) override {
    (void)title;  // CSV has no place for it: one table after another
    if (tables_++ > 0) lines_.Line("");
    lines_.Line(CsvLine(table.header()));
    for (const auto& row : table.rows()) lines_.Line(CsvLine(row));
  }

  absl::Status Close() override {
    out_.flush();
    return out_.good() ? absl::OkStatus() : absl::UnavailableError("the CSV could not be written");
  }

 private:
  std::ostream& out_;
  CsvLines lines_;
  int tables_ = 0;
};

// How a column's cells are written to a sheet, from its header.
enum class Kind { kText, kWan, kYi, kPercent, kCount };

Kind KindOf(const std::string& header) {
  if (absl::StrContains(header, "万元")) return Kind::kWan;
  if (absl::StrContains(header, "亿元")) return Kind::kYi;
  if (absl::StrContains(header, "%")) return Kind::kPercent;
  for (const char* count :
       {"数", "(个)", "（个）", "工作日", "天", "version", "版本", "得分", "分)"}) {
    if (absl::StrContains(header, count)) return Kind::kCount;
  }
  return Kind::kText;
}

// Sheet names: at most 31 characters, none of []:*?/\, unique.
std::string SheetName(const std::string& title, int index, absl::flat_hash_set<std::string>& used) {
  std::string name = title.empty() ? absl::StrCat("表", index) : title;
  for (char c : std::string("[]:*?/\\"))
    name.erase(std::remove(name.begin(), name.end(), c), name.end());
  // Keep whole UTF-8 characters, 28 at most (room for a " 2" suffix).
  size_t chars = 0, cut = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) {
      if (chars == 28) break;
      ++chars;
    }
    cut = i + 1;
  }
  name.resize(cut);
  std::string unique = name;
  for (int n = 2; !used.insert(unique).second; ++n) unique = absl::StrCat(name, " ", n);
  return unique;
}

class XlsxOutput final : public TableOutput {
 public:
  XlsxOutput(std::string path, lxw_workbook* workbook)
      : path_(std::move(path)), workbook_(workbook) {
    header_ = workbook_add_format(workbook_);
    format_set_bold(header_);
    format_set_bg_color(header_, 0xDDEBF7);
    format_set_border(header_, LXW_BORDER_THIN);
    format_set_text_wrap(header_);
    wan_ = NumberFormat("#,##0.00");
    yi_ = NumberFormat("#,##0.0");
    percent_ = NumberFormat("0.0");
    count_ = NumberFormat("#,##0");
  }
  ~XlsxOutput() override {
    if (workbook_ != nullptr) workbook_close(workbook_);
  }

  void Write(const Table& table, const std::string& title) override {
    const std::string name = SheetName(title, ++sheets_, names_);
    lxw_worksheet* sheet = workbook_add_worksheet(workbook_, name.c_str());
    if (sheet == nullptr) return;
    const auto& header = table.header();
    std::vector<Kind> kinds;
    std::vector<size_t> widths;
    for (size_t c = 0; c < header.size(); ++c) {
      kinds.push_back(KindOf(header[c]));
      widths.push_back(DisplayWidth(header[c]));
      worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), header[c].c_str(), header_);
    }
    for (size_t r = 0; r < table.rows().size(); ++r) {
      const auto& row = table.rows()[r];
      for (size_t c = 0; c < row.size() && c < header.size(); ++c) {
        Cell(sheet, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c), row[c], kinds[c]);
        widths[c] = std::max(widths[c], DisplayWidth(row[c]));
      }
    }
    worksheet_freeze_panes(sheet, 1, 0);
    for (size_t c = 0; c < widths.size(); ++c) {
      const double width = std::min<double>(60, static_cast<double>(widths[c]) + 2);
      worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                           nullptr);
    }
  }

  absl::Status Close() override {
    if (sheets_ == 0) workbook_add_worksheet(workbook_, "空");  // a workbook needs a sheet
    const lxw_error error = workbook_close(workbook_);
    workbook_ = nullptr;
    if (error != LXW_NO_ERROR) {
      return absl::UnavailableError(
          absl::StrCat("could not write ", path_, ": ", lxw_strerror(error)));
    }
    return absl::OkStatus();
  }

 private:
  lxw_format* NumberFormat(const char* pattern) {
    lxw_format* format = workbook_add_format(workbook_);
    format_set_num_format(format, pattern);
    return format;
  }

  void Cell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::string& text,
            Kind kind) {
    double value = 0;
    std::string number = absl::StrReplaceAll(text, {{",", ""}, {" ", ""}, {"%", ""}});
    if (kind != Kind::kText && absl::SimpleAtod(number, &value)) {
      lxw_format* format = kind == Kind::kWan       ? wan_
                           : kind == Kind::kYi      ? yi_
                           : kind == Kind::kPercent ? percent_
                                                    : count_;
      worksheet_write_number(sheet, row, col, value, format);
    } else if (!text.empty()) {
      worksheet_write_string(sheet, row, col, text.c_str(), nullptr);
    }
  }

  std::string path_;
  lxw_workbook* workbook_;
  lxw_format *header_, *wan_, *yi_, *percent_, *count_;
  int sheets_ = 0;
  absl::flat_hash_set<std::string> names_;
};

}  // namespace

std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return utf8;
  std::string out;
  out.resize(utf8.size() * 2 + 4);  // GB18030 takes at most 4 bytes for UTF-8's 2-4
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* to = out.data();
  size_t to_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &to, &to_left) != static_cast<size_t>(-1)) break;
    if (errno != EILSEQ && errno != EINVAL) break;
    ++in;  // an invalid UTF-8 byte: '?', then go on
    --in_left;
    *to++ = '?';
    --to_left;
  }
  iconv_close(cd);
  out.resize(out.size() - to_left);
  return out;
}

void CsvLines::Line(const std::string& utf8) {
  if (encoding_ == TextEncoding::kGb18030) {
    out_ << ToGb18030(utf8);
  } else {
    if (!started_) out_ << "\xEF\xBB\xBF";
    out_ << utf8;
  }
  out_ << "\r\n";
  started_ = true;
}

TextEncoding CsvOutputEncoding(const GlobalOptions& options) {
  return options.encoding == "gb18030" ? TextEncoding::kGb18030 : TextEncoding::kUtf8;
}

std::unique_ptr<TableOutput> NewCsvOutput(std::ostream& out, TextEncoding encoding) {
  return std::make_unique<CsvOutput>(out, encoding);
}

absl::StatusOr<std::unique_ptr<TableOutput>> NewXlsxOutput(const std::string& path) {
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot write ", path));
  return std::make_unique<XlsxOutput>(path, workbook);
}

void Emit(const GlobalOptions& options, const Table& table, const std::string& title) {
  if (options.tables != nullptr) {
    options.tables->Write(table, title);
  } else {
    table.Print(std::cout);
  }
}

void EmitFields(const GlobalOptions& options,
                const std::vector<std::pair<std::string, std::string>>& fields,
                const std::string& title) {
  if (options.tables == nullptr) {
    PrintFields(std::cout, fields);
    return;
  }
  Table table({"字段", "值"});
  for (const auto& [key, value] : fields) {
    table.AddRow({std::string(absl::StripAsciiWhitespace(key)), value});
  }
  options.tables->Write(table, title);
}

}  // namespace techreno::cli
