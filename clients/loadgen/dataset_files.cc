#include "clients/loadgen/dataset_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/csv.h"
#include "clients/cli/records.h"
#include "libs/store/audit.h"

namespace techreno::loadgen {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

// Exact 万元: "1234.5678" (a fen is 0.000001 万元), never rounded.
std::string Wan(int64_t fen) {
  std::string s = absl::StrFormat("%d.%06d", fen / 1'000'000, fen % 1'000'000);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

template <typename Enum>
std::string EnumList(const google::protobuf::EnumDescriptor& type, const Enum& values) {
  std::vector<std::string> names;
  for (int v : values) names.push_back(cli::EnumShortName(type, v));
  return absl::StrJoin(names, ";");
}

std::string Bool(bool b) { return b ? "true" : "false"; }

// One record, quoted where a cell needs it, as the CLI reads it back (csv.h).
void Line(std::ostream& out, const std::vector<std::string>& cells) {
  out << cli::CsvLine(cells) << "\r\n";
}

// Protobuf's JSON with the proto field names, as the audit log writes it.
std::string Json(const google::protobuf::Message& m) { return store::ToAuditJson(m); }

void CsvEnterprise(const v1::Enterprise& e, std::ostream& out) {
  Line(out, {e.credit_code(), e.name(), e.county_code(), e.industry_code(),
             Bool(e.above_designated_size()),
             cli::EnumShortName(*v1::RevenueBand_descriptor(), e.revenue_band()),
             Bool(e.integration_pilot()), Bool(e.integration_certified())});
}

void CsvProject(const v1::Project& p, std::ostream& out) {
  Line(out, {p.source_record_id(), p.project_code(), p.enterprise_credit_code(), p.county_code(),
             p.industry_code(), p.name(),
             EnumList(*v1::RenovationType_descriptor(), p.renovation_types()),
             EnumList(*v1::SupportInstrument_descriptor(), p.requested_support()),
             Wan(p.planned_investment_fen()), Wan(p.planned_equipment_investment_fen()),
             Wan(p.financing_need_fen()), p.start_period(), p.planned_completion_period(),
             cli::EnumShortName(*v1::ProjectStatus_descriptor(), p.status()),
             Bool(p.share_with_banks()), p.description()});
}

void CsvReport(const v1::ProgressReport& r, std::ostream& out) {
  Line(out, {r.source_record_id(), r.project_code(), r.period(), Wan(r.completed_investment_fen()),
             Wan(r.split().building_works_fen()), Wan(r.split().installation_fen()),
             Wan(r.split().equipment_tools_fen()), Wan(r.split().other_fen()),
             cli::EnumShortName(*v1::ProjectStatus_descriptor(), r.status()), r.note()});
}

constexpr char kEnterpriseHeader[] =
    "credit_code,name,county_code,industry_code,above_designated_size,revenue_band,"
    "integration_pilot,integration_certified";
constexpr char kProjectHeader[] =
    "source_record_id,project_code,enterprise_credit_code,county_code,industry_code,name,"
    "renovation_types,requested_support,planned_investment_wan,planned_equipment_investment_wan,"
    "financing_need_wan,start_period,planned_completion_period,status,share_with_banks,"
    "description";
constexpr char kReportHeader[] =
    "source_record_id,project_code,period,completed_investment_wan,building_works_wan,"
    "installation_wan,equipment_tools_wan,other_wan,status,note";

}  // namespace

absl::StatusOr<DatasetFiles> DatasetFiles::Open(const std::string& dir, FileFormat format) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
  }
  DatasetFiles files(dir, format);
  const bool csv = format == FileFormat::kCsv;
  const char* ext = csv ? ".csv" : ".jsonl";
  struct Target {
    std::ofstream* stream;
    const char* name;
    const char* header;
  };
  for (const Target& t : {Target{&files.enterprises_, "enterprises", kEnterpriseHeader},
                          Target{&files.projects_, "projects", kProjectHeader},
                          Target{&files.progress_, "progress", kReportHeader},
                          Target{&files.corrections_, "corrections", kReportHeader}}) {
    const std::string path = absl::StrCat(dir, "/", t.name, ext);
    t.stream->open(path, std::ios::binary | std::ios::trunc);
    if (!*t.stream) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
    if (csv) *t.stream << kBom << t.header << "\r\n";
  }
  files.history_keys_.open(dir + "/history-keys.txt", std::ios::trunc);
  if (!files.history_keys_) {
    return absl::FailedPreconditionError(absl::StrCat("cannot write ", dir, "/history-keys.txt"));
  }
  return files;
}

absl::Status DatasetFiles::Add(const CountyData& county, const codes::Period& as_of) {
  const bool csv = format_ == FileFormat::kCsv;
  for (const v1::Enterprise& e : county.enterprises) {
    csv ? CsvEnterprise(e, enterprises_) : void(enterprises_ << Json(e) << "\n");
  }
  for (const v1::Project& p : county.projects) {
    csv ? CsvProject(p, projects_) : void(projects_ << Json(p) << "\n");
  }
  for (const GeneratedReport& g : county.reports) {
    const v1::ProgressReport first = county.Report(g, /*first_filing=*/true);
    csv ? CsvReport(first, progress_) : void(progress_ << Json(first) << "\n");
    if (g.corrected) {
      const v1::ProgressReport final = county.Report(g);
      csv ? CsvReport(final, corrections_) : void(corrections_ << Json(final) << "\n");
    }
  }
  WriteHistoryKeys(county, as_of, history_keys_);
  return absl::OkStatus();
}

absl::Status DatasetFiles::Close() {
  for (auto [stream, name] :
       {std::pair{&enterprises_, "enterprises"}, std::pair{&projects_, "projects"},
        std::pair{&progress_, "progress"}, std::pair{&corrections_, "corrections"},
        std::pair{&history_keys_, "history-keys"}}) {
    stream->close();
    if (!*stream) {
      return absl::DataLossError(absl::StrCat("writing ", dir_, "/", name, " failed"));
    }
  }
  return absl::OkStatus();
}

void WriteHistoryKeys(const CountyData& county, const codes::Period& as_of, std::ostream& out) {
  for (const GeneratedReport& g : county.reports) {
    const codes::Period period = codes::PeriodFromIndex(g.period_index);
    if (g.late || !HalfClosedBy(period, as_of)) continue;
    out << county.ProjectCode(g) << "@" << codes::FormatPeriod(period) << "\n";
  }
}

}  // namespace techreno::loadgen
