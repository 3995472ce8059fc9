// Unit tests of the Guangdong-shaped data generator (clients/loadgen): the
// same data from the same seed, valid codes, the plan's shape (belts,
// threshold, split, growth path), late / missing / corrected reports, and
// files that the techreno CLI reads back into the same records.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cli/record_reader.h"
#include "clients/loadgen/dataset_files.h"
#include "clients/loadgen/generator.h"
#include "clients/loadgen/random.h"
#include "gtest/gtest.h"
#include "libs/codes/codes.h"
#include "libs/store/reference_data.h"

namespace techreno::loadgen {
namespace {

constexpr codes::Period kAsOf{2026, 11};

Generator Make(double scale, uint64_t seed = 2015, codes::Period as_of = kAsOf) {
  absl::StatusOr<Generator> g = Generator::Create({seed, scale, as_of});
  EXPECT_TRUE(g.ok()) << g.status();
  return *std::move(g);
}

std::string Serialized(const CountyData& d) {
  std::string out;
  for (const auto& e : d.enterprises) out += e.SerializeAsString();
  for (const auto& p : d.projects) out += p.SerializeAsString();
  for (const auto& r : d.reports) {
    out += d.Report(r).SerializeAsString() + (r.late ? "L" : "-");
    if (r.corrected) out += d.Report(r, true).SerializeAsString();
  }
  return out;
}

TEST(Generator, RejectsScaleOutOfRange) {
  EXPECT_FALSE(Generator::Create({1, 0, kAsOf}).ok());
  EXPECT_FALSE(Generator::Create({1, 101, kAsOf}).ok());
}

TEST(Generator, SameSeedSameDataOtherSeedOtherData) {
  const Generator a = Make(0.05), b = Make(0.05), c = Make(0.05, 2016);
  for (const std::string county : {"440103", "441900", "445381"}) {
    EXPECT_EQ(Serialized(a.County(county)), Serialized(b.County(county))) << county;
    EXPECT_NE(Serialized(a.County(county)), Serialized(c.County(county))) << county;
  }
  // Each data set has a tag of its own: its projects' codes and source ids differ.
  EXPECT_EQ(a.tag(), b.tag());
  EXPECT_NE(a.tag(), Make(0.06).tag());
  EXPECT_NE(a.tag(), Make(0.05, 2015, {2026, 10}).tag());
  const CountyData liwan = a.County("440103");
  EXPECT_EQ(liwan.projects[0].source_record_id().rfind(a.tag() + "-", 0), 0u);
  EXPECT_EQ(liwan.projects[0].project_code().substr(12, 2), a.tag().substr(a.tag().size() - 2));
  // A county's data does not depend on which counties were generated before it.
  const Generator d = Make(0.05);
  (void)d.County("440604");
  EXPECT_EQ(Serialized(d.County("440103")), Serialized(a.County("440103")));
}

// A fingerprint of one county's data. When it changes, the generator's output
// changed: raise kGeneratorVersion (generator.cc), so that the new data gets
// other request ids than the old, and put the new value here.
TEST(Generator, OutputFingerprint) {
  EXPECT_EQ(HashText(Serialized(Make(0.05).County("440103"))), 6409588280000478169ull)
      << "the generator's output changed: raise kGeneratorVersion and update this value";
}

TEST(Generator, GuangdongSizeAtScaleOne) {
  const Generator g = Make(1);
  EXPECT_EQ(g.Counties().size(), 124u);  // 122 county-level units + Dongguan + Zhongshan
  int64_t total = 0;
  for (const std::string& c : g.Counties()) total += g.ProjectCount(c);
  EXPECT_NEAR(total, 100'000, 1'000);
}

TEST(Generator, CodesAreValidAndRegisteredInTheirCounty) {
  const Generator g = Make(0.05);
  std::set<std::string> project_codes;
  for (const std::string& county : g.Counties()) {
    const CountyData d = g.County(county);
    std::set<std::string> credit;
    for (const auto& e : d.enterprises) {
      EXPECT_TRUE(codes::ValidateCreditCode(e.credit_code()).ok()) << e.credit_code();
      EXPECT_EQ(e.credit_code().substr(2, 6), county);
      EXPECT_EQ(e.county_code(), county);
      EXPECT_TRUE(credit.insert(e.credit_code()).second) << "duplicate " << e.credit_code();
      EXPECT_NE(store::Reference().industries.Find(e.industry_code()), nullptr);
    }
    for (const auto& p : d.projects) {
      auto code = codes::ParseProjectCode(p.project_code());
      ASSERT_TRUE(code.ok()) << p.project_code();
      EXPECT_EQ(code->region, county);
      EXPECT_FALSE(codes::IsAssignedProjectCode(p.project_code()));  // never one techreno assigns
      EXPECT_TRUE(project_codes.insert(p.project_code()).second) << p.project_code();
      EXPECT_EQ(credit.count(p.enterprise_credit_code()), 1u);
      EXPECT_LE(p.start_period(), p.planned_completion_period());
      EXPECT_LE(p.planned_equipment_investment_fen(), p.planned_investment_fen());
      EXPECT_LE(p.financing_need_fen(), p.planned_investment_fen());
    }
  }
}

TEST(Generator, ReportsFollowTheirProjectAndSplitExactly) {
  const Generator g = Make(0.05);
  for (const std::string county : {"440103", "440606", "441900", "445302"}) {
    const CountyData d = g.County(county);
    std::map<std::string, const v1::Project*> projects;
    for (const auto& p : d.projects) projects[p.project_code()] = &p;
    std::map<std::string, int> completed;
    for (const GeneratedReport& r : d.reports) {
      const v1::ProgressReport rep = d.Report(r);
      ASSERT_EQ(projects.count(rep.project_code()), 1u);
      const v1::Project& p = *projects[rep.project_code()];
      EXPECT_GE(rep.period(), p.start_period());
      EXPECT_LE(rep.period(), codes::FormatPeriod(kAsOf));
      EXPECT_EQ(rep.completed_investment_fen() % 10'000, 0);  // 0.01 万元
      for (const v1::ProgressReport& x : {rep, d.Report(r, /*first_filing=*/true)}) {
        const auto& s = x.split();
        EXPECT_GE(s.building_works_fen(), 0);
        EXPECT_EQ(
            s.building_works_fen() + s.installation_fen() + s.equipment_tools_fen() + s.other_fen(),
            x.completed_investment_fen());
      }
      if (r.corrected) {
        EXPECT_NE(d.Report(r, true).completed_investment_fen(), rep.completed_investment_fen());
        EXPECT_NE(rep.note().find("更正"), std::string::npos);
      }
      if (r.late) {
        EXPECT_TRUE(HalfClosedBy(*codes::ParsePeriod(rep.period()), kAsOf)) << rep.period();
      }
      if (rep.status() == v1::PROJECT_STATUS_COMPLETED) ++completed[rep.project_code()];
      EXPECT_NE(p.status(), v1::PROJECT_STATUS_PLANNED) << "a planned project reported";
    }
    for (const auto& [code, n] : completed) EXPECT_EQ(n, 1) << code;
  }
}

// At Guangdong's size (the growth path needs it: a few big projects move a
// smaller data set's totals by several points).
TEST(Generator, ThePlansShape) {
  const Generator g = Make(1);
  const auto& groups = store::Reference().region_groups;
  const auto& regions = store::Reference().regions;
  int64_t projects = 0, under_threshold = 0, delta = 0, reports = 0, late = 0, corrected = 0;
  int64_t missing = 0;
  int64_t parts[4] = {0, 0, 0, 0};
  std::map<std::string, int64_t> shenzhen_industries;
  std::map<int, int64_t> monthly;
  for (const std::string& county : g.Counties()) {
    const CountyData d = g.County(county);
    const bool pearl_river = groups.ContainsCounty("east-bank-electronics", county, regions) ||
                             groups.ContainsCounty("west-bank-equipment", county, regions);
    for (const auto& p : d.projects) {
      ++projects;
      under_threshold += p.planned_investment_fen() < 500'000'000;
      delta += pearl_river;
      if (regions.CityOf(county) == "440300") ++shenzhen_industries[p.industry_code()];
    }
    for (const GeneratedReport& r : d.reports) {
      ++reports;
      late += r.late;
      corrected += r.corrected;
      parts[0] += r.figures.building;
      parts[1] += r.figures.installation;
      parts[2] += r.figures.equipment;
      parts[3] += r.figures.other;
    }
    missing += d.missing;
    AddMonthlyTotals(d, &monthly);
  }
  // About one project in five under the statistics' 500万.
  EXPECT_NEAR(static_cast<double>(under_threshold) / projects, 0.2, 0.06);
  // The Pearl River Delta belts hold about two thirds of the projects.
  EXPECT_NEAR(static_cast<double>(delta) / projects, 0.66, 0.06);
  // Shenzhen is electronics first.
  auto top = std::max_element(shenzhen_industries.begin(), shenzhen_industries.end(),
                              [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_EQ(top->first, "39");
  // The statistics bureau's split, on average (Guangzhou 2015).
  const double total = parts[0] + parts[1] + parts[2] + parts[3];
  EXPECT_NEAR(parts[0] / total, 0.5667, 0.04);
  EXPECT_NEAR(parts[1] / total, 0.0801, 0.02);
  EXPECT_NEAR(parts[2] / total, 0.1535, 0.03);
  EXPECT_NEAR(parts[3] / total, 0.1997, 0.03);
  // Some reports corrected, some late, some never filed.
  EXPECT_NEAR(static_cast<double>(corrected) / reports, 0.03, 0.01);
  EXPECT_GT(late, 0);
  EXPECT_NEAR(static_cast<double>(missing) / (reports + missing), 0.015, 0.01);
  // This year's months against last year's: on the plan's 27.5 % path.
  EXPECT_NEAR(GrowthOf(monthly, kAsOf), 1.275, 0.03);
  // And last year against the year before, whole years (a report of last
  // year's second half compares with complete figures).
  EXPECT_NEAR(GrowthOf(monthly, {kAsOf.year - 1, 12}), 1.275, 0.03);
}

// Writes `d` in `format` into a fresh directory, reads every file back with
// the CLI's reader and compares record by record; returns the directory.
std::string WriteAndReadBack(const CountyData& d, FileFormat format) {
  char dir[] = "/tmp/loadgen_test_XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  {
    absl::StatusOr<DatasetFiles> files = DatasetFiles::Open(dir, format);
    EXPECT_TRUE(files.ok()) << files.status();
    if (!files.ok()) return dir;
    EXPECT_TRUE(files->Add(d, kAsOf).ok());
    EXPECT_TRUE(files->Close().ok());
  }
  const std::string ext = format == FileFormat::kCsv ? ".csv" : ".jsonl";
  auto read_all = [&](const std::string& name, const google::protobuf::Message& prototype) {
    std::vector<std::string> out;
    absl::StatusOr<cli::Input> in =
        cli::OpenInput(absl::StrCat(dir, "/", name, ext), "", *prototype.GetDescriptor());
    EXPECT_TRUE(in.ok()) << in.status();
    if (!in.ok()) return out;
    std::unique_ptr<google::protobuf::Message> m(prototype.New());
    int64_t line = 0;
    std::vector<cli::RowError> errors;
    while (in->reader->Next(m.get(), &line, &errors)) {
      EXPECT_TRUE(errors.empty()) << name << " line " << line << ": " << errors[0].ToString();
      out.push_back(m->SerializeAsString());
    }
    return out;
  };
  std::vector<std::string> want;
  for (const auto& e : d.enterprises) want.push_back(e.SerializeAsString());
  EXPECT_EQ(read_all("enterprises", v1::Enterprise()), want);
  want.clear();
  for (const auto& p : d.projects) want.push_back(p.SerializeAsString());
  EXPECT_EQ(read_all("projects", v1::Project()), want);
  want.clear();
  std::vector<std::string> corrections;
  for (const auto& r : d.reports) {
    want.push_back(d.Report(r, /*first_filing=*/true).SerializeAsString());
    if (r.corrected) corrections.push_back(d.Report(r).SerializeAsString());
  }
  EXPECT_EQ(read_all("progress", v1::ProgressReport()), want);
  EXPECT_EQ(read_all("corrections", v1::ProgressReport()), corrections);
  return dir;
}

void RemoveDir(const std::string& dir) {
  for (const char* f : {"enterprises", "projects", "progress", "corrections"}) {
    for (const char* ext : {".csv", ".jsonl"}) std::remove(absl::StrCat(dir, "/", f, ext).c_str());
  }
  std::remove(absl::StrCat(dir, "/history-keys.txt").c_str());
  rmdir(dir.c_str());
}

TEST(DatasetFiles, TheCliReadsBackTheSameRecordsFromCsv) {
  const CountyData d = Make(0.05).County("440103");
  ASSERT_FALSE(d.reports.empty());
  const std::string dir = WriteAndReadBack(d, FileFormat::kCsv);
  // The months of closed half-years filed on time, for history.sql.
  std::ifstream keys(absl::StrCat(dir, "/history-keys.txt"));
  std::string key;
  int n = 0;
  while (std::getline(keys, key)) {
    ++n;
    auto at = key.find('@');
    ASSERT_NE(at, std::string::npos);
    EXPECT_TRUE(HalfClosedBy(*codes::ParsePeriod(key.substr(at + 1)), kAsOf)) << key;
  }
  EXPECT_GT(n, 0);
  RemoveDir(dir);
}

TEST(DatasetFiles, TheCliReadsBackTheSameRecordsFromJsonLines) {
  RemoveDir(WriteAndReadBack(Make(0.05).County("441900"), FileFormat::kJsonLines));
}

}  // namespace
}  // namespace techreno::loadgen
