// techreno-loadgen: a Guangdong-shaped data set (generator.h), written as
// files for the techreno CLI or pushed by simulated county systems
// (county_push.h) and checked against the server afterwards (server_check.h).
//
//   techreno-loadgen generate --out=DIR [--scale=1] [--seed=2015] [--as_of=YYYY-MM]
//   techreno-loadgen simulate [--scale=1] [--concurrency=8] [--tokens=FILE] [--db=DSN]
//   techreno-loadgen check    (the simulation's check alone)
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/loadgen/county_push.h"
#include "clients/loadgen/county_tokens.h"
#include "clients/loadgen/data_summary.h"
#include "clients/loadgen/dataset_files.h"
#include "clients/loadgen/generator.h"
#include "clients/loadgen/server_check.h"
#include "libs/rpc/client_channel.h"
#include "libs/store/reference_data.h"

namespace techreno::loadgen {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// "error: <message>" on stderr; returns `rc`.
int Fail(const absl::Status& status, int rc) {
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return rc;
}

struct DataOptions {
  uint64_t seed = 2015;
  double scale = 1;
  std::string as_of;                  // "" = last month (China Standard Time)
  std::vector<std::string> counties;  // empty = all
  std::vector<std::string> exclude;   // counties left out
};

struct GenerateOptions {
  std::string out;
  std::string format = "csv";
};

struct SimulateOptions {
  std::string server = "127.0.0.1:50051";
  std::string tls_ca, tls_cert, tls_key;  // PEM files; none: plain TCP
  std::string tokens = "loadgen-tokens.env";
  std::string db;
  int concurrency = 8;
  bool check = true;
  std::string history_keys;
  std::string totals;
  int give_up_after_s = 120;
};

void AddDataOptions(CLI::App* app, DataOptions& d) {
  app->add_option("--seed", d.seed,
                  "the data set's seed: the same seed, scale and month give "
                  "the same data")
      ->capture_default_str();
  app->add_option("--scale", d.scale,
                  "1: Guangdong's size (~100,000 projects); 10 and 100 for load; 0.01 for a demo")
      ->capture_default_str()
      ->check(CLI::Range(0.0001, 100.0));
  app->add_option("--as_of", d.as_of,
                  "the last month reported, YYYY-MM (default: last month, China time)");
  app->add_option("--county", d.counties, "only these county-level units (codes; repeat or comma)")
      ->delimiter(',');
  app->add_option("--exclude", d.exclude,
                  "leave these county-level units out (codes; e.g. a county with data of its own)")
      ->delimiter(',');
}

absl::StatusOr<Generator> MakeGenerator(const DataOptions& d) {
  GeneratorOptions g{d.seed, d.scale, {}};
  if (d.as_of.empty()) {
    g.as_of = codes::PeriodFromIndex(codes::CurrentPeriod(absl::Now()).Index() - 1);
  } else {
    absl::StatusOr<codes::Period> p = codes::ParsePeriod(d.as_of);
    if (!p.ok()) return absl::InvalidArgumentError(absl::StrCat("--as_of: ", p.status().message()));
    g.as_of = *p;
  }
  return Generator::Create(g);
}

// The counties asked for (all by default); INVALID_ARGUMENT names one that is not county-level.
absl::StatusOr<std::vector<std::string>> ChosenCounties(const Generator& gen,
                                                        const DataOptions& d) {
  for (const auto* list : {&d.counties, &d.exclude}) {
    for (const std::string& c : *list) {
      if (gen.ProjectCount(c) == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(list == &d.counties ? "--county " : "--exclude ", c,
                         " is not a county-level unit of Guangdong"));
      }
    }
  }
  std::vector<std::string> out;
  for (const std::string& c : d.counties.empty() ? gen.Counties() : d.counties) {
    const bool excluded = std::find(d.exclude.begin(), d.exclude.end(), c) != d.exclude.end();
    const bool again = std::find(out.begin(), out.end(), c) != out.end();  // --county=X,X
    if (!excluded && !again) out.push_back(c);
  }
  if (out.empty()) return absl::InvalidArgumentError("--exclude leaves no county");
  return out;
}

// The data set and the counties asked for; on a mistake in the options, says
// what it is on stderr and returns nullopt (a usage error).
struct DataSet {
  Generator gen;
  std::vector<std::string> counties;
};
std::optional<DataSet> ChooseDataSet(const DataOptions& d) {
  absl::StatusOr<Generator> gen = MakeGenerator(d);
  absl::StatusOr<std::vector<std::string>> counties =
      gen.ok() ? ChosenCounties(*gen, d) : gen.status();
  if (!counties.ok()) {
    Fail(counties.status(), kExitUsage);
    return std::nullopt;
  }
  return DataSet{*std::move(gen), *std::move(counties)};
}

int Generate(const DataOptions& d, const GenerateOptions& o) {
  std::optional<DataSet> set = ChooseDataSet(d);
  if (!set.has_value()) return kExitUsage;
  const Generator& gen = set->gen;
  const std::vector<std::string>& counties = set->counties;
  absl::StatusOr<DatasetFiles> files =
      DatasetFiles::Open(o.out, o.format == "csv" ? FileFormat::kCsv : FileFormat::kJsonLines);
  if (!files.ok()) return Fail(files.status(), kExitFailed);
  DataSummary summary;
  for (size_t i = 0; i < counties.size(); ++i) {
    const CountyData data = gen.County(counties[i]);
    summary.Add(data);
    if (absl::Status s = files->Add(data, gen.options().as_of); !s.ok()) {
      return Fail(s, kExitFailed);
    }
    if ((i + 1) % 20 == 0)
      std::fprintf(stderr, "%zu of %zu counties written\n", i + 1, counties.size());
  }
  if (absl::Status s = files->Close(); !s.ok()) return Fail(s, kExitFailed);
  summary.Print(gen.options(), stderr);
  if (absl::Status s = summary.WriteTotals(o.out + "/totals.csv", gen.options()); !s.ok()) {
    return Fail(s, kExitFailed);
  }
  const char* ext = o.format == "csv" ? "csv" : "jsonl";
  std::fprintf(stderr,
               "written to %s: enterprises.%s, projects.%s, progress.%s (months as first "
               "filed), corrections.%s (push after progress), history-keys.txt, totals.csv\n",
               o.out.c_str(), ext, ext, ext, ext);
  return 0;
}

// Runs `work` for each county on `concurrency` threads, printing progress
// every 5 s (`progress` adds to the line); returns the failure's message per
// county.
template <typename Work>
std::map<std::string, std::string> ForEachCounty(const std::vector<std::string>& counties,
                                                 int concurrency, const char* what, Work work,
                                                 const std::function<std::string()>& progress) {
  std::atomic<size_t> next{0}, done{0};
  std::mutex mu;
  std::map<std::string, std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, concurrency); ++t) {
    threads.emplace_back([&] {
      for (size_t i; (i = next++) < counties.size(); ++done) {
        absl::Status s = work(counties[i]);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures[counties[i]] = std::string(s.message());
        }
      }
    });
  }
  std::atomic<bool> finished{false};
  std::thread meter([&] {
    for (int ticks = 1; !finished; ++ticks) {
      absl::SleepFor(absl::Milliseconds(100));
      if (ticks % 50 == 0 && !finished) {
        std::fprintf(stderr, "%s: %zu of %zu counties done%s\n", what, done.load(), counties.size(),
                     progress().c_str());
      }
    }
  });
  for (std::thread& t : threads) t.join();
  finished = true;
  meter.join();
  return failures;
}

// "  county 440103 stopped: why" for the first five, then how many more.
void PrintFailures(const std::map<std::string, std::string>& failures, const char* verb) {
  size_t shown = 0;
  for (const auto& [county, why] : failures) {
    if (++shown > 5) {
      std::fprintf(stderr, "  ... and %zu more counties\n", failures.size() - 5);
      break;
    }
    std::fprintf(stderr, "  county %s %s: %s\n", county.c_str(), verb, why.c_str());
  }
}

// What the push and the check of a simulation share.
struct Simulation {
  const Generator& gen;
  std::vector<std::string> counties;
  std::map<std::string, std::string> tokens;  // county -> its own token
  std::shared_ptr<grpc::Channel> channel;
};

// Every county pushes its data, `concurrency` at once; the summary goes to stderr.
int PushAll(const Simulation& sim, const SimulateOptions& o) {
  std::ofstream history;
  if (!o.history_keys.empty()) {
    history.open(o.history_keys, std::ios::trunc);
    if (!history) {
      std::fprintf(stderr, "error: cannot write %s\n", o.history_keys.c_str());
      return kExitFailed;
    }
  }
  std::mutex mu;
  PushTally pushed;
  DataSummary summary;
  LiveCounts live;
  const absl::Time start = absl::Now();
  auto failures = ForEachCounty(
      sim.counties, o.concurrency, "push",
      [&](const std::string& county) {
        const CountyData data = sim.gen.County(county);
        PushTally tally;
        absl::Status s = PushCounty({sim.channel, sim.tokens.at(county), sim.gen.tag(),
                                     absl::Seconds(o.give_up_after_s), &live},
                                    data, &tally);
        std::lock_guard<std::mutex> lock(mu);
        pushed.Add(tally);
        summary.Add(data);
        if (history.is_open()) WriteHistoryKeys(data, sim.gen.options().as_of, history);
        return s;
      },
      [&] {
        const double s = absl::ToDoubleSeconds(absl::Now() - start);
        const int64_t n = live.answered;
        return absl::StrFormat("; %d records answered, %.0f records/s, %d retries", n,
                               n / std::max(s, 1e-3), live.retries.load());
      });
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  summary.Print(sim.gen.options(), stderr);
  std::fprintf(stderr,
               "pushed by %zu county systems (%d at once) in %.1f s: %lld enterprises, then %lld "
               "projects and reports (%.0f records/s): accepted %lld, unchanged %lld (replayed "
               "%lld), rejected %lld; %lld retries\n",
               sim.counties.size(), o.concurrency, seconds,
               static_cast<long long>(pushed.enterprises), static_cast<long long>(pushed.records),
               (pushed.enterprises + pushed.records) / std::max(seconds, 1e-3),
               static_cast<long long>(pushed.accepted), static_cast<long long>(pushed.unchanged),
               static_cast<long long>(pushed.replayed), static_cast<long long>(pushed.rejected),
               static_cast<long long>(pushed.retries));
  for (const std::string& r : pushed.rejections)
    std::fprintf(stderr, "  rejected: %s\n", r.c_str());
  PrintFailures(failures, "stopped");
  int rc = failures.empty() && pushed.rejected == 0 ? 0 : kExitFailed;
  if (!o.totals.empty()) {
    if (absl::Status s = summary.WriteTotals(o.totals, sim.gen.options()); !s.ok()) {
      rc = Fail(s, kExitFailed);
    }
  }
  if (history.is_open()) {
    history.close();
    std::fprintf(stderr, "on-time months of closed half-years listed in %s\n",
                 o.history_keys.c_str());
  } else {
    std::fprintf(stderr,
                 "note: the server files every report as it arrives, so the months of closed "
                 "half-years pushed now count as late in compliance; --history_keys lists the "
                 "ones filed on time, for deploy/local/demo/history.sql (demo only)\n");
  }
  return rc;
}

// Every county read back with its own token and compared with its data.
int CheckAll(const Simulation& sim, const SimulateOptions& o) {
  std::mutex mu;
  CheckTally checked;
  auto failures = ForEachCounty(
      sim.counties, o.concurrency, "check",
      [&](const std::string& county) {
        const CountyData data = sim.gen.County(county);
        CheckTally tally;
        absl::Status s =
            CheckCounty(sim.channel, sim.tokens.at(county), sim.gen.tag(), data, &tally);
        std::lock_guard<std::mutex> lock(mu);
        checked.Add(tally);
        return s;
      },
      [] { return std::string(); });
  PrintFailures(failures, "not checked");
  const bool same = checked.mismatches == 0 && failures.empty();
  const std::string verdict =
      !failures.empty() ? absl::StrCat(failures.size(), " counties could not be read (above)")
      : same ? "every one present once, its completed investment equal to the generated reports "
               "(nothing lost, nothing duplicated)"
             : absl::StrCat(checked.mismatches, " differ");
  std::fprintf(stderr, "check: %lld projects in %zu counties against the server: %s\n",
               static_cast<long long>(checked.projects), sim.counties.size(), verdict.c_str());
  for (const std::string& e : checked.examples) std::fprintf(stderr, "  %s\n", e.c_str());
  return same ? 0 : kExitFailed;
}

int Simulate(const DataOptions& d, const SimulateOptions& o, bool push) {
  std::optional<DataSet> set = ChooseDataSet(d);
  if (!set.has_value()) return kExitUsage;
  absl::StatusOr<std::map<std::string, std::string>> tokens =
      CountyTokens(o.tokens, set->counties, o.db);
  if (!tokens.ok()) return Fail(tokens.status(), kExitFailed);
  absl::StatusOr<rpc::ClientTls> tls = rpc::ReadClientTls(o.tls_ca, o.tls_cert, o.tls_key);
  if (!tls.ok()) return Fail(tls.status(), kExitUsage);
  const Simulation sim{set->gen, set->counties, *std::move(tokens),
                       rpc::NewClientChannel(o.server, *tls, 64 << 20)};
  const std::string& first = sim.counties.front();
  if (absl::Status s = CheckReachable(sim.channel, sim.tokens.at(first), first); !s.ok()) {
    std::fprintf(stderr, "error: cannot read %s's projects at %s as its county system: %s\n",
                 first.c_str(), o.server.c_str(), std::string(s.message()).c_str());
    return kExitFailed;
  }
  const int pushed = push ? PushAll(sim, o) : 0;
  const int checked = o.check ? CheckAll(sim, o) : 0;
  return pushed != 0 ? pushed : checked;
}

// The options of each subcommand: their own, even where two look alike,
// because CLI11 fills options from the environment for every subcommand, and
// a shared variable would take the environment's value over the flag given.
struct ServerCommandOptions {
  DataOptions data;
  SimulateOptions sim;
};

void AddServerOptions(CLI::App* cmd, ServerCommandOptions& o) {
  AddDataOptions(cmd, o.data);
  SimulateOptions& sim = o.sim;
  cmd->add_option("--server", sim.server, "techreno-server host:port")
      ->envname("TECHRENO_SERVER")
      ->capture_default_str();
  cmd->add_option("--tls_ca", sim.tls_ca, "PEM CA to check a TLS server against")
      ->envname("TECHRENO_TLS_CA");
  cmd->add_option("--tls_cert", sim.tls_cert,
                  "PEM client certificate, when the server asks for one (mutual TLS)")
      ->envname("TECHRENO_TLS_CERT");
  cmd->add_option("--tls_key", sim.tls_key, "PEM key of --tls_cert")->envname("TECHRENO_TLS_KEY");
  cmd->add_option("--tokens", sim.tokens,
                  "file of county_code=token lines; counties without one get a principal "
                  "(needs --db) and their token is added")
      ->capture_default_str();
  cmd->add_option("--db", sim.db, "libpq connection string, to create county principals")
      ->envname("TECHRENO_DB");
  cmd->add_option("--concurrency", sim.concurrency, "county systems pushing at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
}

int Run(int argc, char** argv) {
  CLI::App app{"techreno-loadgen: a Guangdong-shaped data set, and county systems pushing it",
               "techreno-loadgen"};
  app.require_subcommand(1);

  DataOptions generate_data;
  GenerateOptions generate_out;
  CLI::App* generate =
      app.add_subcommand("generate",
                         "write the data set as files for the techreno CLI (push enterprises, push "
                         "projects, progress push)");
  AddDataOptions(generate, generate_data);
  generate->add_option("--out", generate_out.out, "directory to write into (created)")->required();
  generate->add_option("--format", generate_out.format, "csv (UTF-8 with BOM, 万元) or jsonl")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "jsonl"}));
  generate->footer("example: techreno-loadgen generate --scale=0.01 --county=440103 --out=liwan");

  ServerCommandOptions simulate_options;
  SimulateOptions& sim = simulate_options.sim;
  CLI::App* simulate = app.add_subcommand(
      "simulate",
      "county systems push the data set at once, each with its own token, retrying "
      "with the same request ids while the server is away; then check the server");
  AddServerOptions(simulate, simulate_options);
  simulate->add_option("--check", sim.check, "check the server afterwards")->capture_default_str();
  simulate->add_option("--history_keys", sim.history_keys,
                       "write the on-time months of closed half-years here "
                       "(for deploy/local/demo/history.sql)");
  simulate->add_option("--totals", sim.totals,
                       "write the investment completed per region and year (within the "
                       "statistics, 万元) here, as CSV");
  simulate
      ->add_option("--give_up_after", sim.give_up_after_s,
                   "seconds a county keeps retrying while the server is away")
      ->capture_default_str();
  simulate->footer(
      "example: techreno-loadgen simulate --scale=0.01 --db=\"dbname=techreno\" --concurrency=16");

  ServerCommandOptions check_options;
  CLI::App* check = app.add_subcommand(
      "check", "check that the server holds the data set exactly (as simulate does after pushing)");
  AddServerOptions(check, check_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  if (generate->parsed()) return Generate(generate_data, generate_out);
  if (simulate->parsed()) return Simulate(simulate_options.data, simulate_options.sim, true);
  return Simulate(check_options.data, check_options.sim, false);
}

}  // namespace
}  // namespace techreno::loadgen

int main(int argc, char** argv) { return techreno::loadgen::Run(argc, argv); }
