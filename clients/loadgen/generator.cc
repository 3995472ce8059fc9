#include "clients/loadgen/generator.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "clients/loadgen/random.h"
#include "libs/store/reference_data.h"

namespace techreno::loadgen {
namespace {

// Changes whenever the generator's output does, so that a data set made by
// another version gets another tag and other request ids: pushing it into a
// database that holds an earlier version's never reuses a request id for
// other content (the server refuses that). The unit test's fingerprint of one
// county says when to change it.
constexpr int kGeneratorVersion = 2;

constexpr int64_t kCent = 10'000;    // 0.01 万元 in fen: the unit of every amount
constexpr int64_t kWan = 1'000'000;  // 1 万元 in fen
constexpr double kGrowth = 1.275;    // the plan's yearly growth
constexpr int kMaxPlannedMonths = 24;
constexpr int kHistoryMonths = 36;  // starts reach back this far before GrowthFrom()
constexpr int kPlannedAhead = 6;    // projects starting in the next months: PLANNED

// The statistics bureau's split of investment (Guangzhou, 2015), in percent:
// building works, installation, equipment and tools, other.
constexpr double kSplit[4] = {56.67, 8.01, 15.35, 19.97};

constexpr const char* kBrands[] = {"宏达", "华盛", "金辉", "粤海", "南方", "骏丰", "恒昌", "永兴",
                                   "信达", "鸿运", "联创", "新艺", "广源", "顺发", "嘉华", "德力",
                                   "美雅", "科达", "中宝", "瑞祥", "海纳", "天成", "东升", "佳和",
                                   "万利", "力拓", "精诚", "宝利", "协力", "兴业"};
// By RenovationType number (1..7): what the project's name says it does.
constexpr const char* kTypeWords[] = {"",
                                      "设备更新改造",
                                      "智能化改造",
                                      "数字化改造",
                                      "节能降耗改造",
                                      "产品升级改造",
                                      "质量提升改造",
                                      "扩产增效技术改造"};
const std::vector<std::pair<int, double>> kTypeWeights = {{1, 25}, {2, 25}, {3, 10}, {4, 15},
                                                          {5, 12}, {6, 5},  {7, 8}};
const std::vector<std::pair<int, double>> kSupportWeights = {{0, 40}, {1, 9}, {2, 30}, {3, 21}};
const std::vector<std::pair<int, double>> kBandWeights = {{2, 35}, {3, 45}, {4, 20}};

constexpr char kCreditCharset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // 31 characters

int64_t RoundTo(double fen, int64_t unit) { return std::llround(fen / unit) * unit; }

// "佛山市顺德" for 顺德区 of 佛山市; "东莞市" for Dongguan, its own county.
std::string PlaceName(const std::string& county_code) {
  const auto& regions = store::Reference().regions;
  const std::string city_code = regions.CityOf(county_code);
  std::string name = regions.Find(city_code)->name;
  if (city_code != county_code) {
    absl::string_view county = regions.Find(county_code)->name;
    for (absl::string_view suffix : {"区", "县", "市"}) {
      if (absl::ConsumeSuffix(&county, suffix)) break;
    }
    absl::StrAppend(&name, county);
  }
  return name;
}

// "91" + county + "MA" + 7 characters from the index + check: unique per
// (county, index), different for each data set (`mix`: a hash of its tag).
std::string CreditCode(uint64_t mix, const std::string& county, int index) {
  uint64_t n =
      (static_cast<uint64_t>(index) * 2654435761u + mix % 1'000'003 * 7919u) % 27'512'614'111ull;
  std::string org(7, '0');
  for (int i = 6; i >= 0; --i, n /= 31) org[i] = kCreditCharset[n % 31];
  const std::string first17 = absl::StrCat("91", county, "MA", org);
  return first17 + codes::CreditCheckChar(first17);
}

// `count` enterprises of `county`, named "<place><brand><industry word>有限公司".
std::vector<v1::Enterprise> MakeEnterprises(Random& rng, uint64_t mix, const CountyMix& county,
                                            const GuangdongMix& words, int count) {
  const std::string place = PlaceName(county.county_code);
  std::vector<v1::Enterprise> out(count);
  for (int i = 0; i < count; ++i) {
    v1::Enterprise& e = out[i];
    e.set_credit_code(CreditCode(mix, county.county_code, i));
    e.set_county_code(county.county_code);
    e.set_industry_code(county.city->mix->codes[rng.Pick(county.city->mix->codes)].first);
    e.set_above_designated_size(rng.Chance(0.85));
    e.set_revenue_band(e.above_designated_size() ? static_cast<v1::RevenueBand>(
                                                       kBandWeights[rng.Pick(kBandWeights)].first)
                                                 : v1::REVENUE_BAND_UNDER_20M);
    e.set_integration_pilot(rng.Chance(0.04));
    e.set_integration_certified(e.integration_pilot() && rng.Chance(0.5));
    e.set_name(absl::StrCat(place, kBrands[rng.Below(std::size(kBrands))],
                            words.WordsFor(e.industry_code()).enterprise_word, "有限公司"));
  }
  return out;
}

// The four parts of the split, per project: the bureau's averages, each
// varied by a log-normal factor, summing to 1.
std::array<double, 4> ProjectSplit(Random& rng) {
  std::array<double, 4> s{};
  double total = 0;
  for (int i = 0; i < 4; ++i) total += s[i] = kSplit[i] * std::exp(0.3 * rng.Normal());
  for (double& x : s) x /= total;
  return s;
}

// `amount` (a multiple of kCent) by the project's shares: installation,
// equipment and other rounded down to kCent, building works the rest (≥ 0).
Figures SplitAmount(int64_t amount, const std::array<double, 4>& shares) {
  auto part = [&](int i) { return static_cast<int64_t>(amount * shares[i] / kCent) * kCent; };
  Figures f;
  f.completed = amount;
  f.installation = part(1);
  f.equipment = part(2);
  f.other = part(3);
  f.building = amount - f.installation - f.equipment - f.other;
  return f;
}

// Cumulative share of a project's spend after fraction x of its months.
double SCurve(double x) { return x * x * (3 - 2 * x); }

// A project's timing, in period indexes.
struct Timing {
  int start = 0;
  int planned_months = 0;
  int actual_months = 0;  // > planned_months for lagging projects
  int End() const { return start + actual_months - 1; }
};

// The n-th point of the base-2 van der Corput sequence shifted by `offset`
// (mod 1): any run of consecutive points spreads evenly over [0, 1), so what
// is drawn with them follows its distribution closely even in a small county.
double EvenlySpread(int n, double offset) {
  double q = offset;
  for (double bit = 0.5; n > 0; n >>= 1, bit /= 2) q += (n & 1) * bit;
  return q - std::floor(q);
}

// The start at quantile u of starts from `first` to `last` with density
// growing by kGrowth a year (inverse of the exponential's distribution).
int StartAt(double u, int first, int last) {
  const double span = last - first + 1;
  const double rate = std::log(kGrowth) / 12;
  const double x = std::log1p(u * std::expm1(rate * span)) / rate;
  return std::min(last, first + static_cast<int>(x));
}

Timing DrawTiming(Random& rng, double start_quantile, int first_start, int last_start) {
  Timing t;
  t.start = StartAt(start_quantile, first_start, last_start);
  t.planned_months = 6 + static_cast<int>((kMaxPlannedMonths - 5) * std::pow(rng.Uniform(), 1.5));
  t.planned_months = std::min(t.planned_months, kMaxPlannedMonths);
  t.actual_months = t.planned_months;
  if (rng.Chance(0.2)) {  // lagging: 20–60 % longer than planned
    t.actual_months += static_cast<int>(std::ceil(t.planned_months * rng.Uniform(0.2, 0.6)));
  }
  return t;
}

// The standard normal quantile of p in (0, 1) (Acklam's rational
// approximation, relative error below 1.2e-9).
double NormalQuantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549671741908259e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  auto tail = [&](double q) {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  if (p < 0.02425) return tail(std::sqrt(-2 * std::log(p)));
  if (p > 1 - 0.02425) return -tail(std::sqrt(-2 * std::log(1 - p)));
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Planned sizes are log-normal. Drawn independently, a few giant projects
// swing a year's total by ±5 % even at Guangdong's size; so each county's
// sizes are the distribution's quantiles, handed out in start order by a van
// der Corput sequence (shifted by `offset`, per county): every stretch of
// months gets small and large projects alike, and the growth path shows.
// Returns the standard normal value of the project with `rank` in start order.
double SizeScore(int rank, int count, double offset) {
  const double q = EvenlySpread(rank, offset);
  return NormalQuantile(std::clamp(q, 0.5 / count, 1 - 0.5 / count));
}

v1::Project MakeProject(Random& rng, const CountyMix& county, const v1::Enterprise& owner,
                        const IndustryWords& words, const Timing& t, const std::string& code,
                        const std::array<double, 4>& shares, double size_score,
                        const std::string& tag, int serial) {
  v1::Project p;
  p.set_project_code(code);
  p.set_source_record_id(absl::StrFormat("%s-%05d", tag, serial));
  p.set_enterprise_credit_code(owner.credit_code());
  p.set_county_code(county.county_code);
  p.set_industry_code(owner.industry_code());
  const int type = kTypeWeights[rng.Pick(kTypeWeights)].first;
  p.add_renovation_types(static_cast<v1::RenovationType>(type));
  if (rng.Chance(0.35)) {
    const int second = kTypeWeights[rng.Pick(kTypeWeights)].first;
    if (second != type) p.add_renovation_types(static_cast<v1::RenovationType>(second));
  }
  p.set_name(absl::StrCat(words.product_line, kTypeWords[type], "项目"));
  const int support = kSupportWeights[rng.Pick(kSupportWeights)].first;
  if (support != 0) p.add_requested_support(static_cast<v1::SupportInstrument>(support));
  // Log-normal around 1,240万 × the city's factor, 50万 .. 30亿: at scale 1 the last full
  // year comes to about the plan's 2017 figure (3,930亿).
  const double wan =
      std::clamp(1240 * county.city->size_factor * std::exp(size_score), 50.0, 300'000.0);
  p.set_planned_investment_fen(RoundTo(wan * kWan, kWan));
  p.set_planned_equipment_investment_fen(
      static_cast<int64_t>(p.planned_investment_fen() * shares[2] / kCent) * kCent);
  if (rng.Chance(0.5)) {
    p.set_financing_need_fen(RoundTo(p.planned_investment_fen() * rng.Uniform(0.2, 0.6), kWan));
  }
  p.set_share_with_banks(rng.Chance(p.financing_need_fen() > 0 ? 0.8 : 0.3));
  p.set_start_period(codes::FormatPeriod(codes::PeriodFromIndex(t.start)));
  p.set_planned_completion_period(
      codes::FormatPeriod(codes::PeriodFromIndex(t.start + t.planned_months - 1)));
  p.set_description(absl::StrCat(owner.name(), words.product_line, kTypeWords[type], "，新增设备",
                                 5 + rng.Below(60), "台（套）"));
  return p;
}

// `count` projects' timings, starting from `first_start` to six months
// after as_of. Projects that ended before `growth_from` never reached the
// system: they are drawn and left out. The starts are evenly spread over
// their distribution (Poisson noise in the number of starts per year would
// blur the growth path in small data sets).
std::vector<Timing> DrawTimings(Random& rng, int count, int first_start, int growth_from,
                                int as_of) {
  std::vector<Timing> out;
  const double offset = rng.Uniform();
  for (int n = 0; static_cast<int>(out.size()) < count; ++n) {
    const Timing t = DrawTiming(rng, EvenlySpread(n, offset), first_start, as_of + kPlannedAhead);
    if (t.End() >= growth_from) out.push_back(t);
  }
  return out;
}

// Each project's size score (SizeScore), handed out in start order.
std::vector<double> SizeScores(Random& rng, const std::vector<Timing>& timings) {
  const int count = static_cast<int>(timings.size());
  std::vector<int> by_start(count);
  for (int i = 0; i < count; ++i) by_start[i] = i;
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](int a, int b) { return timings[a].start < timings[b].start; });
  std::vector<double> out(count);
  const double offset = rng.Uniform();
  for (int rank = 0; rank < count; ++rank) out[by_start[rank]] = SizeScore(rank, count, offset);
  return out;
}

// "YYYY-RRRRRR-DD-TT-NNNNNC": the start year, the county, department DD of
// the data set's tag (10-99: never a code techreno assigns, department 00),
// type 03 (tech-renovation) with the county's `n`th serial of the year, and
// the check character. A county that starts more than 99,999 projects in a
// year (only at scale 34 and up) goes on with type 04, 05, ...
std::string GeneratedProjectCode(const std::string& tag, int year, const std::string& county,
                                 int n) {
  const int block = (n - 1) / 99'999;
  return codes::MakeProjectCode(year, county, tag.substr(tag.size() - 2),
                                absl::StrFormat("%02d", 3 + block), (n - 1) % 99'999 + 1);
}

void AddReports(Random& rng, int project, int64_t planned, const Timing& t,
                const std::array<double, 4>& shares, int as_of, CountyData* out) {
  const int64_t spend = RoundTo(planned * rng.Uniform(0.85, 1.02), kCent);
  auto cumulative = [&](int months) {
    return RoundTo(spend * SCurve(static_cast<double>(months) / t.actual_months), kCent);
  };
  for (int k = 0; k < t.actual_months && t.start + k <= as_of; ++k) {
    const bool last = k == t.actual_months - 1;
    if (k > 0 && !last && rng.Chance(0.015)) {
      ++out->missing;
      continue;
    }
    GeneratedReport g;
    g.project = project;
    g.period_index = t.start + k;
    g.first_month = k == 0;
    g.last_month = last;
    g.figures = SplitAmount(cumulative(k + 1) - cumulative(k), shares);
    if (rng.Chance(0.03)) {  // filed with other figures first, then corrected
      g.corrected = true;
      int64_t first = RoundTo(g.figures.completed * rng.Uniform(0.7, 1.3), kCent);
      if (first == g.figures.completed) first += kCent;
      g.first_filed = SplitAmount(first, shares);
    }
    g.late = HalfClosedBy(codes::PeriodFromIndex(g.period_index), codes::PeriodFromIndex(as_of)) &&
             rng.Chance(0.04);
    out->reports.push_back(g);
  }
}

}  // namespace

std::string DataSetTag(const GeneratorOptions& o) {
  const uint64_t h = HashText(absl::StrCat(kGeneratorVersion, "/", o.seed, "/", o.scale, "/",
                                           codes::FormatPeriod(o.as_of)));
  return absl::StrFormat("LG%d-%02d", o.seed, 10 + h % 90);
}

std::string EnterpriseRequestId(const std::string& tag, const v1::Enterprise& e) {
  return absl::StrCat(tag, "-e-", e.credit_code());
}
std::string ProjectRequestId(const std::string& tag, const v1::Project& p) {
  return absl::StrCat(tag, "-p-", p.project_code());
}
std::string ReportRequestId(const std::string& tag, const v1::ProgressReport& r, bool correction) {
  return absl::StrCat(tag, "-r-", r.project_code(), "-", r.period(), correction ? "-c" : "");
}

absl::StatusOr<Generator> Generator::Create(const GeneratorOptions& options) {
  if (!(options.scale > 0 && options.scale <= 100)) {
    return absl::InvalidArgumentError(
        absl::StrCat("scale must be > 0 and ≤ 100 (1: Guangdong's size), got ", options.scale));
  }
  if (options.as_of.year < 2006 || options.as_of.year > 2099) {
    return absl::InvalidArgumentError("as_of must be a month of 2006–2099");
  }
  absl::StatusOr<GuangdongMix> mix = LoadGuangdongMix();
  if (!mix.ok()) return mix.status();
  return Generator(options, *std::move(mix));
}

std::vector<std::string> Generator::Counties() const {
  std::vector<std::string> out;
  for (const CountyMix& c : mix_.counties) out.push_back(c.county_code);
  return out;
}

int Generator::ProjectCount(const std::string& county_code) const {
  for (const CountyMix& c : mix_.counties) {
    if (c.county_code == county_code) {
      return std::max(1, static_cast<int>(std::lround(100'000 * options_.scale * c.project_share)));
    }
  }
  return 0;
}

codes::Period Generator::GrowthFrom() const { return {options_.as_of.year - 2, 1}; }

CountyData Generator::County(const std::string& county_code) const {
  CountyData out;
  out.county_code = county_code;
  auto county = std::find_if(mix_.counties.begin(), mix_.counties.end(),
                             [&](const CountyMix& c) { return c.county_code == county_code; });
  if (county == mix_.counties.end()) return out;
  Random rng(options_.seed, absl::StrCat(kGeneratorVersion, "/", county_code, "/", options_.scale,
                                         "/", codes::FormatPeriod(options_.as_of)));
  const int projects = ProjectCount(county_code);
  const int as_of = options_.as_of.Index();
  const int growth_from = GrowthFrom().Index();

  out.enterprises = MakeEnterprises(rng, HashText(tag_), *county, mix_,
                                    std::max(1, static_cast<int>(std::lround(projects / 1.5))));

  const std::vector<Timing> timings =
      DrawTimings(rng, projects, growth_from - kHistoryMonths, growth_from, as_of);
  const std::vector<double> size_score = SizeScores(rng, timings);

  std::map<int, int> serial_of_year;
  for (int serial = 1; serial <= projects; ++serial) {
    const Timing& t = timings[serial - 1];
    const v1::Enterprise& owner = out.enterprises[rng.Below(out.enterprises.size())];
    const int year = codes::PeriodFromIndex(t.start).year;
    const std::string code = GeneratedProjectCode(tag_, year, county_code, ++serial_of_year[year]);
    const std::array<double, 4> shares = ProjectSplit(rng);
    v1::Project p = MakeProject(rng, *county, owner, mix_.WordsFor(owner.industry_code()), t, code,
                                shares, size_score[serial - 1], tag_, serial);
    p.set_status(t.start > as_of ? v1::PROJECT_STATUS_PLANNED
                                 : v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
    AddReports(rng, static_cast<int>(out.projects.size()), p.planned_investment_fen(), t, shares,
               as_of, &out);
    out.projects.push_back(std::move(p));
  }
  std::sort(out.reports.begin(), out.reports.end(),
            [&](const GeneratedReport& a, const GeneratedReport& b) {
              return a.period_index != b.period_index ? a.period_index < b.period_index
                                                      : out.ProjectCode(a) < out.ProjectCode(b);
            });
  return out;
}

bool HalfClosedBy(const codes::Period& period, const codes::Period& as_of) {
  return period.Index() / 6 < (as_of.Index() + 1) / 6;  // half-years counted from year 0
}

void AddMonthlyTotals(const CountyData& county, std::map<int, int64_t>* by_period_index) {
  for (const GeneratedReport& g : county.reports) {
    (*by_period_index)[g.period_index] += g.figures.completed;
  }
}

v1::ProgressReport CountyData::Report(const GeneratedReport& g, bool first_filing) const {
  const Figures& f = first_filing && g.corrected ? g.first_filed : g.figures;
  v1::ProgressReport r;
  r.set_project_code(ProjectCode(g));
  r.set_period(codes::FormatPeriod(codes::PeriodFromIndex(g.period_index)));
  r.set_completed_investment_fen(f.completed);
  r.mutable_split()->set_building_works_fen(f.building);
  r.mutable_split()->set_installation_fen(f.installation);
  r.mutable_split()->set_equipment_tools_fen(f.equipment);
  r.mutable_split()->set_other_fen(f.other);
  r.set_status(g.last_month ? v1::PROJECT_STATUS_COMPLETED : v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  std::string note = g.first_month ? "项目开工" : g.last_month ? "项目竣工投产" : "";
  if (g.corrected && !first_filing) absl::StrAppend(&note, note.empty() ? "" : "；", "更正上报数");
  r.set_note(note);
  r.set_source_record_id(absl::StrCat(projects[g.project].source_record_id(), "-", r.period()));
  return r;
}

double GrowthOf(const std::map<int, int64_t>& by_period_index, const codes::Period& as_of) {
  int64_t this_year = 0, last_year = 0;
  for (int m = 1; m <= as_of.month; ++m) {
    auto at = [&](int year) {
      auto it = by_period_index.find(codes::Period{year, m}.Index());
      return it == by_period_index.end() ? int64_t{0} : it->second;
    };
    this_year += at(as_of.year);
    last_year += at(as_of.year - 1);
  }
  return last_year == 0 ? 0 : static_cast<double>(this_year) / last_year;
}

}  // namespace techreno::loadgen
