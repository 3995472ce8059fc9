// registry_bench: PushProjects ingest, each figure next to what PostgreSQL
// does with the same rows by itself.
//
//   registry_bench --dsn="host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//                  [--records=20000] [--same_county_streams=2] [--counties=122]
//
// It creates a fresh database in that cluster and measures, through the real
// server on loopback, new code-less projects (the server assigns their codes):
//  1. one stream of `records` projects of one county;
//  2. `same_county_streams` concurrent streams of that same county, together
//     `records` projects (a county system pushing in parallel);
//  3. `counties` concurrent streams, one per county (the June 30 deadline),
//     together `records` projects;
// next to (a) a raw COPY of the same rows into a table shaped like
// registry_projects (same indexes) and (b) batched INSERT … ON CONFLICT of
// them, 500 rows per statement. It prints records/s and the ratios, and exits
// non-zero when any record was not accepted. docs/BENCHMARKS.md has figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/auth/tokens.h"
#include "libs/codes/codes.h"
#include "libs/rpc/server.h"
#include "libs/store/migrations.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/registry/registry_service.h"
#include "tests/bench/bench_util.h"

ABSL_FLAG(std::string, dsn, "", "PostgreSQL cluster (a fresh database is created in it)");
ABSL_FLAG(int, records, 20'000, "projects per measurement");
ABSL_FLAG(int, same_county_streams, 2, "concurrent streams of one county");
ABSL_FLAG(int, counties, 122, "concurrent streams, one county each");
ABSL_FLAG(int, get_callers, 32, "concurrent GetProject callers");
ABSL_FLAG(int, get_calls, 20'000, "GetProject calls in all");
ABSL_FLAG(int, list_calls, 200, "ListProjects pages of 100 to time");

namespace techreno::bench {
namespace {

std::string Credit(const std::string& county) {
  const std::string first17 = absl::StrFormat("91%sMA%07d", county, 1);
  return first17 + codes::CreditCheckChar(first17);
}

v1::Project MakeProject(const std::string& county, const std::string& tag, int i) {
  v1::Project p;
  p.set_county_code(county);
  p.set_source_record_id(absl::StrCat(tag, "-", i));
  p.set_enterprise_credit_code(Credit(county));
  p.set_industry_code(i % 3 == 0 ? "34" : i % 3 == 1 ? "39" : "26");
  p.set_name(absl::StrCat("基准技术改造项目", tag, i));
  p.add_renovation_types(static_cast<v1::RenovationType>(1 + i % 5));
  p.add_requested_support(v1::SUPPORT_INSTRUMENT_LOAN_INTEREST_SUBSIDY);
  p.set_planned_investment_fen(1'000'000'000 + i);
  p.set_planned_equipment_investment_fen(400'000'000);
  p.set_start_period("2025-03");
  p.set_planned_completion_period("2026-12");
  return p;
}

// Enterprises of every county, set up by COPY (not measured).
void LoadEnterprises(store::Pool& pool, const std::vector<std::string>& counties) {
  absl::Status s = store::RunInTransaction(pool, [&](pqxx::transaction_base& tx) {
    pqxx::stream_to ent(
        tx, "registry_enterprises",
        std::vector<std::string>{"credit_code", "name", "county_code", "industry_code",
                                 "above_designated_size", "revenue_band", "integration_pilot",
                                 "integration_certified", "version"});
    for (const std::string& c : counties) {
      ent << std::make_tuple(Credit(c), absl::StrCat("基准测试企业", c), c, "34", true, 3, false,
                             false, 1);
    }
    ent.complete();
    return absl::OkStatus();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "set-up failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
}

struct Pushed {
  double seconds = 0;
  int64_t accepted = 0, other = 0;
};

// Pushes `jobs` (county, tag, count) concurrently, one stream each.
Pushed PushAll(const std::shared_ptr<grpc::Channel>& channel, store::Pool& pool,
               const std::vector<std::tuple<std::string, std::string, int>>& jobs) {
  std::vector<std::string> tokens;
  for (const auto& [county, tag, count] : jobs) {
    tokens.push_back(
        *auth::CreatePrincipal(pool, absl::StrCat("bench-", tag), auth::Role::kCounty, county));
  }
  Pushed out;
  std::mutex mu;
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (size_t j = 0; j < jobs.size(); ++j) {
    threads.emplace_back([&, j] {
      const auto& [county, tag, count] = jobs[j];
      auto stub = v1::ProjectRegistry::NewStub(channel);
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + tokens[j]);
      v1::PushProjectsResponse response;
      auto writer = stub->PushProjects(&context, &response);
      for (int i = 0; i < count; ++i) {
        v1::PushProjectsRequest r;
        *r.mutable_project() = MakeProject(county, tag, i);
        writer->Write(r);
      }
      writer->WritesDone();
      grpc::Status s = writer->Finish();
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok()) std::fprintf(stderr, "push failed: %s\n", s.error_message().c_str());
      out.accepted += response.accepted();
      out.other += count - response.accepted();
    });
  }
  for (auto& t : threads) t.join();
  out.seconds = Seconds(Clock::now() - t0);
  return out;
}

struct Reads {
  double get_p50_ms = 0, get_p99_ms = 0, get_per_s = 0, list_p50_ms = 0, list_p99_ms = 0;
};

// GetProject by `callers` at once on the codes of `county`, then ListProjects
// pages of 100 by one caller, as the county's system.
Reads TimeReads(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  auto stub = v1::ProjectRegistry::NewStub(channel);
  std::vector<std::string> codes;
  {
    v1::ListProjectsRequest req;
    req.set_page_size(1000);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ListProjectsResponse resp;
    if (!stub->ListProjects(&context, req, &resp).ok() || resp.projects().empty()) std::exit(1);
    for (const auto& p : resp.projects()) codes.push_back(p.project_code());
  }
  Reads out;
  const int callers = std::max(1, absl::GetFlag(FLAGS_get_callers));
  const int per_caller = std::max(1, absl::GetFlag(FLAGS_get_calls) / callers);
  std::vector<std::vector<double>> latencies(callers);
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&, c] {
      auto own = v1::ProjectRegistry::NewStub(channel);
      for (int i = 0; i < per_caller; ++i) {
        v1::GetProjectRequest req;
        req.set_project_code(codes[(c * 7919 + i) % codes.size()]);
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + token);
        v1::Project resp;
        const auto s0 = Clock::now();
        if (!own->GetProject(&context, req, &resp).ok()) std::exit(1);
        latencies[c].push_back(Seconds(Clock::now() - s0) * 1000);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = Seconds(Clock::now() - t0);
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  out.get_p50_ms = Percentile(all, 0.5);
  out.get_p99_ms = Percentile(all, 0.99);
  out.get_per_s = all.size() / seconds;
  std::vector<double> pages;
  for (int i = 0; i < absl::GetFlag(FLAGS_list_calls); ++i) {
    v1::ListProjectsRequest req;
    req.set_page_size(100);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ListProjectsResponse resp;
    const auto s0 = Clock::now();
    if (!stub->ListProjects(&context, req, &resp).ok()) std::exit(1);
    pages.push_back(Seconds(Clock::now() - s0) * 1000);
  }
  out.list_p50_ms = Percentile(pages, 0.5);
  out.list_p99_ms = Percentile(pages, 0.99);
  return out;
}

// The same rows straight into a table like registry_projects: COPY, or
// batched INSERT … ON CONFLICT. Returns seconds.
double Baseline(store::Pool& pool, const std::string& county, int count, bool copy) {
  double seconds = 0;
  absl::Status s = store::RunInTransaction(pool, [&](pqxx::transaction_base& tx) {
    tx.exec("DROP TABLE IF EXISTS bench_projects");
    tx.exec("CREATE TABLE bench_projects (LIKE registry_projects INCLUDING ALL)");
    const auto& regions = store::Reference().regions;
    const std::string city = regions.CityOf(county);
    const auto t0 = Clock::now();
    if (copy) {
      pqxx::stream_to out(
          tx, "bench_projects",
          std::vector<std::string>{
              "county_code", "project_code", "city_code", "enterprise_credit_code", "industry_code",
              "name", "renovation_types", "requested_support", "planned_investment_fen",
              "planned_equipment_investment_fen", "start_period", "planned_completion_period",
              "status", "financing_need_fen", "share_with_banks", "source_record_id", "version"});
      for (int i = 0; i < count; ++i) {
        const v1::Project p = MakeProject(county, "copy", i);
        out << std::make_tuple(
            p.county_code(), codes::MakeProjectCode(2025, county, i + 1), city,
            p.enterprise_credit_code(), p.industry_code(), p.name(), "{1}", "{2}",
            p.planned_investment_fen(), p.planned_equipment_investment_fen(), p.start_period(),
            p.planned_completion_period(), 1, int64_t{0}, false, p.source_record_id(), 1);
      }
      out.complete();
    } else {
      for (int first = 0; first < count; first += 500) {
        std::vector<std::string> sql_rows;
        for (int i = first; i < std::min(count, first + 500); ++i) {
          const v1::Project p = MakeProject(county, "insert", i);
          sql_rows.push_back(absl::StrCat(
              "(", tx.quote(p.county_code()), ",",
              tx.quote(codes::MakeProjectCode(2025, county, i + 1)), ",", tx.quote(city), ",",
              tx.quote(p.enterprise_credit_code()), ",", tx.quote(p.industry_code()), ",",
              tx.quote(p.name()), ",'{1}','{2}',", p.planned_investment_fen(), ",",
              p.planned_equipment_investment_fen(), ",", tx.quote(p.start_period()), ",",
              tx.quote(p.planned_completion_period()), ",1,0,false,",
              tx.quote(p.source_record_id()), ",1)"));
        }
        tx.exec(absl::StrCat(
            "INSERT INTO bench_projects (county_code, project_code, city_code, "
            "enterprise_credit_code, industry_code, name, renovation_types, requested_support, "
            "planned_investment_fen, planned_equipment_investment_fen, start_period, "
            "planned_completion_period, status, financing_need_fen, share_with_banks, "
            "source_record_id, version) VALUES ",
            absl::StrJoin(sql_rows, ","),
            " ON CONFLICT (project_code) DO UPDATE SET name = EXCLUDED.name, "
            "version = bench_projects.version + 1"));
      }
    }
    seconds = Seconds(Clock::now() - t0);
    tx.exec("DROP TABLE bench_projects");
    return absl::OkStatus();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "baseline failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return seconds;
}

int Run() {
  const std::string base = absl::GetFlag(FLAGS_dsn);
  if (base.empty()) {
    std::fprintf(stderr, "--dsn is required\n");
    return 2;
  }
  const int n = absl::GetFlag(FLAGS_records);
  const std::string db = absl::StrFormat("techreno_regbench_%d", getpid());
  {
    pqxx::connection admin(base);
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + db);
  }
  store::Pool pool({absl::StrCat(base, " dbname=", db), 16});
  if (!store::ApplyMigrations(pool).ok() || !store::SeedReferenceData(pool).ok()) return 1;
  const std::vector<std::string> counties = CountyLevelCodes();
  LoadEnterprises(pool, counties);

  registry::RegistryService registry(pool);
  rpc::ServerOptions options;
  options.address = "127.0.0.1:0";
  auto server = rpc::StartServer(options, {&registry});
  if (!server.ok()) return 1;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                           grpc::InsecureChannelCredentials(), args);

  const std::string county = "440103";
  const double copy_s = Baseline(pool, county, n, /*copy=*/true);
  const double insert_s = Baseline(pool, county, n, /*copy=*/false);
  const double copy_rate = n / copy_s, insert_rate = n / insert_s;

  Pushed one = PushAll(channel, pool, {{county, "one", n}});
  // What autovacuum does within a minute of a bulk load: without statistics
  // the planner takes the county's 20,000 fresh projects for a handful and
  // sorts them all for a page (about 35 ms instead of 0.3 ms).
  if (absl::Status s = store::RunAutocommit(pool,
                                            [](pqxx::transaction_base& tx) {
                                              tx.exec("ANALYZE registry_projects");
                                              tx.exec("ANALYZE registry_enterprises");
                                              return absl::OkStatus();
                                            });
      !s.ok()) {
    std::fprintf(stderr, "ANALYZE failed: %s\n", s.ToString().c_str());
    return 1;
  }
  const Reads reads =
      TimeReads(channel, *auth::CreatePrincipal(pool, "bench-reader", auth::Role::kCounty, county));
  const int same = std::max(1, absl::GetFlag(FLAGS_same_county_streams));
  std::vector<std::tuple<std::string, std::string, int>> same_jobs;
  for (int s = 0; s < same; ++s) same_jobs.emplace_back(county, absl::StrCat("same", s), n / same);
  Pushed together = PushAll(channel, pool, same_jobs);
  const int c = std::min<int>(absl::GetFlag(FLAGS_counties), counties.size());
  std::vector<std::tuple<std::string, std::string, int>> county_jobs;
  for (int k = 0; k < c; ++k) {
    county_jobs.emplace_back(counties[k], absl::StrCat("county", k), std::max(1, n / c));
  }
  Pushed deadline = PushAll(channel, pool, county_jobs);

  const double one_rate = one.accepted / one.seconds;
  const double same_rate = together.accepted / together.seconds;
  const double deadline_rate = deadline.accepted / deadline.seconds;
  std::printf("\nPushProjects, new code-less projects (%d per measurement)\n", n);
  std::printf("%-44s %12s %10s %10s\n", "", "records/s", "/ COPY", "/ INSERT");
  auto row = [&](const char* what, double rate) {
    std::printf("%-44s %12.0f %10.3f %10.3f\n", what, rate, rate / copy_rate, rate / insert_rate);
  };
  row("raw COPY (baseline)", copy_rate);
  row("batched INSERT ... ON CONFLICT (baseline)", insert_rate);
  row("one stream", one_rate);
  row(absl::StrFormat("%d streams of one county", same).c_str(), same_rate);
  row(absl::StrFormat("%d streams, one county each", c).c_str(), deadline_rate);
  std::printf("%-44s %12.3f (goal >= 1: never slower than one stream)\n",
              "same-county streams / one stream", same_rate / one_rate);
  std::printf("%-44s %12.3f (goal >= 1)\n", "county streams / one stream",
              deadline_rate / one_rate);
  std::printf("\nreads, as the county's system (%d projects)\n", n);
  std::printf(
      "GetProject, %d callers: p50 %.3f ms, p99 %.3f ms, %.0f calls/s "
      "(goal p50 <= 0.5 ms, >= 10,000 calls/s)\n",
      absl::GetFlag(FLAGS_get_callers), reads.get_p50_ms, reads.get_p99_ms, reads.get_per_s);
  std::printf("ListProjects, page of 100: p50 %.2f ms, p99 %.2f ms (goal p50 <= 5 ms)\n",
              reads.list_p50_ms, reads.list_p99_ms);
  const int64_t lost = one.other + together.other + deadline.other;
  if (lost != 0) {
    std::fprintf(stderr, "%lld records were not accepted\n", static_cast<long long>(lost));
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace techreno::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return techreno::bench::Run();
}
