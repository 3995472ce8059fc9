// banklink_bench: BankLink's live delivery, the server's memory and its reads
// at a data set's size, each next to the issue's goal.
//
//   banklink_bench --dsn="host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//                  [--scale=10] [--watchers=100] [--publish=1000] [--queries=20]
//                  [--server_binary=build/services/server/techreno-server]
//
// It creates a fresh database in that cluster (or reuses --database), and:
//  1. set-up (not measured, but timed and printed): 10,000 × `scale` projects
//     with consent to share with banks and a financing need, over every
//     county, straight into the registry's tables (COPY); 2,000 × `scale` of
//     them recommended to every bank through PublishRecommendations as the
//     province, in twelve lists a fortnight apart (their times moved back by
//     SQL, so that deadlines and days-to-contact vary); the banks' feedback on
//     about 60 % of the (project, bank) pairs by SQL, in every state;
//  2. starts the real techreno-server as a child process on a free port, so
//     that its memory is its own (VmRSS at start);
//  3. live delivery: `watchers` WatchRecommendations streams of bank
//     principals (8 banks, at most 4 streams a principal), each read by its
//     own thread; the province publishes `publish` new projects in one call;
//     every (watcher, event) pair's receipt latency from the publication's
//     publish_time, p50/p99/max, also for each watcher's last event (goal p99
//     ≤ 1 s); every watcher must get every project exactly once;
//  4. the server's peak RSS (VmHWM) after the watch phase (goal ≤ 256 MiB);
//  5. reads, p50/p99 over `queries` calls after 3 warm-ups:
//     ListRecommendations first page as the province and as a bank,
//     GetMatchingStats by bank and by city (goal p50 ≤ 20 ms each),
//     ScoreCandidates top 100, ListOverdueRecommendations first page of a
//     bank; GetMatchingStats by bank checked against plain SQL.
// It exits non-zero when a watcher missed or repeated a project, a figure
// differs from SQL, or a call failed. docs/BENCHMARKS.md describes it.
#include <google/protobuf/util/time_util.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "libs/auth/tokens.h"
#include "libs/codes/codes.h"
#include "libs/store/migrations.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "tests/bench/bench_util.h"
#include "tests/bench/timing.h"

ABSL_FLAG(std::string, dsn, "", "PostgreSQL cluster (a fresh database is created in it)");
ABSL_FLAG(int32_t, max_events_per_message, 100,
          "watchers ask for up to this many events a message (1: one event a message, as a "
          "client of the first contract reads)");
ABSL_FLAG(double, scale, 10,
          "data set size: 10,000 × scale projects, 2,000 × scale of them recommended (10: the "
          "issue's goals)");
ABSL_FLAG(int, watchers, 100, "WatchRecommendations streams (bank principals, 4 streams each)");
ABSL_FLAG(int, publish, 1000, "projects published in the one measured PublishRecommendations");
ABSL_FLAG(int, queries, 20, "calls to time per read figure (after 3 warm-ups)");
ABSL_FLAG(std::string, server_binary, "build/services/server/techreno-server",
          "the techreno-server binary to start as a child process");
ABSL_FLAG(std::string, database, "",
          "reuse this database, left by an earlier run: skip the set-up (each run publishes "
          "`publish` + 1 more of its projects)");

namespace techreno::bench {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kSetupLists = 12;           // fortnightly lists over the last 24 weeks
constexpr int kMaxPublishItems = 10'000;  // PublishRecommendations' limit
constexpr int kStreamsPerPrincipal = 4;   // WatchRecommendations' limit
constexpr double kLatencyGoalMs = 1000, kPeakGoalMiB = 256, kReadGoalP50Ms = 20;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "banklink_bench: %s\n", why.c_str());
  std::exit(1);  // the server child is stopped by the atexit handler
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) Die(absl::StrCat(what, ": ", s.ToString()));
}

int64_t SystemMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ------------------------------------------------------------ the server

pid_t server_pid = 0;

// SIGTERM and wait: the server ends its watch streams and shuts down.
void StopServer() {
  if (server_pid <= 0) return;
  kill(server_pid, SIGTERM);
  int status = 0;
  waitpid(server_pid, &status, 0);
  server_pid = 0;
}

// A TCP port on 127.0.0.1 nobody listens on now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Die(absl::StrCat("no free port: ", std::strerror(errno)));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// Starts `binary --listen=127.0.0.1:PORT --db=DSN`; its stdout goes to our
// stderr. It gets SIGTERM should this process die first.
void StartServer(const std::string& binary, int port, const std::string& dsn) {
  std::vector<std::string> args = {binary, absl::StrCat("--listen=127.0.0.1:", port),
                                   absl::StrCat("--db=", dsn)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) Die(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    dup2(2, 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  server_pid = pid;
  std::atexit(StopServer);
}

// A field of /proc/PID/status ("VmRSS", "VmHWM"), in KiB; -1 if absent.
int64_t ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  }
  return -1;
}
double MiB(int64_t kb) { return kb / 1024.0; }

// ------------------------------------------------------------- set-up

// The data set, reproducibly from each project's index i: county i mod the
// counties (every county-level unit), two projects per enterprise, 16
// manufacturing divisions, one or two of the seven renovation types, starts
// from 24 months ago to 3 months ahead (PLANNED until then, else UNDER_CONSTRUCTION),
// 12–30 months long, planned investment 500万–2亿, financing need 20–70 % of it.
struct DataSet {
  std::vector<std::string> codes;  // by index
};

const char* const kDivisions[] = {"13", "14", "17", "18", "26", "27", "29", "30",
                                  "33", "34", "35", "36", "38", "39", "40", "44"};

std::string Period(int index) { return absl::StrFormat("%04d-%02d", index / 12, index % 12 + 1); }

DataSet LoadProjects(store::Pool& pool, int n) {
  const auto& regions = store::Reference().regions;
  const std::vector<std::string> counties = CountyLevelCodes();
  const int c_count = static_cast<int>(counties.size());
  const absl::CivilMonth now_month =
      absl::ToCivilMonth(absl::Now(), absl::FixedTimeZone(8 * 3600));  // China time
  const int now_index = static_cast<int>(now_month.year()) * 12 + now_month.month() - 1;
  DataSet out;
  Check(store::RunInTransaction(
            pool,
            [&](pqxx::transaction_base& tx) {
              out.codes.clear();
              auto credit = [&](int c, int e) {
                const std::string first17 = absl::StrFormat("91%sMA%07d", counties[c], e);
                return first17 + codes::CreditCheckChar(first17);
              };
              auto division = [&](int c, int e) { return kDivisions[(c * 5 + e) % 16]; };
              pqxx::stream_to ent(tx, "registry_enterprises",
                                  std::vector<std::string>{"credit_code", "name", "county_code",
                                                           "industry_code", "above_designated_size",
                                                           "revenue_band", "integration_pilot",
                                                           "integration_certified", "version"});
              for (int c = 0; c < c_count; ++c) {
                const int projects = n / c_count + (c < n % c_count ? 1 : 0);
                for (int e = 0; e < (projects + 1) / 2; ++e) {
                  const int band = 1 + (e * 3 + c) % 4;
                  ent << std::make_tuple(
                      credit(c, e),
                      absl::StrCat(regions.Find(counties[c])->name, "基准科技", e, "有限公司"),
                      counties[c], division(c, e), band >= 2, band, e % 3 == 0, e % 5 == 0, 1);
                }
              }
              ent.complete();
              pqxx::stream_to prj(
                  tx, "registry_projects",
                  std::vector<std::string>{
                      "county_code", "project_code", "city_code", "enterprise_credit_code",
                      "industry_code", "name", "renovation_types", "requested_support",
                      "planned_investment_fen", "planned_equipment_investment_fen", "start_period",
                      "planned_completion_period", "status", "financing_need_fen",
                      "share_with_banks", "version", "description"});
              for (int i = 0; i < n; ++i) {
                const int c = i % c_count, k = i / c_count, e = k / 2;
                const std::string code = codes::MakeProjectCode(
                    static_cast<int>(now_month.year()) - k % 3, counties[c], k + 1);
                const int start = now_index - 24 + (i * 7) % 28;
                const int64_t planned = 500'000'000 + int64_t{i} * 104729 % 196 * 100'000'000;
                const int64_t need = planned * (20 + i * 31 % 51) / 100 / 1'000'000 * 1'000'000;
                const int type = 1 + i % 7;
                const std::string types = i % 3 == 0
                                              ? absl::StrCat("{", type, ",", 1 + (i + 3) % 7, "}")
                                              : absl::StrCat("{", type, "}");
                const std::string support = i % 4 == 0 ? "{2,3}" : i % 4 == 1 ? "{1}" : "{2}";
                prj << std::make_tuple(counties[c], code, regions.CityOf(counties[c]), credit(c, e),
                                       division(c, e), absl::StrCat("生产线智能化技术改造项目", i),
                                       types, support, planned, planned * (40 + i % 21) / 100,
                                       Period(start), Period(start + 12 + (i % 4) * 6),
                                       start > now_index ? 1 : 2, need, true, 1,
                                       "引进自动化生产线与数字化车间管理系统，提升产能与良品率。");
                out.codes.push_back(code);
              }
              prj.complete();
              return absl::OkStatus();
            }),
        "loading projects");
  return out;
}

v1::PublishRecommendationsRequest PublishRequest(const std::string& id, const std::string& title,
                                                 const std::vector<std::string>& codes) {
  static const char* const kNotes[] = {"设备更新，市场前景好，融资需求明确",
                                       "省级智能制造示范，订单饱满", "绿色节能改造，符合贴息政策",
                                       "规上企业，信用良好，建议优先对接"};
  v1::PublishRecommendationsRequest req;
  req.set_request_id(id);
  req.set_title(title);
  for (size_t i = 0; i < codes.size(); ++i) {
    auto* item = req.add_items();
    item->set_project_code(codes[i]);
    item->set_note(kNotes[i % 4]);
  }
  return req;  // no bank_ids: every partner bank
}

grpc::Status Publish(v1::BankLink::Stub& stub, const std::string& token,
                     const v1::PublishRecommendationsRequest& req,
                     v1::PublishRecommendationsResponse& resp) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  grpc::Status s = stub.PublishRecommendations(&context, req, &resp);
  if (s.ok() && resp.publication().added() != req.items_size()) {
    return grpc::Status(
        grpc::StatusCode::INTERNAL,
        absl::StrCat(resp.publication().added(), " of ", req.items_size(), " items were added"));
  }
  return s;
}

// Recommends every fifth project (spread over every county) in kSetupLists
// publications, then moves each list's time back a fortnight per list
// (publication, recommendations, the banks' receipts), so that the newest
// list is two weeks old. No events are logged for the move.
void PublishSetup(v1::BankLink::Stub& stub, store::Pool& pool, const std::string& token,
                  const DataSet& data) {
  std::vector<std::string> chosen;
  for (size_t i = 0; i < data.codes.size(); i += 5) chosen.push_back(data.codes[i]);
  const size_t per_list =
      std::min<size_t>(kMaxPublishItems, (chosen.size() + kSetupLists - 1) / kSetupLists);
  const int lists = static_cast<int>((chosen.size() + per_list - 1) / per_list);
  std::vector<std::string> ids;
  const auto t0 = Clock::now();
  for (int k = 0; k < lists; ++k) {
    const std::vector<std::string> codes(
        chosen.begin() + k * per_list,
        chosen.begin() + std::min(chosen.size(), (k + 1) * per_list));
    v1::PublishRecommendationsResponse resp;
    grpc::Status s = Publish(
        stub, token,
        PublishRequest(absl::StrCat("bench-setup-", getpid(), "-", k),
                       absl::StrCat("技术改造优质项目推荐名单（基准第", k + 1, "批）"), codes),
        resp);
    if (!s.ok()) Die(absl::StrCat("set-up publication failed: ", s.error_message()));
    ids.push_back(resp.publication().publication_id());
  }
  const double publish_s = Seconds(Clock::now() - t0);
  std::printf(
      "set-up: %zu projects recommended to every bank in %d publications of ≤ %zu items "
      "through PublishRecommendations in %.1f s (%.2f ms an item)\n",
      chosen.size(), lists, per_list, publish_s, 1000 * publish_s / chosen.size());
  Check(store::RunInTransaction(
            pool,
            [&](pqxx::transaction_base& tx) {
              tx.exec("ALTER TABLE banklink_recommendations DISABLE TRIGGER banklink_log_change");
              for (int k = 0; k < lists; ++k) {
                // 10:00 China time, (lists - k) fortnights ago.
                const std::string at =
                    absl::StrCat("date_trunc('day', now()) + interval '2 hours' - interval '",
                                 14 * (lists - k), " days'");
                tx.exec_params("UPDATE banklink_publications SET publish_time = " + at +
                                   " WHERE publication_id = $1",
                               ids[k]);
                tx.exec_params("UPDATE banklink_recommendations SET publish_time = " + at +
                                   ", update_time = " + at + " WHERE publication_ids[1] = $1",
                               ids[k]);
                tx.exec_params(
                    "UPDATE banklink_receipts x SET received_at = r.publish_time"
                    " FROM banklink_recommendations r"
                    " WHERE r.project_code = x.project_code AND r.publication_ids[1] = $1",
                    ids[k]);
              }
              tx.exec("ALTER TABLE banklink_recommendations ENABLE TRIGGER banklink_log_change");
              return absl::OkStatus();
            }),
        "dating the set-up publications");
}

// The banks' feedback on about 60 % of the (recommendation, bank) pairs,
// each pair's from a hash of it: 30 % CONTACTED, 25 % REVIEWING, 25 %
// LOAN_GRANTED (30–100 % of the need, 3.00–4.79 % a year, 12–60 months, half
// disbursed), 20 % DECLINED (all seven reasons); first contact 1–20 days
// after receipt, the latest step up to 30 days after that (not after now).
// One history row each, as if submitted once.
void LoadFeedback(store::Pool& pool) {
  const auto t0 = Clock::now();
  int64_t rows = 0;
  Check(store::RunInTransaction(pool,
                                [&](pqxx::transaction_base& tx) {
                                  rows = tx.exec(R"sql(
WITH pairs AS (
  SELECT r.project_code, r.county_code, b.bank_id, x.received_at, p.financing_need_fen,
         abs(hashtext(r.project_code || '/' || b.bank_id)::bigint) AS h
  FROM banklink_recommendations r
  JOIN banklink_banks b ON r.all_banks OR b.bank_id = ANY (r.bank_ids)
  JOIN banklink_receipts x ON x.project_code = r.project_code AND x.bank_id = b.bank_id
  JOIN registry_projects p ON p.project_code = r.project_code
  WHERE r.state = 1
), chosen AS (
  SELECT *, (h / 100) % 100 AS s, (h / 10000) % 1000 AS v,
         least(received_at + (1 + (h / 10000) % 20) * interval '1 day',
               now() - interval '1 hour') AS first_at
  FROM pairs WHERE h % 100 < 60
), shaped AS (
  SELECT *, CASE WHEN s < 30 THEN 1 WHEN s < 55 THEN 2 WHEN s < 80 THEN 3 ELSE 4 END AS state,
         least(first_at + (v % 31) * interval '1 day', now() - interval '1 hour') AS step_at
  FROM chosen
)
INSERT INTO banklink_feedback (project_code, bank_id, county_code, state, loan_amount_fen,
  decline_reason, decline_detail, note, effective_time, first_time, update_time, submitted_by,
  version, interest_rate_bp, term_months, disbursed_fen, disbursement_time)
SELECT project_code, bank_id, county_code, state,
       CASE WHEN state = 3 THEN greatest(1000000,
         financing_need_fen * (30 + v % 71) / 100 / 1000000 * 1000000) ELSE 0 END,
       CASE WHEN state = 4 THEN 1 + v % 7 ELSE 0 END,
       CASE WHEN state = 4 AND 1 + v % 7 = 7 THEN '企业经营范围调整，暂缓贷款' ELSE '' END,
       CASE state WHEN 1 THEN '已与企业财务负责人对接' WHEN 2 THEN '贷款申请审批中'
                  WHEN 3 THEN '已放贷' ELSE '' END,
       CASE WHEN state = 1 THEN first_at ELSE step_at END, first_at,
       CASE WHEN state = 1 THEN first_at ELSE step_at END,
       'bench-' || bank_id, 1,
       CASE WHEN state = 3 THEN 300 + v % 180 ELSE 0 END,
       CASE WHEN state = 3 THEN 12 * (1 + v % 5) ELSE 0 END,
       CASE WHEN state = 3 AND v % 2 = 0 THEN greatest(1000000,
         financing_need_fen * (30 + v % 71) / 100 / 1000000 * 1000000) ELSE 0 END,
       CASE WHEN state = 3 AND v % 2 = 0 THEN step_at END
FROM shaped)sql")
                                             .affected_rows();
                                  tx.exec(R"sql(
INSERT INTO banklink_feedback_history (project_code, bank_id, version, state, loan_amount_fen,
  decline_reason, decline_detail, note, effective_time, principal_id, submitted_by, request_id,
  interest_rate_bp, term_months, disbursed_fen, disbursement_time, at)
SELECT project_code, bank_id, version, state, loan_amount_fen, decline_reason, decline_detail,
       note, effective_time, 0, submitted_by, 'bench-setup', interest_rate_bp, term_months,
       disbursed_fen, disbursement_time, update_time
FROM banklink_feedback)sql");
                                  return absl::OkStatus();
                                }),
        "loading feedback");
  std::printf("set-up: %lld feedback records by SQL in %.1f s\n", static_cast<long long>(rows),
              Seconds(Clock::now() - t0));
}

// -------------------------------------------------------------- watching

// One WatchRecommendations stream, read by its own thread: the receipt time
// of every PUBLISHED event of a measured project, and of the warm-up's.
struct Watcher {
  grpc::ClientContext context;
  std::thread thread;
  std::atomic<bool> warm{false};
  std::atomic<int> distinct{0};              // measured projects received
  std::vector<std::pair<int, int64_t>> got;  // (measured index, receipt µs), in order
  std::vector<int64_t> event_micros;         // each measured event's event_time
  grpc::Status end;                          // how the stream ended
};

void Watch(Watcher& w, v1::BankLink::Stub& stub, const std::string& token,
           const std::string& cursor, const std::string& warm_code,
           const std::unordered_map<std::string, int>& measured) {
  w.context.AddMetadata("authorization", "Bearer " + token);
  v1::WatchRecommendationsRequest req;
  req.set_cursor(cursor);
  req.set_max_events_per_message(absl::GetFlag(FLAGS_max_events_per_message));
  auto reader = stub.WatchRecommendations(&w.context, req);
  std::vector<bool> seen(measured.size());
  auto take = [&](const v1::RecommendationEvent& e, int64_t now) {
    if (e.kind() != v1::RECOMMENDATION_EVENT_KIND_PUBLISHED) return;
    const std::string& code = e.recommendation().project_code();
    if (code == warm_code) {
      w.warm = true;
      return;
    }
    auto it = measured.find(code);
    if (it == measured.end()) return;
    w.got.emplace_back(it->second, now);
    w.event_micros.push_back(TimeUtil::TimestampToMicroseconds(e.event_time()));
    if (!seen[it->second]) {
      seen[it->second] = true;
      ++w.distinct;
    }
  };
  v1::RecommendationEvent e;
  while (reader->Read(&e)) {
    const int64_t now = SystemMicros();
    take(e, now);
    for (const v1::RecommendationEvent& more : e.more()) take(more, now);
  }
  w.end = reader->Finish();
}

// Waits until `done` holds or `seconds` passed; false on time-out.
template <typename Pred>
bool WaitFor(double seconds, Pred done) {
  const auto t0 = Clock::now();
  while (!done()) {
    if (Seconds(Clock::now() - t0) > seconds) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

struct Latencies {
  double p50 = 0, p99 = 0, max = 0;
  std::string Text() const {
    return absl::StrFormat("p50 %.0f ms, p99 %.0f ms, max %.0f ms", p50, p99, max);
  }
};
Latencies Summarise(const std::vector<double>& ms) {
  Latencies l;
  l.p50 = Percentile(ms, 0.5);
  l.p99 = Percentile(ms, 0.99);
  l.max = ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end());
  return l;
}

// ------------------------------------------------------------ the table

struct Figure {
  std::string name, value, goal;
  int met = -1;  // -1: no goal; 0 NOT met; 1 met
};

void PrintFigures(const std::vector<Figure>& figures) {
  std::printf("\n| figure | value | goal | met |\n|---|---|---|---|\n");
  for (const Figure& f : figures) {
    std::printf("| %s | %s | %s | %s |\n", f.name.c_str(), f.value.c_str(),
                f.goal.empty() ? "—" : f.goal.c_str(),
                f.met < 0 ? "—"
                : f.met   ? "met"
                          : "NOT met");
  }
}

Figure ReadFigure(const QueryFigure& q, double goal_p50_ms, const std::string& extra = "") {
  Figure f{q.name,
           absl::StrFormat("p50 %.1f ms, p99 %.1f ms (%d rows, %d calls)%s", q.p50_ms, q.p99_ms,
                           q.rows, q.calls, extra),
           "", -1};
  if (goal_p50_ms > 0) {
    f.goal = absl::StrFormat("p50 ≤ %.0f ms", goal_p50_ms);
    f.met = q.p50_ms <= goal_p50_ms;
  }
  return f;
}

int Run() {
  const std::string base = absl::GetFlag(FLAGS_dsn);
  if (base.empty()) {
    std::fprintf(stderr, "--dsn is required\n");
    return 2;
  }
  const int n = static_cast<int>(std::lround(10'000 * absl::GetFlag(FLAGS_scale)));
  const int watchers = std::max(1, absl::GetFlag(FLAGS_watchers));
  const int to_publish = std::max(1, absl::GetFlag(FLAGS_publish));
  const int queries = std::max(1, absl::GetFlag(FLAGS_queries));
  const std::string reuse = absl::GetFlag(FLAGS_database);
  const std::string db = BenchDatabase(base, reuse);
  const std::string dsn = absl::StrCat(base, " dbname=", db);
  store::Pool pool({dsn, 4});
  Check(store::ApplyMigrations(pool).status(), "migrations");
  Check(store::SeedReferenceData(pool), "reference data");
  const std::string run = absl::StrCat(getpid());  // principals are named per run
  const std::string province =
      *auth::CreatePrincipal(pool, "bench-province-" + run, auth::Role::kProvince, "440000");
  std::printf("database %s\n", db.c_str());

  DataSet data;
  if (reuse.empty()) {
    const auto t0 = Clock::now();
    data = LoadProjects(pool, n);
    std::printf(
        "set-up: %d projects (consent, financing need) over %zu county-level regions "
        "loaded by COPY in %.1f s\n",
        n, CountyLevelCodes().size(), Seconds(Clock::now() - t0));
  }

  // The server, on its own port, answering.
  const int port = FreePort();
  StartServer(absl::GetFlag(FLAGS_server_binary), port, dsn);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                           grpc::InsecureChannelCredentials(), args);
  auto stub = v1::BankLink::NewStub(channel);
  if (!WaitFor(60, [&] {
        int status = 0;
        if (waitpid(server_pid, &status, WNOHANG) == server_pid) {
          server_pid = 0;
          Die(absl::StrCat(absl::GetFlag(FLAGS_server_binary), " exited at start"));
        }
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + province);
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
        v1::BankLinkPolicy policy;
        return stub->GetBankLinkPolicy(&context, v1::GetBankLinkPolicyRequest(), &policy).ok();
      })) {
    Die("the server did not answer within 60 s");
  }
  const int64_t rss_start_kb = ProcStatusKb(server_pid, "VmRSS");
  std::printf("server: pid %d on 127.0.0.1:%d, VmRSS at start %.1f MiB\n", server_pid, port,
              MiB(rss_start_kb));

  if (reuse.empty()) {
    PublishSetup(*stub, pool, province, data);
    LoadFeedback(pool);
    Check(store::RunAutocommit(pool,
                               [](pqxx::transaction_base& tx) {
                                 tx.exec("ANALYZE");
                                 return absl::OkStatus();
                               }),
          "ANALYZE");
  }
  const int64_t hwm_setup_kb = ProcStatusKb(server_pid, "VmHWM");

  // What the data set holds now, and the projects this run publishes: the
  // warm-up's and the measured ones, not yet recommended, spread at random.
  std::vector<std::string> banks, fresh;
  Check(store::RunReadOnly(
            pool,
            [&](pqxx::transaction_base& tx) {
              banks.clear();
              fresh.clear();
              for (const auto& row : tx.exec("SELECT bank_id FROM banklink_banks ORDER BY 1")) {
                banks.push_back(row[0].c_str());
              }
              const auto counts = tx.exec(
                  "SELECT (SELECT count(*) FROM registry_projects),"
                  " (SELECT count(*) FROM banklink_recommendations WHERE state = 1),"
                  " (SELECT count(*) FROM banklink_feedback),"
                  " (SELECT count(*) FROM banklink_feedback WHERE state = 3)");
              std::printf(
                  "data set: %s projects, %s active recommendations, %s feedback records "
                  "(%s loans), %zu banks\n",
                  counts[0][0].c_str(), counts[0][1].c_str(), counts[0][2].c_str(),
                  counts[0][3].c_str(), banks.size());
              for (const auto& row : tx.exec_params(
                       "SELECT project_code FROM registry_projects p"
                       " WHERE share_with_banks AND financing_need_fen > 0 AND status IN (1, 2)"
                       "   AND NOT EXISTS (SELECT 1 FROM banklink_recommendations r"
                       "                   WHERE r.project_code = p.project_code)"
                       " ORDER BY md5(project_code) LIMIT $1",
                       to_publish + 1)) {
                fresh.push_back(row[0].c_str());
              }
              return absl::OkStatus();
            }),
        "reading the data set");
  if (static_cast<int>(fresh.size()) < to_publish + 1) {
    Die(absl::StrCat("only ", fresh.size(), " projects are left to publish; need ", to_publish + 1,
                     " (a larger --scale, or a fresh database)"));
  }
  if (banks.empty()) Die("no partner banks");
  const std::string warm_code = fresh.back();
  fresh.pop_back();
  std::unordered_map<std::string, int> measured;
  for (size_t i = 0; i < fresh.size(); ++i) measured[fresh[i]] = static_cast<int>(i);

  // 3. Live delivery. Principal p (bank p mod the banks) holds streams
  // 4p..4p+3; each watches from its principal's watch_cursor.
  const int principals = (watchers + kStreamsPerPrincipal - 1) / kStreamsPerPrincipal;
  std::vector<std::string> tokens, cursors;
  for (int p = 0; p < principals; ++p) {
    const std::string& bank = banks[p % banks.size()];
    auto token = auth::CreatePrincipal(pool, absl::StrCat("bench-", bank, "-", run, "-", p),
                                       auth::Role::kBank, bank);
    Check(token.status(), "bank principal");
    v1::ListRecommendationsRequest req;
    req.set_page_size(1);
    v1::ListRecommendationsResponse resp;
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + *token);
    grpc::Status s = stub->ListRecommendations(&context, req, &resp);
    if (!s.ok()) Die(absl::StrCat("ListRecommendations for a cursor: ", s.error_message()));
    tokens.push_back(*token);
    cursors.push_back(resp.watch_cursor());
  }
  std::vector<std::unique_ptr<Watcher>> ws;
  for (int i = 0; i < watchers; ++i) {
    ws.push_back(std::make_unique<Watcher>());
    const int p = i / kStreamsPerPrincipal;
    ws.back()->thread =
        std::thread(Watch, std::ref(*ws.back()), std::ref(*stub), std::cref(tokens[p]),
                    std::cref(cursors[p]), std::cref(warm_code), std::cref(measured));
  }
  // A warm-up publication of one project: once every watcher has it, every
  // stream is open and live.
  v1::PublishRecommendationsResponse warm_resp;
  if (grpc::Status s = Publish(
          *stub, province,
          PublishRequest(absl::StrCat("bench-warm-", run), "基准预热", {warm_code}), warm_resp);
      !s.ok()) {
    Die(absl::StrCat("warm-up publication failed: ", s.error_message()));
  }
  const bool all_warm = WaitFor(60, [&] {
    for (const auto& w : ws) {
      if (!w->warm) return false;
    }
    return true;
  });
  if (!all_warm) std::fprintf(stderr, "not every watcher had the warm-up event within 60 s\n");

  std::printf(
      "\nlive delivery: %d watchers (%d bank principals over %zu banks), one "
      "publication of %d projects to every bank\n",
      watchers, principals, banks.size(), to_publish);
  v1::PublishRecommendationsResponse pub;
  const int64_t call_start = SystemMicros();
  if (grpc::Status s = Publish(*stub, province,
                               PublishRequest(absl::StrCat("bench-measured-", run),
                                              "技术改造优质项目推荐名单（基准实测批）", fresh),
                               pub);
      !s.ok()) {
    Die(absl::StrCat("the measured publication failed: ", s.error_message()));
  }
  const int64_t answered = SystemMicros();
  const int64_t publish_time = TimeUtil::TimestampToMicroseconds(pub.publication().publish_time());
  const bool all_received = WaitFor(120, [&] {
    for (const auto& w : ws) {
      if (w->distinct < to_publish) return false;
    }
    return true;
  });
  const double delivered_s = (SystemMicros() - answered) / 1e6;
  for (auto& w : ws) w->context.TryCancel();
  for (auto& w : ws) w->thread.join();

  std::vector<double> all_ms, last_ms, all_from_last_event_ms;
  int64_t last_event = 0;  // the publication's last event_time: just before its commit
  for (const auto& w : ws) {
    for (int64_t t : w->event_micros) last_event = std::max(last_event, t);
  }
  int short_watchers = 0, repeated = 0;
  for (size_t i = 0; i < ws.size(); ++i) {
    const Watcher& w = *ws[i];
    int64_t last = 0;
    for (const auto& [unused_index, at] : w.got) {
      all_ms.push_back((at - publish_time) / 1000.0);
      all_from_last_event_ms.push_back((at - last_event) / 1000.0);
      last = std::max(last, at);
    }
    if (!w.got.empty()) last_ms.push_back((last - publish_time) / 1000.0);
    const int missing = to_publish - w.distinct;
    const int dup = static_cast<int>(w.got.size()) - w.distinct;
    if (missing > 0 || dup > 0) {
      ++short_watchers;
      repeated += dup;
      std::fprintf(stderr, "watcher %zu: %d projects missing, %d repeated (stream ended: %s)\n", i,
                   missing, dup,
                   w.end.error_code() == grpc::StatusCode::CANCELLED
                       ? "cancelled by the benchmark"
                       : w.end.error_message().c_str());
    }
  }
  const Latencies all = Summarise(all_ms), last = Summarise(last_ms),
                  from_commit = Summarise(all_from_last_event_ms);
  std::printf(
      "  PublishRecommendations call: %.0f ms; publish_time is %.0f ms before its "
      "answer, the last event_time %.0f ms\n",
      (answered - call_start) / 1000.0, (answered - publish_time) / 1000.0,
      (answered - last_event) / 1000.0);
  std::printf("  every watcher done %.2f s after the answer%s\n", delivered_s,
              all_received ? "" : " (time-out: 120 s)");
  std::printf("  receipt − publish_time, %zu (watcher, event) pairs: %s\n", all_ms.size(),
              all.Text().c_str());
  std::printf("  receipt − publish_time, each watcher's last event: %s\n", last.Text().c_str());
  std::printf("  receipt − the publication's last event_time (≥ the latency from commit): %s\n",
              from_commit.Text().c_str());
  std::printf("  %d of %d watchers got every project exactly once\n", watchers - short_watchers,
              watchers);

  // 4. Memory.
  const int64_t hwm_watch_kb = ProcStatusKb(server_pid, "VmHWM");
  const int64_t rss_watch_kb = ProcStatusKb(server_pid, "VmRSS");
  std::printf(
      "\nserver memory: VmRSS at start %.1f MiB; VmHWM after set-up %.1f MiB, after the "
      "watch phase %.1f MiB (VmRSS %.1f MiB)\n",
      MiB(rss_start_kb), MiB(hwm_setup_kb), MiB(hwm_watch_kb), MiB(rss_watch_kb));

  // 5. Reads.
  std::printf("\nreads (%d calls each after 3 warm-ups)\n", queries);
  const std::string bank = banks[0];
  const std::string bank_token = *auth::CreatePrincipal(
      pool, absl::StrCat("bench-reader-", bank, "-", run), auth::Role::kBank, bank);
  std::vector<QueryFigure> reads;
  auto measure = [&](const std::string& name, const std::string& token, auto call) {
    QueryFigure f;
    f.name = name;
    TimeInto(f, queries, token, [&](grpc::ClientContext& context) { return call(context, f); });
    std::printf("  %s: p50 %.1f ms, p99 %.1f ms, %d rows\n", name.c_str(), f.p50_ms, f.p99_ms,
                f.rows);
    reads.push_back(f);
  };
  auto list = [&](grpc::ClientContext& context, QueryFigure& f) {
    v1::ListRecommendationsRequest req;
    req.set_page_size(100);
    v1::ListRecommendationsResponse resp;
    grpc::Status s = stub->ListRecommendations(&context, req, &resp);
    f.rows = resp.recommendations_size();
    return s;
  };
  measure("ListRecommendations first page (100), province", province, list);
  measure(absl::StrCat("ListRecommendations first page (100), bank ", bank), bank_token, list);
  auto stats = [&](v1::MatchingDimension d) {
    return [&, d](grpc::ClientContext& context, QueryFigure& f) {
      v1::GetMatchingStatsRequest req;
      req.add_group_by(d);
      v1::GetMatchingStatsResponse resp;
      grpc::Status s = stub->GetMatchingStats(&context, req, &resp);
      f.rows = resp.rows_size();
      return s;
    };
  };
  measure("GetMatchingStats by bank, province", province, stats(v1::MATCHING_DIMENSION_BANK));
  measure("GetMatchingStats by city, province", province, stats(v1::MATCHING_DIMENSION_CITY));
  int64_t eligible = 0;
  measure("ScoreCandidates top 100, province", province,
          [&](grpc::ClientContext& context, QueryFigure& f) {
            v1::ScoreCandidatesRequest req;
            req.set_top_n(100);
            v1::ScoreCandidatesResponse resp;
            grpc::Status s = stub->ScoreCandidates(&context, req, &resp);
            f.rows = resp.candidates_size();
            eligible = resp.eligible();
            return s;
          });
  measure(absl::StrCat("ListOverdueRecommendations first page (100), bank ", bank), bank_token,
          [&](grpc::ClientContext& context, QueryFigure& f) {
            v1::ListOverdueRecommendationsRequest req;
            v1::ListOverdueRecommendationsResponse resp;
            grpc::Status s = stub->ListOverdueRecommendations(&context, req, &resp);
            f.rows = resp.overdue_size();
            return s;
          });

  // GetMatchingStats by bank against plain SQL: loans granted and their sum
  // per bank, over ACTIVE recommendations.
  int mismatches = 0;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + province);
    v1::GetMatchingStatsRequest req;
    req.add_group_by(v1::MATCHING_DIMENSION_BANK);
    v1::GetMatchingStatsResponse resp;
    if (grpc::Status s = stub->GetMatchingStats(&context, req, &resp); !s.ok()) {
      Die(absl::StrCat("GetMatchingStats: ", s.error_message()));
    }
    std::map<std::string, std::pair<int64_t, int64_t>> api, sql;
    for (const auto& r : resp.rows()) {
      api[r.key().bank_id()] = {r.loans_granted(), r.loan_amount_fen()};
    }
    Check(store::RunReadOnly(pool,
                             [&](pqxx::transaction_base& tx) {
                               sql.clear();
                               for (const auto& row : tx.exec(
                                        "SELECT f.bank_id, count(*),"
                                        " coalesce(sum(f.loan_amount_fen), 0)"
                                        " FROM banklink_feedback f"
                                        " JOIN banklink_recommendations r USING (project_code)"
                                        " WHERE r.state = 1 AND f.state = 3 GROUP BY f.bank_id")) {
                                 sql[row[0].c_str()] = {row[1].as<int64_t>(), row[2].as<int64_t>()};
                               }
                               return absl::OkStatus();
                             }),
          "plain SQL");
    std::set<std::string> keys;
    for (const auto& [k, v] : api) keys.insert(k);
    for (const auto& [k, v] : sql) keys.insert(k);
    for (const std::string& k : keys) {
      const auto a = api.count(k) ? api[k] : std::pair<int64_t, int64_t>{0, 0};
      const auto q = sql.count(k) ? sql[k] : std::pair<int64_t, int64_t>{0, 0};
      if (a != q) {
        ++mismatches;
        std::fprintf(stderr,
                     "GetMatchingStats %s: %lld loans, %lld fen; plain SQL: %lld loans, %lld "
                     "fen\n",
                     k.c_str(), static_cast<long long>(a.first), static_cast<long long>(a.second),
                     static_cast<long long>(q.first), static_cast<long long>(q.second));
      }
    }
    std::printf(
        "  GetMatchingStats by bank against plain SQL (loans granted, loan amount, %zu "
        "banks): %s\n",
        keys.size(), mismatches == 0 ? "equal" : "DIFFERENT");
  }
  const int64_t hwm_end_kb = ProcStatusKb(server_pid, "VmHWM");
  StopServer();

  std::vector<Figure> figures;
  const std::string goal_ms = absl::StrFormat("p99 ≤ %.0f ms", kLatencyGoalMs);
  figures.push_back(
      {absl::StrFormat("receipt − publish_time, %d watchers × %d events", watchers, to_publish),
       all.Text(), goal_ms, all.p99 <= kLatencyGoalMs});
  figures.push_back({"receipt − publish_time, each watcher's last event", last.Text(), goal_ms,
                     last.p99 <= kLatencyGoalMs});
  figures.push_back({"receipt − the publication's last event_time (upper bound from commit)",
                     from_commit.Text(), goal_ms, from_commit.p99 <= kLatencyGoalMs});
  figures.push_back({"every watcher got every project exactly once",
                     absl::StrCat(watchers - short_watchers, " of ", watchers, " watchers"), "all",
                     short_watchers == 0});
  figures.push_back(
      {"server VmRSS at start", absl::StrFormat("%.1f MiB", MiB(rss_start_kb)), "", -1});
  figures.push_back({"server peak RSS (VmHWM) after the watch phase",
                     absl::StrFormat("%.1f MiB", MiB(hwm_watch_kb)),
                     absl::StrFormat("≤ %.0f MiB", kPeakGoalMiB),
                     MiB(hwm_watch_kb) <= kPeakGoalMiB});
  figures.push_back({"server peak RSS (VmHWM) after the reads",
                     absl::StrFormat("%.1f MiB", MiB(hwm_end_kb)), "", -1});
  for (size_t i = 0; i < reads.size(); ++i) {
    const bool goal = i < 4;  // the lists and the stats
    std::string extra;
    if (i == 2) extra = mismatches == 0 ? "; equal to plain SQL" : "; DIFFERS from plain SQL";
    if (i == 4) extra = absl::StrCat("; ", eligible, " eligible");
    figures.push_back(ReadFigure(reads[i], goal ? kReadGoalP50Ms : 0, extra));
  }
  PrintFigures(figures);
  if (short_watchers > 0) {
    std::fprintf(stderr, "%d watchers missed or repeated projects (%d repeats)\n", short_watchers,
                 repeated);
  }
  return short_watchers > 0 || mismatches > 0 ? 1 : 0;
}

}  // namespace
}  // namespace techreno::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped to a file
  return techreno::bench::Run();
}
