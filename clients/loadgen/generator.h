// A Guangdong-shaped data set of enterprises, projects and monthly progress
// reports, the same from the same seed, scale and month (random.h says why
// the standard library's distributions are not used).
//
// Scale 1 is Guangdong (about 100,000 projects over its 124 county-level
// units); 10 and 100 are for load, 0.01 for a demo. Each county's data
// depends only on (seed, scale, as_of, county), so counties are generated one
// at a time, in any order, and memory stays at one county's data.
//
// The shape (see guangdong_mix.h for the per-city figures):
//  - enterprises with valid credit codes registered in their county, their
//    industry from the county's belt mix, sizes and 两化融合 flags;
//  - projects with planned investment drawn from a long-tailed (log-normal)
//    distribution whose median is about twice the statistics' 500万 threshold,
//    so that about one project in five is under it (accepted, left out of the
//    statistics); renovation types, support and financing needs; at scale 1
//    the last full year's investment is about the plan's 2017 figure (3,930亿);
//  - starts growing by the plan's 27.5 % a year, so that with every project
//    spending along the same S-curves the investment completed per month
//    grows by 27.5 % a year too: this year's months against last year's come
//    out near 1.275 (GrowthOf() measures it);
//  - monthly reports along an S-curve (3x² − 2x³) of each project's actual
//    spend, split as the statistics bureau splits investment (building,
//    installation, equipment and tools, other: 56.67 / 8.01 / 15.35 / 19.97 %
//    on average, as Guangzhou's 2015 figures, varying by project); a fifth of
//    the projects take 20–60 % longer than planned (the lagging ones);
//  - 1.5 % of project-months never reported, 3 % corrected after a first
//    filing, and 4 % of the months of closed half-years filed late.
// Amounts are whole multiples of 0.01 万元 (100 yuan), as counties report them.
#ifndef TECHRENO_CLIENTS_LOADGEN_GENERATOR_H_
#define TECHRENO_CLIENTS_LOADGEN_GENERATOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/loadgen/guangdong_mix.h"
#include "libs/codes/codes.h"
#include "techreno/v1/monitoring.pb.h"
#include "techreno/v1/registry.pb.h"

namespace techreno::loadgen {

struct GeneratorOptions {
  uint64_t seed = 2015;
  double scale = 1;     // 1: Guangdong's size, ~100,000 projects
  codes::Period as_of;  // the last month reported (normally last month)
};

// A month's investment in fen: the total and its split (the parts add up to it).
struct Figures {
  int64_t completed = 0, building = 0, installation = 0, equipment = 0, other = 0;
};

// One project-month as the county filed it, kept compact (a large county at
// scale 10 has about a million of them): CountyData::Report makes the message.
struct GeneratedReport {
  int32_t project = 0;       // index into CountyData::projects
  int32_t period_index = 0;  // codes::Period::Index()
  Figures figures;           // as they stand in the end
  bool corrected = false;    // filed first with `first_filed`, then corrected
  Figures first_filed;
  bool late = false;  // filed after its half-year's deadline (only closed half-years)
  bool first_month = false, last_month = false;  // of the project (last: COMPLETED)
};

// One county's data set.
struct CountyData {
  std::string county_code;
  std::vector<v1::Enterprise> enterprises;
  std::vector<v1::Project> projects;     // project codes supplied, source_record_id set
  std::vector<GeneratedReport> reports;  // by period, then project code
  int64_t missing = 0;                   // project-months the county never reported

  const std::string& ProjectCode(const GeneratedReport& g) const {
    return projects[g.project].project_code();
  }
  // The report as filed: its final figures, or with `first_filing` those it
  // was first filed with (the same for a month never corrected). Its
  // source_record_id is the project's and the month's.
  v1::ProgressReport Report(const GeneratedReport& g, bool first_filing = false) const;
};

// A data set's tag, "LG<seed>-<DD>": DD (10–99) is a hash of its seed, scale
// and month, and its projects' department code ("YYYY-RRRRRR-DD-03-NNNNNC").
// Every generated source_record_id starts with the tag and "-", the request
// ids carry it, and enterprise credit codes depend on it. A database is meant
// to hold one data set: two collide only when their DD match (the
// simulator's check would show it).
std::string DataSetTag(const GeneratorOptions& options);

// Request ids a county system would use: the same record gets the same id on
// every run of the same data set, so re-pushing it replays instead of writing
// twice.
std::string EnterpriseRequestId(const std::string& tag, const v1::Enterprise& e);
std::string ProjectRequestId(const std::string& tag, const v1::Project& p);
// `correction`: the second filing of a corrected month.
std::string ReportRequestId(const std::string& tag, const v1::ProgressReport& r, bool correction);

class Generator {
 public:
  // INVALID_ARGUMENT for a scale outside (0, 100] or a month before 2006 (the
  // data set reaches back up to five years before `as_of`).
  static absl::StatusOr<Generator> Create(const GeneratorOptions& options);

  const GeneratorOptions& options() const { return options_; }
  // Every county-level unit, in code order.
  std::vector<std::string> Counties() const;
  // Projects the county gets (at least 1).
  int ProjectCount(const std::string& county_code) const;
  // January two years before as_of's: from here on, monthly totals follow the
  // growth path (earlier months lack the projects that ended before it), so
  // that last year compares with the year before as this year with last.
  codes::Period GrowthFrom() const;
  CountyData County(const std::string& county_code) const;
  const std::string& tag() const { return tag_; }  // DataSetTag(options())

 private:
  Generator(GeneratorOptions options, GuangdongMix mix)
      : options_(options), tag_(DataSetTag(options)), mix_(std::move(mix)) {}
  GeneratorOptions options_;
  std::string tag_;
  GuangdongMix mix_;
};

// True when `period`'s half-year deadline (June 30, December 31) has passed
// in the month after as_of, when the data set is pushed.
bool HalfClosedBy(const codes::Period& period, const codes::Period& as_of);

// Investment completed per period (fen) over the final figures of `reports`.
void AddMonthlyTotals(const CountyData& county, std::map<int, int64_t>* by_period_index);

// This year's months (January .. as_of) against the same months of last
// year, over monthly totals by period index: the growth the plan puts at 1.275.
double GrowthOf(const std::map<int, int64_t>& by_period_index, const codes::Period& as_of);

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_GENERATOR_H_
