#include "clients/loadgen/data_summary.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/store/reference_data.h"

namespace techreno::loadgen {
namespace {

constexpr int64_t kStatisticsThresholdFen = 500'000'000;  // 500万元

std::string Yi(int64_t fen) { return absl::StrFormat("%.2f 亿元", fen / 1e10); }

}  // namespace

void DataSummary::Add(const CountyData& c) {
  enterprises += c.enterprises.size();
  projects += c.projects.size();
  reports += c.reports.size();
  missing += c.missing;
  for (const GeneratedReport& g : c.reports) {
    corrections += g.corrected;
    late += g.late;
    if (c.projects[g.project].planned_investment_fen() < kStatisticsThresholdFen) continue;
    in_statistics_[{c.county_code, codes::PeriodFromIndex(g.period_index).year}] +=
        g.figures.completed;
  }
  AddMonthlyTotals(c, &monthly_);
}

void DataSummary::Print(const GeneratorOptions& options, std::FILE* out) const {
  const codes::Period as_of = options.as_of;
  int64_t this_year = 0, last_year = 0;
  for (const auto& [index, fen] : monthly_) {
    const codes::Period p = codes::PeriodFromIndex(index);
    if (p.year == as_of.year) this_year += fen;
    if (p.year == as_of.year - 1) last_year += fen;
  }
  std::fprintf(
      out,
      "data set (seed %llu, scale %g, reports to %s): %lld enterprises, %lld projects, %lld "
      "monthly reports (%lld corrected later, %lld filed late), %lld never reported\n"
      "investment completed: %d %s, %d-01..%s %s; growth over the same months of %d %.3f "
      "(plan: 1.275)\n",
      static_cast<unsigned long long>(options.seed), options.scale,
      codes::FormatPeriod(as_of).c_str(), static_cast<long long>(enterprises),
      static_cast<long long>(projects), static_cast<long long>(reports),
      static_cast<long long>(corrections), static_cast<long long>(late),
      static_cast<long long>(missing), as_of.year - 1, Yi(last_year).c_str(), as_of.year,
      codes::FormatPeriod(as_of).c_str(), Yi(this_year).c_str(), as_of.year - 1,
      GrowthOf(monthly_, as_of));
}

absl::Status DataSummary::WriteTotals(const std::string& path,
                                      const GeneratorOptions& options) const {
  const auto& regions = store::Reference().regions;
  std::map<std::pair<std::string, int>, int64_t> rolled;  // (region, year) -> fen
  for (const auto& [key, fen] : in_statistics_) {
    const auto& [county, year] = key;
    if (year < options.as_of.year - 1) continue;
    rolled[{county, year}] += fen;
    const std::string city = regions.CityOf(county);
    if (city != county) rolled[{city, year}] += fen;
    rolled[{regions.ProvinceCode(), year}] += fen;
  }
  std::ofstream out(path, std::ios::trunc);
  out << "region_code,region_name,year,completed_wan\n";
  for (const auto& [key, fen] : rolled) {
    out << key.first << "," << regions.Find(key.first)->name << "," << key.second << ","
        << absl::StrFormat("%.2f", fen / 1e6) << "\n";
  }
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing ", path, " failed"));
  return absl::OkStatus();
}

}  // namespace techreno::loadgen
