// techreno report --half=2026H1 [--region=CODE]: the semi-annual report as
// one self-contained HTML file (inline CSS and SVG, no script, no network)
// laid out for A4: investment completed against target by city and by belt,
// the monthly trend against last year and the plan's 27.5 % growth path, the
// industry breakdown, new-start / continuing / completed projects, reporting
// compliance, the most lagging projects, the key-project library and the bank
// matching funnel. Every figure is what the calls return (QueryAggregates,
// GetReportingCompliance, ListLaggingProjects, GetLibraryTotals,
// GetMatchingStats), each cell marked with data-figure and data-value (fen or
// count) so that a test can compare. --pdf prints it with headless Chromium.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"

namespace techreno::cli {
namespace {

constexpr double kPlanGrowth = 1.275;  // the Three-Year Action Plan's 27.5 % a year

std::string Escape(const std::string& text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

// A table cell carrying its figure: the text shown and the exact value.
std::string Cell(const std::string& figure, int64_t value, const std::string& shown) {
  return absl::StrCat("<td class=\"n\" data-figure=\"", Escape(figure), "\" data-value=\"", value,
                      "\">", Escape(shown), "</td>");
}
std::string Wan(const std::string& figure, int64_t fen) {
  return Cell(figure, fen, FormatWanNumber(fen));
}
std::string Count(const std::string& figure, int64_t n) { return Cell(figure, n, absl::StrCat(n)); }
std::string Text(const std::string& text) { return absl::StrCat("<td>", Escape(text), "</td>"); }
std::string Pct(const std::optional<double>& pct) {
  return pct ? absl::StrFormat("<td class=\"n\">%.1f%%</td>", *pct) : "<td class=\"n\">-</td>";
}

// Horizontal bars, one a row, scaled to the largest; a tick for a target.
struct Bar {
  std::string label;
  double value = 0;
  double mark = 0;  // 0: none
};
std::string BarChart(const std::vector<Bar>& bars, const std::string& unit) {
  double top = 1;
  for (const Bar& b : bars) top = std::max({top, b.value, b.mark});
  const int row = 18, label = 230, width = 440;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">",
      label + width + 90, static_cast<int>(bars.size()) * row + 6);
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = static_cast<int>(i) * row + 2;
    const double w = width * b.value / top;
    absl::StrAppendFormat(&svg,
                          "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">%s</text>"
                          "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7ebb\"/>"
                          "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%.0f</text>",
                          label - 6, y + 12, Escape(b.label), label, y, w, row - 5, label + w + 4,
                          y + 12, b.value);
    if (b.mark > 0) {
      const double x = label + width * b.mark / top;
      absl::StrAppendFormat(&svg,
                            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#c0392b\" "
                            "stroke-width=\"2\"/>",
                            x, x, y - 1, y + row - 4);
    }
  }
  return absl::StrCat(svg, "</svg><p class=\"note\">单位：", unit, "。红线为目标。</p>");
}

// Months: this year's bars, last year's (grey) and the plan's path (a line).
struct Month {
  std::string label;
  double value = 0, prior = 0;
};
std::string MonthChart(const std::vector<Month>& months) {
  double top = 1;
  for (const Month& m : months) top = std::max({top, m.value, m.prior * kPlanGrowth});
  const int h = 180, step = 80, base = h + 10;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">",
      static_cast<int>(months.size()) * step + 40, h + 40);
  std::string path;
  for (size_t i = 0; i < months.size(); ++i) {
    const Month& m = months[i];
    const int x = static_cast<int>(i) * step + 30;
    const double hv = h * m.value / top, hp = h * m.prior / top;
    absl::StrAppendFormat(
        &svg,
        "<rect x=\"%d\" y=\"%.1f\" width=\"22\" height=\"%.1f\" fill=\"#bbbbbb\"/>"
        "<rect x=\"%d\" y=\"%.1f\" width=\"22\" height=\"%.1f\" fill=\"#4a7ebb\"/>"
        "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
        x, base - hp, hp, x + 24, base - hv, hv, x + 23, base + 14, Escape(m.label));
    absl::StrAppendFormat(&path, "%s%d,%.1f", i == 0 ? "M" : " L", x + 23,
                          base - h * m.prior * kPlanGrowth / top);
  }
  if (!path.empty()) {
    absl::StrAppend(&svg, "<path d=\"", path,
                    "\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>");
  }
  return absl::StrCat(svg,
                      "</svg><p class=\"note\">蓝：本年；灰：上年同月；红线：按行动计划年增 27.5% "
                      "的进度（上年同月 × 1.275）。单位：万元。</p>");
}

double WanOf(int64_t fen) { return static_cast<double>(fen) / 1'000'000.0; }

// One QueryAggregates answer, every page, into `rows`; the failed call's status.
grpc::Status Aggregates(const GlobalOptions& options, v1::QueryAggregatesRequest request,
                        std::vector<v1::AggregateRow>* rows) {
  auto stub = NewMonitoringStub(options);
  request.set_page_size(1000);
  for (;;) {
    grpc::ClientContext context;
    PrepareContext(options, kCallTimeout, &context);
    v1::QueryAggregatesResponse response;
    grpc::Status s = stub->QueryAggregates(&context, request, &response);
    if (!s.ok()) return s;
    rows->insert(rows->end(), response.rows().begin(), response.rows().end());
    if (response.next_page_token().empty()) return grpc::Status::OK;
    request.set_page_token(response.next_page_token());
  }
}

struct Half {
  std::string label, from, to;
};

std::string Unavailable(const grpc::Status& s) {
  return absl::StrCat("<p class=\"note\">（无法取得：", Escape(s.error_message()), "）</p>");
}

// The half's months in the caller's region, in buckets of `granularity`.
v1::QueryAggregatesRequest HalfQuery(const Half& half, const std::string& region,
                                     v1::Granularity granularity) {
  v1::QueryAggregatesRequest q;
  q.set_granularity(granularity);
  q.set_from_period(half.from);
  q.set_to_period(half.to);
  if (!region.empty()) q.add_region_codes(region);
  return q;
}

// The half by region (the province by city; a city, or a county, by county)
// or by belt.
v1::QueryAggregatesRequest RegionQuery(const Half& half, const std::string& region, bool belts) {
  v1::QueryAggregatesRequest q = HalfQuery(half, region, v1::GRANULARITY_HALF_YEAR);
  if (belts) {
    q.add_group_by(v1::AGGREGATE_DIMENSION_REGION_GROUP);
  } else {
    q.add_group_by(v1::AGGREGATE_DIMENSION_REGION);
    q.set_region_tier(region.empty() || region == "440000" ? v1::REGION_TIER_CITY
                                                           : v1::REGION_TIER_COUNTY);
  }
  return q;
}

std::string ByRegion(const std::vector<v1::AggregateRow>& rows, bool belts) {
  std::string html =
      "<table><tr><th>地区</th><th>完成投资(万元)</th><th>同比</th><th>目标(万元)</th>"
      "<th>完成目标</th></tr>";
  std::vector<Bar> bars;
  for (const v1::AggregateRow& r : rows) {
    const std::string key = belts ? r.key().region_group().id() : r.key().region().code();
    const std::string name =
        belts ? r.key().region_group().name() : RegionLabel(r.key().region(), key);
    const std::string prefix = absl::StrCat(belts ? "belt." : "region.", key);
    absl::StrAppend(
        &html, "<tr>", Text(name), Wan(prefix + ".completed_fen", r.completed_fen()),
        Pct(r.has_yoy_growth_pct() ? std::optional<double>(r.yoy_growth_pct()) : std::nullopt),
        r.has_target_fen() ? Wan(prefix + ".target_fen", r.target_fen()) : Text("-"),
        Pct(r.has_percent_of_target() ? std::optional<double>(r.percent_of_target())
                                      : std::nullopt),
        "</tr>");
    bars.push_back(
        {name, WanOf(r.completed_fen()), r.has_target_fen() ? WanOf(r.target_fen()) : 0});
  }
  return absl::StrCat(html, "</table>", BarChart(bars, "万元"));
}

std::string Trend(const GlobalOptions& o, const Half& half, const std::string& region) {
  std::vector<v1::AggregateRow> rows;
  grpc::Status s = Aggregates(o, HalfQuery(half, region, v1::GRANULARITY_MONTH), &rows);
  if (!s.ok()) return Unavailable(s);
  std::string html =
      "<table><tr><th>月份</th><th>完成投资(万元)</th><th>上年同月(万元)</th><th>同比</th>"
      "<th>本年累计(万元)</th></tr>";
  std::vector<Month> months;
  for (const v1::AggregateRow& r : rows) {
    const std::string m = r.period_label();
    absl::StrAppend(
        &html, "<tr>", Text(m), Wan("month." + m + ".completed_fen", r.completed_fen()),
        Wan("month." + m + ".prior_year_completed_fen", r.prior_year_completed_fen()),
        Pct(r.has_yoy_growth_pct() ? std::optional<double>(r.yoy_growth_pct()) : std::nullopt),
        Wan("month." + m + ".ytd_completed_fen", r.ytd_completed_fen()), "</tr>");
    months.push_back({m.substr(5), WanOf(r.completed_fen()), WanOf(r.prior_year_completed_fen())});
  }
  return absl::StrCat(html, "</table>", MonthChart(months));
}

std::string ByDimension(const GlobalOptions& o, const Half& half, const std::string& region,
                        v1::AggregateDimension dimension) {
  v1::QueryAggregatesRequest q = HalfQuery(half, region, v1::GRANULARITY_HALF_YEAR);
  q.add_group_by(dimension);
  std::vector<v1::AggregateRow> rows;
  if (grpc::Status s = Aggregates(o, q, &rows); !s.ok()) return Unavailable(s);
  const bool industry = dimension == v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION;
  std::string html = absl::StrCat("<table><tr><th>", industry ? "行业" : "阶段",
                                  "</th><th>项目数</th><th>计划总投资(万元)</th>"
                                  "<th>完成投资(万元)</th><th>同比</th></tr>");
  std::vector<Bar> bars;
  for (const v1::AggregateRow& r : rows) {
    const std::string key =
        industry ? r.key().industry_division() : v1::ProjectStage_Name(r.key().project_stage());
    const std::string name =
        industry ? IndustryLabel(r.key().industry_division(), r.key().industry_division_name())
                 : EnumLabel(*v1::ProjectStage_descriptor(), r.key().project_stage());
    const std::string prefix = absl::StrCat(industry ? "industry." : "stage.", key);
    absl::StrAppend(
        &html, "<tr>", Text(name), Count(prefix + ".project_count", r.project_count()),
        Wan(prefix + ".planned_investment_fen", r.planned_investment_fen()),
        Wan(prefix + ".completed_fen", r.completed_fen()),
        Pct(r.has_yoy_growth_pct() ? std::optional<double>(r.yoy_growth_pct()) : std::nullopt),
        "</tr>");
    if (industry) bars.push_back({name, WanOf(r.completed_fen()), 0});
  }
  absl::StrAppend(&html, "</table>");
  if (industry) absl::StrAppend(&html, BarChart(bars, "万元"));
  return html;
}

std::string Compliance(const GlobalOptions& o, const Half& half, const std::string& region) {
  auto stub = NewMonitoringStub(o);
  grpc::ClientContext context;
  PrepareContext(o, kCallTimeout, &context);
  v1::GetReportingComplianceRequest q;
  q.set_from_period(half.from);
  q.set_to_period(half.to);
  q.set_region_code(region);
  q.set_page_size(500);  // the most a page holds: every city, or a city's counties
  v1::GetReportingComplianceResponse r;
  if (grpc::Status s = stub->GetReportingCompliance(&context, q, &r); !s.ok()) {
    return Unavailable(s);
  }
  std::string html =
      "<table><tr><th>地区</th><th>应报</th><th>已报</th><th>未报</th><th>迟报</th>"
      "<th>更正</th><th>得分</th></tr>";
  const bool province = region.empty() || region == "440000";
  for (const v1::RegionCompliance& c : r.regions()) {
    // Province-wide: the province and its cities (a city's report lists its counties).
    if (province && c.tier() == v1::REGION_TIER_COUNTY) continue;
    const std::string p = "compliance." + c.region().code();
    const v1::MonthCompliance& t = c.total();
    absl::StrAppend(&html, "<tr>", Text(RegionLabel(c.region(), c.region().code())),
                    Count(p + ".expected", t.expected()), Count(p + ".reported", t.reported()),
                    Count(p + ".missing", t.missing()), Count(p + ".late", t.late()),
                    Count(p + ".corrected", t.corrected()),
                    absl::StrFormat("<td class=\"n\">%.1f</td>", c.score()), "</tr>");
  }
  return html + "</table>";
}

std::string Lagging(const GlobalOptions& o, const Half& half, const std::string& region) {
  auto stub = NewMonitoringStub(o);
  grpc::ClientContext context;
  PrepareContext(o, kCallTimeout, &context);
  v1::ListLaggingProjectsRequest q;
  q.set_region_code(region);
  q.set_as_of_period(half.to);
  q.set_page_size(10);
  v1::ListLaggingProjectsResponse r;
  if (grpc::Status s = stub->ListLaggingProjects(&context, q, &r); !s.ok()) {
    return Unavailable(s);
  }
  std::string html =
      "<table><tr><th>项目代码</th><th>项目名称</th><th>县区</th><th>计划投资(万元)</th>"
      "<th>已完成(万元)</th><th>落后(百分点)</th><th>最近报送</th></tr>";
  for (const v1::LaggingProject& p : r.projects()) {
    absl::StrAppend(
        &html, "<tr data-figure=\"lagging\" data-value=\"", Escape(p.project_code()), "\">",
        Text(p.project_code()), Text(p.project_name()),
        Text(RegionLabel(p.county(), p.county().code())),
        Wan("lagging." + p.project_code() + ".planned_investment_fen", p.planned_investment_fen()),
        Wan("lagging." + p.project_code() + ".completed_fen", p.completed_fen()),
        absl::StrFormat("<td class=\"n\">%.1f</td>", p.gap_points()),
        Text(p.last_reported_period().empty() ? "-" : p.last_reported_period()), "</tr>");
  }
  return html + "</table>";
}

std::string Library(const GlobalOptions& o, const std::string& region) {
  auto stub = NewLibraryStub(o);
  grpc::ClientContext context;
  PrepareContext(o, kCallTimeout, &context);
  v1::GetLibraryTotalsRequest q;
  q.set_region_code(region);
  v1::GetLibraryTotalsResponse r;
  if (grpc::Status s = stub->GetLibraryTotals(&context, q, &r); !s.ok()) {
    return Unavailable(s);
  }
  std::string html =
      "<table><tr><th>层级</th><th>地区</th><th>入库项目</th><th>计划投资(万元)</th>"
      "<th>已完成(万元)</th></tr>";
  for (const v1::LibraryTotalsRow& t : r.rows()) {
    const std::string p = absl::StrCat("library.", t.tier(), ".", t.region().code());
    absl::StrAppend(&html, "<tr>", Text(EnumLabel(*v1::LibraryTier_descriptor(), t.tier())),
                    Text(RegionLabel(t.region(), t.region().code())),
                    Count(p + ".entries", t.entries()),
                    Wan(p + ".planned_investment_fen", t.planned_investment_fen()),
                    Wan(p + ".completed_investment_fen", t.completed_investment_fen()), "</tr>");
  }
  return html + "</table>";
}

std::string Funnel(const GlobalOptions& o, const Half& half, const std::string& region) {
  auto stub = NewBankLinkStub(o);
  grpc::ClientContext context;
  PrepareContext(o, kCallTimeout, &context);
  v1::GetMatchingStatsRequest q;
  q.set_from_period(half.from);
  q.set_to_period(half.to);
  q.set_region_code(region);
  v1::GetMatchingStatsResponse r;
  if (grpc::Status s = stub->GetMatchingStats(&context, q, &r); !s.ok()) {
    return Unavailable(s);
  }
  const v1::MatchingRow& t = r.total();
  std::vector<Bar> bars = {{"推荐项目", static_cast<double>(t.recommended_projects())},
                           {"已对接", static_cast<double>(t.projects_with_feedback())},
                           {"获得贷款", static_cast<double>(t.projects_financed())}};
  return absl::StrCat(
      "<table><tr><th>推荐项目</th><th>已对接项目</th><th>获贷项目</th><th>放贷金额(万元)</th>"
      "<th>已发放(万元)</th><th>贴息估算(万元)</th><th>逾期未响应</th></tr><tr>",
      Count("bank.recommended_projects", t.recommended_projects()),
      Count("bank.projects_with_feedback", t.projects_with_feedback()),
      Count("bank.projects_financed", t.projects_financed()),
      Wan("bank.loan_amount_fen", t.loan_amount_fen()),
      Wan("bank.disbursed_fen", t.disbursed_fen()),
      Wan("bank.subsidy_estimate_fen", t.subsidy_estimate_fen()),
      Count("bank.overdue", t.overdue()), "</tr></table>", BarChart(bars, "个"));
}

constexpr char kStyle[] = R"(
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
       font-size: 10.5pt; color: #222; }
h1 { font-size: 18pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 14pt 0 6pt;
     border-bottom: 1px solid #4a7ebb; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; break-inside: auto; }
th, td { border: 1px solid #ccc; padding: 2pt 4pt; } th { background: #ddebf7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; } section { break-inside: auto; }
.note { font-size: 8.5pt; color: #555; margin: 2pt 0 8pt; } svg { max-width: 100%; }
)";

}  // namespace

int WriteReport(const GlobalOptions& options, const ReportOptions& report) {
  int year = 0;
  if (report.half.size() != 6 || !absl::SimpleAtoi(report.half.substr(0, 4), &year) ||
      (report.half.substr(4) != "H1" && report.half.substr(4) != "H2")) {
    std::cerr << "error: --half=" << report.half << ": expected YYYYH1 or YYYYH2, e.g. 2026H1\n";
    return kExitUsage;
  }
  const bool first = report.half.substr(4) == "H1";
  const Half half{absl::StrCat(year, first ? " 年上半年" : " 年下半年"),
                  absl::StrCat(year, first ? "-01" : "-07"),
                  absl::StrCat(year, first ? "-06" : "-12")};
  const std::string& region = report.region;
  // The first section's figures, read before anything is written: a server
  // that cannot be reached, a wrong token or a region outside the caller's
  // scope fails the report instead of filling it with "无法取得".
  std::vector<v1::AggregateRow> by_region;
  if (grpc::Status s = Aggregates(options, RegionQuery(half, region, false), &by_region); !s.ok()) {
    ReportRpcError(options, s);
    return kExitFailure;
  }
  const std::string scope =
      region.empty() ? "全省（您的权限范围）" : RegionLabel(v1::RegionRef(), region);
  const bool province = region.empty() || region == "440000";
  std::string html = absl::StrCat(
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>", Escape(scope),
      " 工业技术改造投资监测半年报 ", half.label, "</title><style>", kStyle,
      "</style></head><body><h1>工业技术改造投资监测半年报</h1><p>", Escape(scope), " · ",
      half.label, "（", half.from, " 至 ", half.to, "）· 生成于 ",
      FormatChinaTime(google::protobuf::util::TimeUtil::GetCurrentTime()), "</p>");
  absl::StrAppend(&html, "<section><h2>一、完成投资与目标（按地区）</h2>",
                  ByRegion(by_region, false), "</section>");
  if (province) {
    std::vector<v1::AggregateRow> by_belt;
    grpc::Status s = Aggregates(options, RegionQuery(half, region, true), &by_belt);
    absl::StrAppend(&html, "<section><h2>二、按经济带</h2>",
                    s.ok() ? ByRegion(by_belt, true) : Unavailable(s), "</section>");
  }
  absl::StrAppend(&html, "<section><h2>三、月度走势</h2>", Trend(options, half, region),
                  "</section><section><h2>四、行业构成</h2>",
                  ByDimension(options, half, region, v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION),
                  "</section><section><h2>五、新开工、续建与竣工项目</h2>",
                  ByDimension(options, half, region, v1::AGGREGATE_DIMENSION_PROJECT_STAGE),
                  "</section><section><h2>六、报送合规</h2>", Compliance(options, half, region),
                  "</section><section><h2>七、进度滞后项目（前 10）</h2>",
                  Lagging(options, half, region), "</section><section><h2>八、重点项目库</h2>",
                  Library(options, region), "</section><section><h2>九、银企对接</h2>",
                  Funnel(options, half, region), "</section></body></html>\n");
  const std::string path =
      report.output.empty() ? absl::StrCat("技改半年报-", report.half, ".html") : report.output;
  std::ofstream out(path, std::ios::binary);
  out << html;
  out.close();
  if (!out) {
    std::cerr << "error: cannot write " << path << "\n";
    return kExitUsage;
  }
  std::cerr << "wrote " << path << "\n";
  if (report.pdf.empty()) return kExitOk;
  const char* chromium = std::getenv("TECHRENO_CHROMIUM");
  const std::string command = absl::StrCat(
      chromium != nullptr ? chromium : "chromium",
      " --headless --disable-gpu --no-sandbox --disable-dev-shm-usage --no-pdf-header-footer "
      "--print-to-pdf='",
      absl::StrReplaceAll(report.pdf, {{"'", "'\\''"}}), "' 'file://",
      absl::StrReplaceAll(std::filesystem::absolute(path).string(), {{"'", "'\\''"}}),
      "' >/dev/null 2>&1");
  if (std::system(command.c_str()) != 0) {
    std::cerr << "error: could not print the PDF with Chromium (install Debian's chromium, or "
                 "set TECHRENO_CHROMIUM); the HTML is written\n";
    return kExitFailure;
  }
  std::cerr << "wrote " << report.pdf << "\n";
  return kExitOk;
}

}  // namespace techreno::cli
