#include "services/monitoring/aggregate_sources.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"

namespace techreno::monitoring {
namespace {

using Dim = v1::AggregateDimension;

// The first month whose figures any bucket needs: January of the year before
// the first bucket (prior-year and year-to-date figures).
int WindowFirst(const AggregateScope& s) { return (s.buckets.front().first / 12 - 1) * 12; }
int WindowLast(const AggregateScope& s) { return s.buckets.back().last; }

// Every combination of one value per dimension.
std::vector<AggregateKey> Product(const std::vector<std::vector<std::string>>& values) {
  std::vector<AggregateKey> keys(1);
  for (const auto& options : values) {
    std::vector<AggregateKey> next;
    for (const AggregateKey& k : keys) {
      for (const std::string& v : options) {
        AggregateKey extended = k;
        extended.push_back(v);
        next.push_back(std::move(extended));
      }
    }
    keys = std::move(next);
  }
  return keys;
}

std::string RegionAt(const v1::QueryAggregatesRequest& r, const std::string& county) {
  const auto& regions = store::Reference().regions;
  switch (r.region_tier()) {
    case v1::REGION_TIER_COUNTY:
      return county;
    case v1::REGION_TIER_CITY:
      return regions.CityOf(county);
    default:
      return regions.ProvinceCode();
  }
}

std::vector<std::string> GroupsOf(const v1::QueryAggregatesRequest& r, const std::string& county) {
  const auto& ref = store::Reference();
  std::vector<std::string> out;
  for (const codes::RegionGroup& g : ref.region_groups.All()) {
    const bool asked = r.region_group_ids().empty() ||
                       std::count(r.region_group_ids().begin(), r.region_group_ids().end(), g.id);
    if (asked && ref.region_groups.ContainsCounty(g.id, county, ref.regions)) out.push_back(g.id);
  }
  return out;
}

// A month-indexed series of one summary cell, for the summaries path.
struct Series {
  std::map<int, int64_t> monthly;
  int64_t opening = 0;  // everything before the window
  struct Cohort {
    int start, completion;
    int64_t count, planned;
  };
  std::vector<Cohort> cohorts;

  int64_t Sum(int first, int last) const {
    int64_t sum = 0;
    for (auto it = monthly.lower_bound(first); it != monthly.end() && it->first <= last; ++it) {
      sum += it->second;
    }
    return sum;
  }
  std::vector<Figures> Per(const std::vector<Bucket>& buckets) const {
    std::vector<Figures> out(buckets.size());
    for (size_t i = 0; i < buckets.size(); ++i) {
      const Bucket& b = buckets[i];
      const int jan = b.last - b.last % 12;
      Figures& f = out[i];
      f.completed = Sum(b.first, b.last);
      f.ytd = Sum(jan, b.last);
      f.since_start = opening + Sum(std::numeric_limits<int>::min(), b.last);
      f.prior = Sum(b.first - 12, b.last - 12);
      f.prior_ytd = Sum(jan - 12, b.last - 12);
      for (const Cohort& c : cohorts) {
        if (c.start <= b.last && (c.completion < 0 || c.completion >= b.first)) {
          f.projects += c.count;
          f.planned += c.planned;
        }
      }
    }
    return out;
  }
};

int StartIndex(const char* period) {
  auto p = codes::ParsePeriod(period);
  return p.ok() ? p->Index() : 0;
}

// The summaries of one dimension in a window, per (county or '', value): in
// the given counties, or everywhere (the whole province reads one range of
// the key instead of one per county; $4 / $3 is then unused).
#define TECHRENO_MONTHS_SQL(COUNTIES)                                                    \
  "SELECT CASE WHEN $1 THEN county_code ELSE '' END, value, "                            \
  "  greatest(period_index, $2 - 1), sum(completed_fen)::bigint "                        \
  "FROM monitoring_summary_months WHERE dimension = $3 AND " COUNTIES                    \
  " AND period_index <= $5 AND (cardinality($6::int[]) = 0 OR value = ANY ($6::int[])) " \
  "GROUP BY 1, 2, 3"
#define TECHRENO_COHORTS_SQL(COUNTIES)                                     \
  "SELECT CASE WHEN $1 THEN county_code ELSE '' END, value, start_index, " \
  "  completion_index, sum(projects)::bigint, sum(planned_fen)::bigint "   \
  "FROM monitoring_summary_cohorts WHERE dimension = $2 AND " COUNTIES     \
  " AND (cardinality($4::int[]) = 0 OR value = ANY ($4::int[])) "          \
  "GROUP BY 1, 2, 3, 4 HAVING sum(projects) <> 0"
constexpr char kMonthsInCounties[] = TECHRENO_MONTHS_SQL("county_code = ANY ($4::text[])");
constexpr char kMonthsEverywhere[] = TECHRENO_MONTHS_SQL("$4::text[] IS NOT NULL");
constexpr char kCohortsInCounties[] = TECHRENO_COHORTS_SQL("county_code = ANY ($3::text[])");
constexpr char kCohortsEverywhere[] = TECHRENO_COHORTS_SQL("$3::text[] IS NOT NULL");
#undef TECHRENO_MONTHS_SQL
#undef TECHRENO_COHORTS_SQL

// How many county-level units Guangdong has (the reference data's).
size_t CountyLevelUnits() {
  static const size_t count = [] {
    const auto& regions = store::Reference().regions;
    return static_cast<size_t>(
        std::count_if(regions.All().begin(), regions.All().end(),
                      [&](const codes::Region& r) { return regions.IsCountyLevel(r.code); }));
  }();
  return count;
}

std::string CountyArray(const AggregateScope& s) {
  return absl::StrCat("{", absl::StrJoin(s.counties, ","), "}");
}

// 竣工 / 新开工 / 续建 within `year`, in that precedence, for a project that
// starts in month `start` and completed in month `completion` (-1: not yet);
// UNSPECIFIED when it has no stage that year (completed before it, or starts
// after it).
v1::ProjectStage StageIn(int start, int completion, int year) {
  if (completion >= 0 && completion / 12 == year) return v1::PROJECT_STAGE_COMPLETED;
  if (completion >= 0 && completion / 12 < year) return v1::PROJECT_STAGE_UNSPECIFIED;
  if (start / 12 == year) return v1::PROJECT_STAGE_NEW_START;
  if (start / 12 > year) return v1::PROJECT_STAGE_UNSPECIFIED;
  return v1::PROJECT_STAGE_CONTINUING;
}

// The one dimension beyond region and region group that rows are grouped by
// (UNSPECIFIED when none); nullopt when there are more.
std::optional<int> AttributeDimension(const v1::QueryAggregatesRequest& r) {
  std::optional<int> found;
  for (int d : r.group_by()) {
    if (d == v1::AGGREGATE_DIMENSION_REGION || d == v1::AGGREGATE_DIMENSION_REGION_GROUP) continue;
    if (found.has_value()) return std::nullopt;
    found = d;
  }
  return found.value_or(v1::AGGREGATE_DIMENSION_UNSPECIFIED);
}

// Adds the figures that belong to the bucket's own year, or those of the
// year before (prior-year comparisons).
void AddCurrent(Figures& into, const Figures& f) {
  into.projects += f.projects;
  into.planned += f.planned;
  into.completed += f.completed;
  into.ytd += f.ytd;
  into.since_start += f.since_start;
}
void AddPrior(Figures& into, const Figures& f) {
  into.prior += f.prior;
  into.prior_ytd += f.prior_ytd;
}

}  // namespace

bool NeedsProjects(const v1::QueryAggregatesRequest& r) {
  const std::optional<int> d = AttributeDimension(r);
  if (!d.has_value()) return true;
  for (const std::string& code : r.industry_codes()) {
    if (code.size() != 2) return true;
  }
  if (!r.industry_codes().empty() && *d != v1::AGGREGATE_DIMENSION_UNSPECIFIED &&
      *d != v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION) {
    return true;
  }
  for (int m : r.metrics()) {
    if (m == v1::AGGREGATE_METRIC_ENTERPRISES_COMPLETED ||
        m == v1::AGGREGATE_METRIC_INTEGRATION_ENTERPRISES) {
      return true;
    }
  }
  return !r.renovation_types().empty() || !r.support_instruments().empty() ||
         !r.revenue_bands().empty() || !r.project_stages().empty();
}

AggregateData FromSummaries(pqxx::transaction_base& tx, const AggregateScope& scope) {
  const v1::QueryAggregatesRequest& r = *scope.request;
  const int attribute = *AttributeDimension(r);
  // The summaries' dimension to read: the attribute's, or the division's when
  // only a division filter applies, or 0 (every project once).
  const int source = attribute != v1::AGGREGATE_DIMENSION_UNSPECIFIED ? attribute
                     : r.industry_codes().empty()                     ? 0
                                                  : v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION;
  std::vector<int> values;  // the division filter, as the summaries store divisions
  for (const std::string& code : r.industry_codes()) {
    int division = 0;
    if (absl::SimpleAtoi(code, &division)) values.push_back(division);  // validated: "06"-"46"
  }
  const std::string value_filter = absl::StrCat("{", absl::StrJoin(values, ","), "}");
  // Counties matter only when rows are by region or group; otherwise they are
  // summed away in SQL.
  const bool by_county = std::any_of(r.group_by().begin(), r.group_by().end(), [](int d) {
    return d == v1::AGGREGATE_DIMENSION_REGION || d == v1::AGGREGATE_DIMENSION_REGION_GROUP;
  });
  const bool by_stage = attribute == v1::AGGREGATE_DIMENSION_PROJECT_STAGE;
  // A renovation type or instrument counts a project under each of its
  // values: the totals then come from dimension 0 (each project once).
  const bool multi_valued = attribute == v1::AGGREGATE_DIMENSION_RENOVATION_TYPE ||
                            attribute == v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT;
  // One series per (county or "", dimension value). Its cohorts say which
  // projects have the value now: a row exists for a value some project has
  // (as on the project path), not for cells a project's change left at zero.
  using Cell = std::pair<std::string, int>;
  auto load = [&](int dimension, bool filtered) {
    std::map<Cell, Series> series;
    const std::string filter = filtered ? value_filter : "{}";
    const bool everywhere = scope.counties.size() == CountyLevelUnits();
    for (const auto& row : store::Exec(
             tx, everywhere ? "agg_summary_months_all" : "agg_summary_months",
             everywhere ? kMonthsEverywhere : kMonthsInCounties, by_county, WindowFirst(scope),
             dimension, CountyArray(scope), WindowLast(scope), filter)) {
      Series& s = series[{row[0].c_str(), row[1].as<int>()}];
      const int index = row[2].as<int>();
      (index < WindowFirst(scope) ? s.opening : s.monthly[index]) += row[3].as<int64_t>();
    }
    for (const auto& row :
         store::Exec(tx, everywhere ? "agg_summary_cohorts_all" : "agg_summary_cohorts",
                     everywhere ? kCohortsEverywhere : kCohortsInCounties, by_county, dimension,
                     CountyArray(scope), filter)) {
      series[{row[0].c_str(), row[1].as<int>()}].cohorts.push_back(
          {row[2].as<int>(), row[3].as<int>(), row[4].as<int64_t>(), row[5].as<int64_t>()});
    }
    return series;
  };
  // A cell's stage in a year (stage cells only; any stage but UNSPECIFIED
  // otherwise), from its value: start year × 10000 + completion year.
  auto stage_of = [&](const Cell& cell, int year) {
    if (!by_stage) return v1::PROJECT_STAGE_CONTINUING;
    const int start_year = cell.second / 10000, completion_year = cell.second % 10000;
    return StageIn(start_year * 12, completion_year == 9999 ? -1 : completion_year * 12, year);
  };
  // The row keys of a cell in a year (a stage depends on the year).
  auto keys_of = [&](const Cell& cell, int year) {
    std::vector<std::vector<std::string>> parts;
    for (int d : r.group_by()) {
      if (d == v1::AGGREGATE_DIMENSION_REGION) {
        parts.push_back({RegionAt(r, cell.first)});
      } else if (d == v1::AGGREGATE_DIMENSION_REGION_GROUP) {
        parts.push_back(GroupsOf(r, cell.first));
      } else if (d == v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION) {
        parts.push_back({absl::StrFormat("%02d", cell.second)});
      } else if (by_stage) {
        parts.push_back({absl::StrCat(static_cast<int>(stage_of(cell, year)))});
      } else {
        parts.push_back({absl::StrCat(cell.second)});
      }
    }
    return Product(parts);
  };

  AggregateData out;
  out.totals.resize(scope.buckets.size());
  for (const auto& [cell, series] : load(source, /*filtered=*/true)) {
    if (series.cohorts.empty()) continue;  // every figure is zero
    const std::vector<Figures> figures = series.Per(scope.buckets);
    for (size_t i = 0; i < scope.buckets.size(); ++i) {
      const int year = scope.buckets[i].last / 12;
      // A project has no stage in a year it had not started or had already
      // completed: with rows by stage it is left out of that year.
      if (stage_of(cell, year) != v1::PROJECT_STAGE_UNSPECIFIED) {
        for (const AggregateKey& key : keys_of(cell, year)) {
          auto& row = out.rows[key];
          row.resize(scope.buckets.size());
          AddCurrent(row[i], figures[i]);
        }
        if (!multi_valued) AddCurrent(out.totals[i], figures[i]);
      }
      if (stage_of(cell, year - 1) != v1::PROJECT_STAGE_UNSPECIFIED) {
        for (const AggregateKey& key : keys_of(cell, year - 1)) {
          auto& row = out.rows[key];
          row.resize(scope.buckets.size());
          AddPrior(row[i], figures[i]);
        }
        if (!multi_valued) AddPrior(out.totals[i], figures[i]);
      }
    }
  }
  if (multi_valued) {
    for (const auto& [cell, series] : load(0, /*filtered=*/false)) {
      const std::vector<Figures> figures = series.Per(scope.buckets);
      for (size_t i = 0; i < scope.buckets.size(); ++i) {
        AddCurrent(out.totals[i], figures[i]);
        AddPrior(out.totals[i], figures[i]);
      }
    }
  }
  return out;
}

namespace {

// One project in scope with its reports, for the project path.
struct ProjectData {
  std::string county, industry, credit_code;
  std::vector<int> types, supports;
  int revenue_band = 0, start = 0, completion = -1;
  bool above_size = false, pilot = false, certified = false;
  int64_t planned = 0, opening = 0;  // opening: every month before the window
  // (month index, amount) within the window; after Accumulate, sorted by
  // month with running totals, so that Sum is two binary searches.
  std::vector<std::pair<int, int64_t>> months;

  void Accumulate() {
    std::sort(months.begin(), months.end());
    for (size_t i = 1; i < months.size(); ++i) months[i].second += months[i - 1].second;
  }
  // Total of the months first..last (within the window), once accumulated.
  int64_t Sum(int first, int last) const {
    if (first > last) return 0;
    return RunningTotal(last) -
           RunningTotal(first == std::numeric_limits<int>::min() ? first : first - 1);
  }
  int64_t RunningTotal(int through) const {  // months up to and including `through`
    auto it = std::upper_bound(months.begin(), months.end(), through,
                               [](int m, const std::pair<int, int64_t>& e) { return m < e.first; });
    return it == months.begin() ? 0 : std::prev(it)->second;
  }
  v1::ProjectStage StageIn(int year) const { return monitoring::StageIn(start, completion, year); }
};

std::vector<int> IntArray(absl::string_view text) {
  std::vector<int> out;
  text = absl::StripPrefix(absl::StripSuffix(text, "}"), "{");
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int v = 0;
    if (absl::SimpleAtoi(part, &v)) out.push_back(v);
  }
  return out;
}

template <typename Repeated>
bool AnyOf(const Repeated& wanted, const std::vector<int>& have) {
  if (wanted.empty()) return true;
  for (int v : have) {
    if (std::count(wanted.begin(), wanted.end(), v)) return true;
  }
  return false;
}

std::vector<std::string> AsStrings(const std::vector<int>& values) {
  std::vector<std::string> out;
  for (int v : values) out.push_back(absl::StrCat(v));
  if (out.empty()) out.push_back("0");  // e.g. no support requested
  return out;
}

}  // namespace

AggregateData FromProjects(pqxx::transaction_base& tx, const AggregateScope& scope) {
  const v1::QueryAggregatesRequest& r = *scope.request;
  std::vector<ProjectData> projects;
  absl::flat_hash_map<std::string, uint32_t> position;  // code → index in `projects`
  for (const auto& row : store::Exec(
           tx, "agg_projects",
           "SELECT p.project_code, p.county_code, p.industry_code, p.renovation_types::text, "
           "p.requested_support::text, p.planned_investment_fen, p.start_period, "
           "coalesce(least(c.completion, p.completion_index), -1), e.credit_code, e.revenue_band, "
           "e.above_designated_size, "
           "e.integration_pilot, e.integration_certified "
           "FROM v_projects p JOIN v_enterprises e ON e.credit_code = p.enterprise_credit_code "
           "LEFT JOIN (SELECT project_code, min(period_index) AS completion "
           "  FROM monitoring_reports WHERE status = 3 /* COMPLETED */ GROUP BY project_code) c "
           "USING (project_code) WHERE p.county_code = ANY ($1::text[]) "
           "AND p.planned_investment_fen >= 500000000 AND p.status <> 5 /* WITHDRAWN */",
           CountyArray(scope))) {
    ProjectData p;
    p.county = row[1].c_str();
    p.industry = row[2].c_str();
    p.types = IntArray(row[3].c_str());
    p.supports = IntArray(row[4].c_str());
    p.planned = row[5].as<int64_t>();
    p.start = StartIndex(row[6].c_str());
    p.completion = row[7].as<int>();
    p.credit_code = row[8].c_str();
    p.revenue_band = row[9].as<int>();
    p.above_size = row[10].as<bool>();
    p.pilot = row[11].as<bool>();
    p.certified = row[12].as<bool>();
    const bool industry_ok =
        r.industry_codes().empty() ||
        std::any_of(r.industry_codes().begin(), r.industry_codes().end(), [&](const auto& c) {
          return p.industry == c || codes::IndustryTable::DivisionOf(p.industry) == c;
        });
    if (!industry_ok || !AnyOf(r.renovation_types(), p.types) ||
        !AnyOf(r.support_instruments(), p.supports) ||
        !AnyOf(r.revenue_bands(), std::vector<int>{p.revenue_band})) {
      continue;
    }
    position.emplace(row[0].c_str(), projects.size());
    projects.push_back(std::move(p));
  }
  for (const auto& row :
       store::Exec(tx, "agg_project_reports",
                   "SELECT project_code, period_index, completed_fen FROM monitoring_reports "
                   "WHERE county_code = ANY ($1::text[]) AND period_index <= $2",
                   CountyArray(scope), WindowLast(scope))) {
    auto it = position.find(absl::string_view(row[0].c_str(), row[0].size()));
    if (it == position.end()) continue;
    ProjectData& p = projects[it->second];
    const int index = row[1].as<int>();
    if (index < WindowFirst(scope)) {
      p.opening += row[2].as<int64_t>();
    } else {
      p.months.emplace_back(index, row[2].as<int64_t>());
    }
  }
  for (ProjectData& p : projects) p.Accumulate();

  const bool enterprises = std::count(r.metrics().begin(), r.metrics().end(),
                                      v1::AGGREGATE_METRIC_ENTERPRISES_COMPLETED) > 0;
  const bool integration = std::count(r.metrics().begin(), r.metrics().end(),
                                      v1::AGGREGATE_METRIC_INTEGRATION_ENTERPRISES) > 0;
  AggregateData out;
  out.totals.resize(scope.buckets.size());
  auto keys_at = [&](const ProjectData& p, int year) {
    std::vector<std::vector<std::string>> values;
    for (int d : r.group_by()) {
      switch (d) {
        case v1::AGGREGATE_DIMENSION_REGION:
          values.push_back({RegionAt(r, p.county)});
          break;
        case v1::AGGREGATE_DIMENSION_REGION_GROUP:
          values.push_back(GroupsOf(r, p.county));
          break;
        case v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION:
          values.push_back({codes::IndustryTable::DivisionOf(p.industry)});
          break;
        case v1::AGGREGATE_DIMENSION_RENOVATION_TYPE:
          values.push_back(AsStrings(p.types));
          break;
        case v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT:
          values.push_back(AsStrings(p.supports));
          break;
        case v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE:
          values.push_back({absl::StrCat(p.revenue_band)});
          break;
        default:
          values.push_back({absl::StrCat(static_cast<int>(p.StageIn(year)))});
      }
    }
    return Product(values);
  };
  const bool by_stage = std::count(r.group_by().begin(), r.group_by().end(),
                                   v1::AGGREGATE_DIMENSION_PROJECT_STAGE) > 0;
  auto stage_ok = [&](const ProjectData& p, int year) {
    const v1::ProjectStage stage = p.StageIn(year);
    if ((by_stage || !r.project_stages().empty()) && stage == v1::PROJECT_STAGE_UNSPECIFIED) {
      return false;
    }
    return r.project_stages().empty() ||
           std::count(r.project_stages().begin(), r.project_stages().end(), stage) > 0;
  };
  // A project's keys depend only on the year (through its stage): they and
  // their rows are looked up once per year, not once per bucket.
  auto rows_for = [&](const ProjectData& p, int year) {
    std::vector<std::vector<Figures>*> rows;
    for (const AggregateKey& key : keys_at(p, year)) {
      auto& figures = out.rows[key];
      figures.resize(scope.buckets.size());
      rows.push_back(&figures);
    }
    return rows;
  };
  for (const ProjectData& p : projects) {
    int year = std::numeric_limits<int>::min();
    bool now_ok = false, prior_ok = false;
    std::vector<std::vector<Figures>*> now_rows, prior_rows;
    for (size_t i = 0; i < scope.buckets.size(); ++i) {
      const Bucket& b = scope.buckets[i];
      const int jan = b.last - b.last % 12;
      if (b.last / 12 != year) {
        year = b.last / 12;
        now_ok = stage_ok(p, year);
        now_rows = now_ok ? rows_for(p, year) : std::vector<std::vector<Figures>*>{};
        prior_ok = stage_ok(p, year - 1);
        prior_rows = prior_ok ? rows_for(p, year - 1) : std::vector<std::vector<Figures>*>{};
      }
      auto add_now = [&](Figures& f) {
        if (p.start <= b.last && (p.completion < 0 || p.completion >= b.first)) {
          ++f.projects;
          f.planned += p.planned;
        }
        f.completed += p.Sum(b.first, b.last);
        f.ytd += p.Sum(jan, b.last);
        f.since_start += p.opening + p.Sum(std::numeric_limits<int>::min(), b.last);
        if (enterprises && p.above_size && p.completion >= b.first && p.completion <= b.last) {
          f.completed_enterprises.insert(p.credit_code);
        }
        if (enterprises && p.above_size && p.completion >= jan && p.completion <= b.last) {
          f.completed_enterprises_ytd.insert(p.credit_code);
        }
        if (integration && p.pilot) f.pilot_enterprises.insert(p.credit_code);
        if (integration && p.certified) f.certified_enterprises.insert(p.credit_code);
      };
      auto add_prior = [&](Figures& f) {
        f.prior += p.Sum(b.first - 12, b.last - 12);
        f.prior_ytd += p.Sum(jan - 12, b.last - 12);
      };
      // The stage is that of the bucket's year; the prior-year figures go to
      // the row of the stage the project had a year earlier.
      if (now_ok) {
        add_now(out.totals[i]);
        for (auto* figures : now_rows) add_now((*figures)[i]);
      }
      if (prior_ok) {
        add_prior(out.totals[i]);
        for (auto* figures : prior_rows) add_prior((*figures)[i]);
      }
    }
  }
  return out;
}

}  // namespace techreno::monitoring
