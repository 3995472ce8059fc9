// The subcommands of `techreno`. Each takes resolved options (never reads
// flags itself, so main.cc is the one place that knows the command line) and
// returns the process exit code (options.h).
#ifndef TECHRENO_CLIENTS_CLI_COMMANDS_H_
#define TECHRENO_CLIENTS_CLI_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/cli/options.h"

namespace techreno::cli {

// A file to push: CSV (UTF-8, or GB18030 detected or named by
// options.encoding) or JSON lines; its rejected records go to `rejects`
// (default: next to it, NAME.rejects.csv).
struct PushFileOptions {
  std::string path;       // "-" = standard input
  std::string format_in;  // csv, jsonl, or "" (from the extension)
  std::string rejects;
  int64_t from_line = 0;  // only the records from this file line on
};

// push projects FILE: one PushProjects stream for the whole file.
int PushProjects(const GlobalOptions& options, const PushFileOptions& push);
// push enterprises FILE: one idempotent UpsertEnterprise per record.
int PushEnterprises(const GlobalOptions& options, const PushFileOptions& push);

// template projects|enterprises|progress: the import sheet with one example.
int WriteTemplate(const GlobalOptions& options, const std::string& kind);

int GetProject(const GlobalOptions& options, const std::string& project_code);
// upsert project FILE: the one record of FILE through UpsertProject (0: no
// version check); prints the project stored.
int UpsertProject(const GlobalOptions& options, const PushFileOptions& file,
                  int64_t expected_version);
int GetEnterprise(const GlobalOptions& options, const std::string& credit_code);

// Filters as typed on the command line; empty means "any".
struct ListProjectsOptions {
  std::string county;
  std::string city;
  std::string industry;
  std::string status;           // ProjectStatus name, with or without prefix
  std::string renovation_type;  // RenovationType name, with or without prefix
  std::string enterprise;       // credit code
  std::string min_planned_wan;
  std::string max_planned_wan;
  int64_t limit = 50;  // stop after this many projects...
  bool all = false;    // ...unless all pages are wanted
};
int ListProjects(const GlobalOptions& options, const ListProjectsOptions& list);

int ShowHistory(const GlobalOptions& options, const std::string& project_code);

// An empty request_id gets a random one (printed, so a retry can reuse it).
int WithdrawProject(const GlobalOptions& options, const std::string& project_code,
                    const std::string& reason, std::string request_id);

// ---------------------------------------------------------------- monitoring

// progress push FILE: one PushProgress stream for the whole file, or for its
// records from file line `from_line` on (to go on after an incomplete push).
int PushProgress(const GlobalOptions& options, const PushFileOptions& push);

// progress submit: one report as typed; amounts in 万元, empty = not given.
struct SubmitProgressOptions {
  std::string project;
  std::string period;  // "YYYY-MM"
  std::string completed_wan;
  std::string building_wan;      // split: 建筑工程
  std::string installation_wan;  // 安装工程
  std::string equipment_wan;     // 设备工器具购置
  std::string other_wan;         // 其他费用
  std::string status;            // ProjectStatus name, with or without prefix
  std::string note;
  bool covers_january = false;
  std::string request_id;  // empty = random (printed when a retry may be needed)
};
int SubmitProgress(const GlobalOptions& options, const SubmitProgressOptions& submit);

// lock PERIOD / unlock PERIOD. An empty request_id gets a random one.
int LockPeriod(const GlobalOptions& options, const std::string& period, bool lock,
               const std::string& reason, std::string request_id);

// targets set: exactly one of region and group; the value in the flag that
// fits the metric (value_yi or value_wan for money, value for counts).
struct SetTargetOptions {
  int32_t year = 0;
  std::string region;
  std::string group;
  std::string metric;  // TargetMetric name, with or without prefix and _FEN
  std::string value;
  std::string value_yi;
  std::string value_wan;
  std::string note;
};
int SetTarget(const GlobalOptions& options, const SetTargetOptions& target);

struct ListTargetsOptions {
  int32_t year = 0;
  std::string metric;  // empty = tech-renovation investment; "all" = every metric
  std::string root;    // empty = the caller's scope
  bool groups = false;
  bool only_short = false;
};
int ListTargets(const GlobalOptions& options, const ListTargetsOptions& list);

// targets seed-plan: the Three-Year Action Plan's province targets (plan_targets.h).
int SeedPlanTargets(const GlobalOptions& options);

// aggregates: lists are comma-separated as typed.
struct AggregatesOptions {
  std::string from;
  std::string to;
  std::string granularity;  // month, quarter, half or year
  std::string group_by;     // region, group, industry, type, support, size, stage
  std::string tier;         // province, city or county (grouping by region)
  std::string regions;
  std::string groups;
  std::string industries;
};
int QueryAggregates(const GlobalOptions& options, const AggregatesOptions& query);

int ShowCompliance(const GlobalOptions& options, const std::string& from, const std::string& to,
                   const std::string& region);

// lagging: empty threshold / months = the server's defaults (20 points, 3 months).
struct LaggingOptions {
  std::string region;
  std::string as_of;  // "YYYY-MM"; "" = the last complete month
  std::string threshold;
  std::string months;
  int64_t limit = 50;
  bool all = false;
};
int ListLagging(const GlobalOptions& options, const LaggingOptions& lagging);

// report --half=YYYYH1|H2: the semi-annual report (report_command.cc).
struct ReportOptions {
  std::string half;    // "2026H1"
  std::string region;  // "" = the caller's scope
  std::string output;  // HTML file; "" = 技改半年报-HALF.html
  std::string pdf;     // "" = no PDF
};
int WriteReport(const GlobalOptions& options, const ReportOptions& report);

// ------------------------------------------------------------------ library

// Flags of the `library` subcommands, as typed; empty means "not given".
struct LibraryOptions {
  std::string tier;  // county | city | province (or a LibraryTier name)
  std::string reason;
  std::string request_id;  // empty = random (printed when a retry may be needed)
  // nominate
  bool admit = false;
  std::string override_reason;  // given: override failed criteria (owner only)
  // decide
  std::string decision;  // accept | reject
  std::string support;   // planned support, ',' separated SupportInstrument names
  // remove
  std::string reason_code;  // RemovalReason name, e.g. FAILED_REVIEW
  // list, review
  std::string state;   // EntryState name
  std::string region;  // region code filter
  std::string industry;
  int64_t limit = 50;
  bool all = false;
  // totals
  std::string group_by;  // library | city | county
  bool by_industry = false;
  // criteria set (万元 and plain numbers as typed; lists ',' separated; a
  // list given replaces the tier's, "-" empties it)
  std::string min_planned_wan, min_equipment_wan, reported_within, gap_points, silent_months;
  std::string statuses, required, favoured_types, favoured_industries;
};
int LibraryNominate(const GlobalOptions& options, const std::string& code,
                    const LibraryOptions& library);
int LibraryDecide(const GlobalOptions& options, const std::string& code,
                  const LibraryOptions& library);
int LibraryRemove(const GlobalOptions& options, const std::string& code,
                  const LibraryOptions& library);
// library remove CODE CODE...: RemoveEntries, a result a code.
int LibraryRemoveMany(const GlobalOptions& options, const std::vector<std::string>& codes,
                      const LibraryOptions& library);
int LibraryList(const GlobalOptions& options, const LibraryOptions& library);
int LibraryHistory(const GlobalOptions& options, const std::string& code,
                   const LibraryOptions& library);
int LibraryReview(const GlobalOptions& options, const LibraryOptions& library);
int LibraryTotals(const GlobalOptions& options, const LibraryOptions& library);
// library criteria: shows every tier's (or --tier's); `set` changes --tier's.
int LibraryCriteria(const GlobalOptions& options, bool set, const LibraryOptions& library);

// --------------------------------------------------------------------- bank

// Flags of the `bank` subcommands (BankLink: recommending projects to partner
// banks), as typed; empty means "not given". Lists are ',' separated.
struct BankOptions {
  // Filters (list, watch, overdue, stats, score).
  std::string region;    // region code (score: a list)
  std::string industry;  // industry division or group codes
  std::string types;     // score: renovation types
  std::string publication;
  std::string state;  // list: feedback states (none = no feedback yet); feedback: the state
  bool include_retracted = false;
  std::string banks;  // bank ids (--bank and --banks together)
  int64_t limit = 50;
  bool all = false;
  // watch
  std::string cursor;
  std::string cursor_file;  // empty = $HOME/.config/techreno/bank-cursor
  int32_t heartbeat_seconds = 0;
  // feedback: 万元, percent, months and China dates YYYY-MM-DD as typed
  std::string loan_wan, rate_pct, disbursed_wan, disbursed_on, effective;
  int32_t term_months = 0;
  std::string decline_reason, detail;
  std::string note;  // feedback: the bank's remark; publish: why the projects are recommended
  // writes
  int64_t expected_version = 0;  // feedback, policy set; 0 = no check
  std::string request_id;        // empty = random (printed when a retry may be needed)
  // stats
  std::string group_by, from, to;
  // score
  std::string min_tier, min_need_wan, max_need_wan;
  bool on_schedule = false;
  bool include_recommended = false;
  int32_t top = 0;  // 0 = the server's 100
  // publish
  std::string title, codes_file, retract, retract_reason;
  // policy set: a BankLinkPolicy in protobuf JSON
  std::string file;
};
int BankList(const GlobalOptions& options, const BankOptions& bank);
// Streams events until Ctrl-C (exit 0) or the server goes away (exit 1),
// keeping the last event's cursor in the cursor file.
int BankWatch(const GlobalOptions& options, const BankOptions& bank);
int BankFeedback(const GlobalOptions& options, const std::string& code, const BankOptions& bank);
int BankOverdue(const GlobalOptions& options, const BankOptions& bank);
int BankStats(const GlobalOptions& options, const BankOptions& bank);
int BankScore(const GlobalOptions& options, const BankOptions& bank);
// The codes given as operands, then those of bank.codes_file.
int BankPublish(const GlobalOptions& options, const std::vector<std::string>& codes,
                const BankOptions& bank);
// bank policy: the policy in force; `set` sets bank.file's.
int BankPolicy(const GlobalOptions& options, bool set, const BankOptions& bank);

// Database administration on options.db, without a server.
int AdminMigrate(const GlobalOptions& options);
int AdminCreatePrincipal(const GlobalOptions& options, const std::string& name,
                         const std::string& role, const std::string& scope);
// admin load-calendar FILE: China's working-day calendar exceptions
// ("date,kind,name" CSV, a year's State Council notice), in one transaction.
int AdminLoadCalendar(const GlobalOptions& options, const std::string& path);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_COMMANDS_H_
