// monitoring_bench: ingest and aggregate figures for InvestmentMonitoring,
// each next to what PostgreSQL does with the same rows by itself.
//
//   monitoring_bench --dsn="host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//                    [--scale=10] [--months=12] [--streams=2] [--queries=50]
//
// It creates a fresh database in that cluster, loads 100,000 × `scale`
// projects (Guangdong's size at 1) straight into the registry's tables (COPY:
// this is set-up, not measured) with variety in every dimension the queries
// group by, then measures:
//  1. ingest: projects × months monthly reports through PushProgress (the real
//     server on loopback, `streams` concurrent streams), records/s, next to
//     PostgreSQL's raw COPY of the same rows into a table shaped like
//     monitoring_reports (same indexes), records/s, and their ratio;
//  2. the province's reads (monitoring_queries.h): QueryAggregates for every
//     grouping alone and in pairs, compliance, lagging projects, p50/p99 over
//     `queries` calls, each next to a plain query over the base tables and
//     checked against it; it exits non-zero on any difference.
// See docs/BENCHMARKS.md for the figures measured on the project's machines.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/auth/tokens.h"
#include "libs/codes/codes.h"
#include "libs/rpc/server.h"
#include "libs/store/migrations.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/library/library_service.h"
#include "services/monitoring/monitoring_service.h"
#include "services/registry/registry_service.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/library_queries.h"
#include "tests/bench/monitoring_queries.h"

ABSL_FLAG(std::string, dsn, "", "PostgreSQL cluster (a fresh database is created in it)");
ABSL_FLAG(double, scale, 10,
          "data set size: 100,000 × scale projects (1: Guangdong's size, a smoke run of a few "
          "minutes; 10: the ×10 goals)");
ABSL_FLAG(int, projects, 0, "projects to load; 0 = 100,000 × scale");
ABSL_FLAG(int, months, 12, "monthly reports per project (2024-01 onwards, at most 12)");
ABSL_FLAG(int, streams, 2, "concurrent PushProgress streams");
ABSL_FLAG(int, queries, 50, "calls to time per read figure");
ABSL_FLAG(int, plain_runs, 3, "timed runs of each plain baseline query");
ABSL_FLAG(bool, chunks, true,
          "ingest through PushProgressChunks (500 records a message, answered per chunk); false: "
          "PushProgress, one record a message");
ABSL_FLAG(std::string, database, "",
          "reuse this database, left by an earlier run (its projects, reports and library): "
          "skip the set-up, ingest and COPY and time the reads only");
ABSL_FLAG(std::string, reads, "all", "reads to time: all, or library (the library's only)");
ABSL_FLAG(int, stream_records, 200'000,
          "records per PushProgress stream (every record is answered, so a stream's answer grows "
          "with it)");

namespace techreno::bench {
namespace {

// CPU seconds used so far by this process (the gRPC client and the server).
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// A project of the data set. Its attributes follow from its index, so that
// every run has the same data: renovation types (one or two of seven),
// support (none or one of three), the enterprise's size band (four per
// county, one per band), a start from 2023-01 to 2024-12, a tenth completed
// in the registry in 2024-06, planned investment from 300万 to 5,200万 (some
// under the statistics' 500万), and a twentieth of its months unreported.
struct Project {
  std::string code, county, industry;
  int start = 0, completion = -1;  // period indexes (-1: not completed)
  int64_t planned = 0;
  bool Reports(int index, int month) const {
    const int period = 2024 * 12 + month - 1;
    return period >= start && (completion < 0 || period <= completion) &&
           (index * 7 + month) % 20 != 0;
  }
};

std::vector<Project> LoadProjects(store::Pool& pool, int count) {
  const auto& regions = store::Reference().regions;
  const std::vector<std::string> counties = CountyLevelCodes();
  const char* divisions[] = {"13", "26", "34", "35", "38", "39", "44"};
  std::vector<Project> out;
  absl::Status s = store::RunInTransaction(pool, [&](pqxx::transaction_base& tx) {
    out.clear();
    pqxx::stream_to ent(
        tx, "registry_enterprises",
        std::vector<std::string>{"credit_code", "name", "county_code", "industry_code",
                                 "above_designated_size", "revenue_band", "integration_pilot",
                                 "integration_certified", "version"});
    std::vector<std::string> credit(counties.size() * 4);
    for (size_t i = 0; i < credit.size(); ++i) {
      const std::string first17 = absl::StrFormat("91%sMA%07d", counties[i / 4], i);
      credit[i] = first17 + codes::CreditCheckChar(first17);
      const int band = static_cast<int>(i % 4) + 1;
      ent << std::make_tuple(credit[i], absl::StrCat("基准测试企业", i), counties[i / 4], "34",
                             band >= 2, band, i % 2 == 0, i % 4 == 3, 1);
    }
    ent.complete();
    pqxx::stream_to prj(
        tx, "registry_projects",
        std::vector<std::string>{"county_code", "project_code", "city_code",
                                 "enterprise_credit_code", "industry_code", "name",
                                 "renovation_types", "requested_support", "planned_investment_fen",
                                 "planned_equipment_investment_fen", "start_period",
                                 "planned_completion_period", "status", "financing_need_fen",
                                 "share_with_banks", "version", "completed_period", "description"});
    for (int i = 0; i < count; ++i) {
      const size_t c = static_cast<size_t>(i) % counties.size();
      const int per_county = i / static_cast<int>(counties.size());
      Project p{codes::MakeProjectCode(2023, counties[c], 1 + per_county), counties[c],
                divisions[i % 7]};
      p.start = 2023 * 12 + i % 24;
      if (i % 10 == 0 && p.start <= 2024 * 12 + 5) p.completion = 2024 * 12 + 5;
      p.planned = 300'000'000 + static_cast<int64_t>(i * 104729 % 50) * 100'000'000;
      const int type = 1 + i % 7;
      const std::string types =
          i % 3 == 0 && type != 6 ? absl::StrCat("{", type, ",6}") : absl::StrCat("{", type, "}");
      const std::string support = i % 4 == 0 ? "{}" : absl::StrCat("{", 1 + i % 3, "}");
      prj << std::make_tuple(
          p.county, p.code, regions.CityOf(p.county), credit[c * 4 + per_county % 4], p.industry,
          absl::StrCat("基准项目", i), types, support, p.planned, p.planned / 3,
          absl::StrFormat("%04d-%02d", p.start / 12, p.start % 12 + 1), "2026-12",
          p.completion >= 0 ? 3 : 2, int64_t{0}, true, 1,
          p.completion >= 0 ? std::optional<std::string>("2024-06") : std::nullopt,
          "生产线智能化技术改造");
      out.push_back(std::move(p));
    }
    prj.complete();
    return absl::OkStatus();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "loading projects failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return out;
}

int64_t Amount(int64_t project, int64_t month) {
  return 1'000'000 + (project * 7919 + month * 104729) % 9'000'000;  // 64-bit: no overflow
}

v1::ProgressReport Report(const Project& p, int index, int month) {
  v1::ProgressReport r;
  r.set_project_code(p.code);
  r.set_period(absl::StrFormat("2024-%02d", month));
  r.set_completed_investment_fen(Amount(index, month));
  r.mutable_split()->set_equipment_tools_fen(Amount(index, month));
  r.set_status(v1::PROJECT_STATUS_UNDER_CONSTRUCTION);
  return r;
}

int Run() {
  const std::string base = absl::GetFlag(FLAGS_dsn);
  if (base.empty()) {
    std::fprintf(stderr, "--dsn is required\n");
    return 2;
  }
  const int n = absl::GetFlag(FLAGS_projects) > 0
                    ? absl::GetFlag(FLAGS_projects)
                    : static_cast<int>(100'000 * absl::GetFlag(FLAGS_scale));
  const int months = std::min(12, absl::GetFlag(FLAGS_months));
  const std::string reuse = absl::GetFlag(FLAGS_database);
  const std::string db = BenchDatabase(base, reuse);
  const std::string dsn = absl::StrCat(base, " dbname=", db);
  store::Pool pool({dsn, 8});
  if (!store::ApplyMigrations(pool).ok() || !store::SeedReferenceData(pool).ok()) return 1;
  std::printf("database %s: %d projects, 2024-01 to 2024-%02d\n", db.c_str(), n, months);
  auto t0 = Clock::now();
  std::vector<Project> projects;
  if (reuse.empty()) {
    projects = LoadProjects(pool, n);
    std::printf("set-up: %d projects loaded by COPY in %.1f s\n", n, Seconds(Clock::now() - t0));
  }

  registry::RegistryService registry(pool);
  // The service's clock follows the pushes: each month is pushed on the 28th
  // of that month, as county systems report (on time, so without warnings).
  std::atomic<int64_t> clock_us{0};
  auto set_clock = [&](int month) {
    clock_us = absl::ToUnixMicros(absl::FromCivil(absl::CivilSecond(2024, month, 28, 12, 0, 0),
                                                  absl::FixedTimeZone(8 * 3600)));
  };
  set_clock(1);
  monitoring::MonitoringOptions monitoring_options;
  monitoring_options.clock = [&] { return absl::FromUnixMicros(clock_us.load()); };
  monitoring::MonitoringService monitoring(pool, monitoring_options);
  library::LibraryOptions library_options;
  library_options.clock = monitoring_options.clock;
  library::LibraryService library(pool, library_options);
  rpc::ServerOptions options;
  options.address = "127.0.0.1:0";
  auto server = rpc::StartServer(options, {&registry, &monitoring, &library});
  if (!server.ok()) return 1;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);  // a push of many records answers every one
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                           grpc::InsecureChannelCredentials(), args);
  // Principals named per run: a reused database holds earlier runs' too.
  const std::string run = absl::StrCat(getpid());
  const std::string token =
      *auth::CreatePrincipal(pool, "bench-" + run, auth::Role::kProvince, "440000");

  if (reuse.empty()) {
    // 1. Ingest through PushProgress, month by month (as counties report).
    const int streams = std::max(1, absl::GetFlag(FLAGS_streams));
    t0 = Clock::now();
    const double ingest_cpu0 = ProcessCpuSeconds();
    int64_t accepted = 0;
    std::map<std::string, int64_t> not_accepted;  // by rule id: must stay empty
    std::mutex mu;
    std::vector<std::thread> workers;
    // Projects by county, in registry order: county systems push their own.
    std::map<std::string, std::vector<int>> by_county;
    for (int i = 0; i < n; ++i) by_county[projects[i].county].push_back(i);
    std::vector<int> order;  // every project, county after county
    std::vector<size_t> county_start;
    for (const auto& [county, members] : by_county) {
      county_start.push_back(order.size());
      order.insert(order.end(), members.begin(), members.end());
    }
    // Each worker is the system of every `streams`-th county: month by month it
    // pushes its counties' reports, at most `stream_records` per stream, so that
    // no answer nears the message limit.
    std::vector<std::vector<int>> mine(streams);
    for (size_t c = 0; c < county_start.size(); ++c) {
      const size_t end = c + 1 < county_start.size() ? county_start[c + 1] : order.size();
      auto& to = mine[c % streams];
      to.insert(to.end(), order.begin() + county_start[c], order.begin() + end);
    }
    const size_t per_stream = std::max(1, absl::GetFlag(FLAGS_stream_records));
    std::vector<double> ingest_month_s;  // each month on its own
    std::vector<int64_t> month_reports(months + 1);
    for (int month = 1; month <= months; ++month) {
      for (int i = 0; i < n; ++i) month_reports[month] += projects[i].Reports(i, month);
    }
    for (int month = 1; month <= months; ++month) {
      set_clock(month);
      const auto m0 = Clock::now();
      for (int w = 0; w < streams; ++w) {
        workers.emplace_back([&, w, month] {
          auto stub = v1::InvestmentMonitoring::NewStub(channel);
          const std::vector<int>& ours = mine[w];
          // Every answer, counted as it comes.
          auto count = [&](const v1::PushProgressResponse& response) {
            std::lock_guard<std::mutex> lock(mu);
            accepted += response.accepted();
            for (const auto& r : response.results()) {
              if (r.outcome() == v1::OUTCOME_ACCEPTED) continue;
              ++not_accepted[r.violations_size() > 0
                                 ? r.violations(r.violations_size() - 1).rule_id()
                                 : v1::Outcome_Name(r.outcome())];
            }
          };
          auto fail = [](const grpc::Status& s, const char* why) {
            std::fprintf(stderr, "push failed: %s\n", s.ok() ? why : s.error_message().c_str());
            std::exit(1);  // a figure from a failed push would be wrong
          };
          if (absl::GetFlag(FLAGS_chunks)) {
            // One stream for the month; chunks written while a thread reads
            // the answers, so that several chunks are in flight.
            grpc::ClientContext context;
            context.AddMetadata("authorization", "Bearer " + token);
            auto stream = stub->PushProgressChunks(&context);
            std::thread reader([&] {
              v1::PushProgressResponse answer;
              while (stream->Read(&answer)) count(answer);
            });
            v1::PushProgressChunk chunk;
            for (size_t k = 0; k < ours.size(); ++k) {
              if (!projects[ours[k]].Reports(ours[k], month)) continue;  // unreported
              v1::PushProgressRequest* record = chunk.add_records();
              *record->mutable_report() = Report(projects[ours[k]], ours[k], month);
              if (chunk.records_size() == 500 || k + 1 == ours.size()) {
                if (!stream->Write(chunk)) break;  // the server ended the call
                chunk.Clear();
              }
            }
            if (chunk.records_size() > 0) stream->Write(chunk);
            stream->WritesDone();
            reader.join();
            if (grpc::Status s = stream->Finish(); !s.ok()) fail(s, "");
            return;
          }
          for (size_t first = 0; first < ours.size(); first += per_stream) {
            grpc::ClientContext context;
            context.AddMetadata("authorization", "Bearer " + token);
            v1::PushProgressResponse response;
            auto writer = stub->PushProgress(&context, &response);
            for (size_t k = first; k < std::min(ours.size(), first + per_stream); ++k) {
              v1::PushProgressRequest record;
              if (!projects[ours[k]].Reports(ours[k], month)) continue;  // unreported
              *record.mutable_report() = Report(projects[ours[k]], ours[k], month);
              writer->Write(record);
            }
            writer->WritesDone();
            grpc::Status s = writer->Finish();
            if (!s.ok() || response.incomplete()) fail(s, "answered incomplete");
            count(response);
          }
        });
      }
      for (auto& t : workers) t.join();
      workers.clear();
      ingest_month_s.push_back(Seconds(Clock::now() - m0));
      std::printf("  2024-%02d pushed: %.0f reports/s\n", month,
                  month_reports[month] / ingest_month_s.back());
    }
    const double ingest_s = Seconds(Clock::now() - t0);
    const double ingest_cpu_s = ProcessCpuSeconds() - ingest_cpu0;
    for (const auto& [rule, count] : not_accepted) {
      std::fprintf(stderr, "not accepted: %lld × %s\n", static_cast<long long>(count),
                   rule.c_str());
    }
    const double ingest_rate = accepted / ingest_s;

    // Rejected records: the same number of records per stream, each rejected
    // by validation (a month that does not exist), so nothing reaches the
    // tables. Since issue 7 a rejected record's store findings are read too
    // (one read per record), so this no longer bounds the API path alone.
    const size_t floor_records = std::min<size_t>(mine[0].size(), 200'000);
    double floor_s = 0, floor_cpu_s = 0;
    {
      const auto f0 = Clock::now();
      const double cpu0 = ProcessCpuSeconds();
      for (int w = 0; w < streams; ++w) {
        workers.emplace_back([&, w] {
          auto stub = v1::InvestmentMonitoring::NewStub(channel);
          grpc::ClientContext context;
          context.AddMetadata("authorization", "Bearer " + token);
          v1::PushProgressResponse response;
          auto writer = stub->PushProgress(&context, &response);
          for (size_t k = 0; k < floor_records; ++k) {
            v1::PushProgressRequest record;
            *record.mutable_report() = Report(projects[mine[w][k]], mine[w][k], 1);
            record.mutable_report()->set_period("2024-13");
            writer->Write(record);
          }
          writer->WritesDone();
          if (!writer->Finish().ok() ||
              response.rejected() != static_cast<int64_t>(floor_records)) {
            std::fprintf(stderr, "the API-path push did not answer every record as rejected\n");
            std::exit(1);
          }
        });
      }
      for (auto& t : workers) t.join();
      workers.clear();
      floor_s = Seconds(Clock::now() - f0);
      floor_cpu_s = ProcessCpuSeconds() - cpu0;
    }
    const double floor_rate = static_cast<double>(floor_records) * streams / floor_s;

    // Raw COPY of the same rows, in the same order, into a table shaped like
    // monitoring_reports: one COPY per month, each timed.
    std::vector<double> copy_month_s;
    absl::Status copied = store::RunInTransaction(pool, [&](pqxx::transaction_base& tx) {
      copy_month_s.clear();
      tx.exec("CREATE TABLE bench_copy (LIKE monitoring_reports INCLUDING ALL)");
      for (int month = 1; month <= months; ++month) {
        const auto c0 = Clock::now();
        pqxx::stream_to copy(
            tx, "bench_copy",
            std::vector<std::string>{"county_code", "project_code", "period", "period_index",
                                     "covers_january", "completed_fen", "building_fen",
                                     "installation_fen", "equipment_fen", "other_fen", "status",
                                     "version", "late", "submitted_by"});
        for (int i : order) {
          if (!projects[i].Reports(i, month)) continue;
          copy << std::make_tuple(projects[i].county, projects[i].code,
                                  absl::StrFormat("2024-%02d", month), 2024 * 12 + month - 1, false,
                                  Amount(i, month), int64_t{0}, int64_t{0}, Amount(i, month),
                                  int64_t{0}, 2, 1, false, "bench");
        }
        copy.complete();
        copy_month_s.push_back(Seconds(Clock::now() - c0));
      }
      return absl::OkStatus();
    });
    if (!copied.ok()) {
      std::fprintf(stderr, "raw COPY failed: %s\n", copied.ToString().c_str());
      return 1;
    }
    double copy_s = 0;
    for (double m : copy_month_s) copy_s += m;
    int64_t all_reports = 0;
    for (int month = 1; month <= months; ++month) all_reports += month_reports[month];
    const double copy_rate = static_cast<double>(all_reports) / copy_s;
    std::printf("\ningest via %s: %lld reports in %.1f s = %.0f reports/s (%d streams)\n",
                absl::GetFlag(FLAGS_chunks) ? "PushProgressChunks" : "PushProgress",
                static_cast<long long>(accepted), ingest_s, ingest_rate, streams);
    std::printf("raw COPY of the same rows: %.1f s = %.0f rows/s\n", copy_s, copy_rate);
    std::printf("ingest / COPY = %.3f (goal ≥ 0.5)\n", ingest_rate / copy_rate);
    std::printf(
        "rejected records (validation fails, nothing stored; their store findings are read): "
        "%.0f records/s = %.3f × COPY\n",
        floor_rate, floor_rate / copy_rate);
    // The rest of the machine's CPU went to PostgreSQL (and the kernel for it).
    std::printf(
        "CPU of the client and server process per record: ingest %.1f µs, rejected "
        "%.1f µs\n",
        1e6 * ingest_cpu_s / static_cast<double>(accepted),
        1e6 * floor_cpu_s / (static_cast<double>(floor_records) * streams));
    // The issue also quotes COPY into a table that already holds the data set:
    // the last month alone goes into tables holding every earlier month.
    const double last_ingest = month_reports[months] / ingest_month_s.back(),
                 last_copy = month_reports[months] / copy_month_s.back();
    std::printf(
        "last month alone, into %lld stored reports: ingest %.0f /s, COPY %.0f /s, "
        "ratio %.3f\n",
        static_cast<long long>(all_reports - month_reports[months]), last_ingest, last_copy,
        last_ingest / last_copy);

  }                   // reuse.empty(): set-up, ingest and COPY
  set_clock(months);  // the reads are as of the last month pushed

  // 2. The province's reads, each next to its plain query.
  std::printf("\nreads, province-wide (%d calls each after 3 warm-ups):\n",
              absl::GetFlag(FLAGS_queries));
  std::vector<QueryFigure> figures;
  if (absl::GetFlag(FLAGS_reads) != "library") {
    figures = MeasureQueries(pool, channel, token, absl::GetFlag(FLAGS_queries),
                             absl::GetFlag(FLAGS_plain_runs));
  }
  // 3. The key-project library's reads, over a library laid on the data set,
  // as of 2024-11 (the service's clock is still on the last month pushed).
  LoadLibrary(pool);
  const std::string city_token =
      *auth::CreatePrincipal(pool, "bench-guangzhou-" + run, auth::Role::kCity, "440100");
  for (QueryFigure& f :
       MeasureLibrary(pool, channel, city_token, token, absl::GetFlag(FLAGS_queries),
                      absl::GetFlag(FLAGS_plain_runs))) {
    std::printf("  %s: p50 %.1f ms\n", f.name.c_str(), f.p50_ms);
    figures.push_back(std::move(f));
  }
  PrintQueryFigures(figures);
  (*server)->Shutdown();
  for (const QueryFigure& f : figures) {
    if (f.mismatches > 0) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace techreno::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped to a file
  return techreno::bench::Run();
}
