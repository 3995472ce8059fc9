// techreno: the command-line client. This file owns the command line: every
// flag is defined here (so `--helpfull` lists them together), resolved with
// the environment, and handed to the subcommand as plain options.
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_join.h"
#include "clients/cli/commands.h"
#include "clients/cli/options.h"
#include "clients/cli/usage.h"

// Global. Defaults come from the environment at run time (see Resolve), so
// that --helpfull never prints a token taken from $TECHRENO_TOKEN.
ABSL_FLAG(std::string, server, "",
          "host:port of techreno-server ($TECHRENO_SERVER, 127.0.0.1:50051)");
ABSL_FLAG(std::string, token, "", "bearer token ($TECHRENO_TOKEN)");
ABSL_FLAG(std::string, db, "", "libpq connection string for admin commands ($TECHRENO_DB)");
ABSL_FLAG(std::string, format, "table", "output: table or json");
// push
ABSL_FLAG(std::string, format_in, "", "input format: csv or jsonl (default: from the extension)");
ABSL_FLAG(int64_t, from_line, 0, "progress push: only the records from this file line on");
// list projects
ABSL_FLAG(std::string, county, "", "list: county code");
ABSL_FLAG(std::string, city, "", "list: city code");
ABSL_FLAG(std::string, industry, "",
          "list: industry division or group code; aggregates: codes separated by ','");
ABSL_FLAG(std::string, status, "", "list, progress submit: project status, e.g. PLANNED");
ABSL_FLAG(std::string, renovation_type, "", "list: renovation type, e.g. EQUIPMENT_RENEWAL");
ABSL_FLAG(std::string, enterprise, "", "list: enterprise credit code");
ABSL_FLAG(std::string, min_planned_wan, "",
          "list, library criteria set: minimum planned investment in 万元");
ABSL_FLAG(std::string, max_planned_wan, "", "list: maximum planned investment in 万元");
ABSL_FLAG(int64_t, limit, 50, "list, lagging: at most this many projects");
ABSL_FLAG(bool, all, false, "list, lagging: every matching project (ignores --limit)");
// withdraw, lock, unlock
ABSL_FLAG(std::string, reason, "", "withdraw, lock, unlock: why (kept in the audit trail)");
ABSL_FLAG(std::string, request_id, "",
          "withdraw, progress submit, lock, unlock: request id (default: random)");
// progress submit
ABSL_FLAG(std::string, project, "", "progress submit: project code");
ABSL_FLAG(std::string, period, "", "progress submit: reporting month YYYY-MM");
ABSL_FLAG(std::string, completed_wan, "", "progress submit: investment completed, 万元");
ABSL_FLAG(std::string, building_wan, "",
          "progress submit: of which building works (建筑工程), 万元");
ABSL_FLAG(std::string, installation_wan, "",
          "progress submit: of which installation (安装工程), 万元");
ABSL_FLAG(std::string, equipment_wan, "",
          "progress submit: of which equipment and tools (设备工器具购置), 万元");
ABSL_FLAG(std::string, other_wan, "", "progress submit: of which other costs (其他费用), 万元");
ABSL_FLAG(std::string, note, "", "progress submit, targets set: remark");
ABSL_FLAG(bool, covers_january, false,
          "progress submit: a February report that covers January too");
// targets
ABSL_FLAG(int32_t, year, 0, "targets: calendar year");
ABSL_FLAG(std::string, region, "",
          "targets set, compliance, lagging: region code; aggregates: codes separated by ','");
ABSL_FLAG(std::string, group, "", "targets set: region group id; aggregates: ids separated by ','");
ABSL_FLAG(std::string, metric, "",
          "targets: metric, e.g. TECH_RENOVATION_INVESTMENT (list: default; all = every one)");
ABSL_FLAG(std::string, value, "", "targets set: a count target");
ABSL_FLAG(std::string, value_yi, "", "targets set: a money target in 亿元");
ABSL_FLAG(std::string, value_wan, "", "targets set: a money target in 万元");
ABSL_FLAG(std::string, root, "", "targets list: root region code (default: your scope)");
ABSL_FLAG(bool, groups, false, "targets list: also the region groups");
ABSL_FLAG(bool, only_short, false, "targets list: only targets whose children fall short");
// aggregates, compliance, lagging
ABSL_FLAG(std::string, from, "", "aggregates, compliance: first month YYYY-MM");
ABSL_FLAG(std::string, to, "", "aggregates, compliance: last month YYYY-MM (inclusive)");
ABSL_FLAG(std::string, granularity, "month", "aggregates: month, quarter, half or year");
ABSL_FLAG(std::string, group_by, "",
          "aggregates: region, group, industry, type, support, size, stage (',' separated)");
ABSL_FLAG(std::string, tier, "",
          "aggregates: province, city or county (grouping by region); library: the tier");
ABSL_FLAG(std::string, threshold, "",
          "lagging: percentage points behind schedule (default 20); library criteria set: "
          "at risk beyond these points");
ABSL_FLAG(std::string, months, "",
          "lagging: months without a report (default 3; 0 = off); library criteria set: at "
          "risk after these silent months");
// library
ABSL_FLAG(bool, admit, false, "library nominate: the province admits directly (province tier)");
ABSL_FLAG(std::string, override_reason, "",
          "library nominate, decide: go ahead despite failed criteria (tier owner), and why");
ABSL_FLAG(std::string, decision, "", "library decide: accept or reject");
ABSL_FLAG(std::string, support, "",
          "library decide: planned support, ',' separated (LOAN_INTEREST_SUBSIDY, ...)");
ABSL_FLAG(std::string, reason_code, "",
          "library remove: FAILED_REVIEW, NOT_PROGRESSING, NOMINATION_WITHDRAWN, ...");
ABSL_FLAG(std::string, state, "",
          "library list, totals: entry states, ',' separated (NOMINATED, ACCEPTED, ...)");
ABSL_FLAG(bool, by_industry, false, "library totals: also by industry division");
ABSL_FLAG(std::string, min_equipment_wan, "",
          "library criteria set: minimum planned equipment investment, 万元");
ABSL_FLAG(std::string, reported_within, "",
          "library criteria set: months within which a project must have reported");
ABSL_FLAG(std::string, required, "",
          "library criteria set: project fields the tier requires, ',' separated (- = none)");
ABSL_FLAG(std::string, favoured_types, "",
          "library criteria set: favoured renovation types, ',' separated (- = none)");
ABSL_FLAG(std::string, favoured_industries, "",
          "library criteria set: favoured industry codes, ',' separated (- = none)");
// admin create-principal
ABSL_FLAG(std::string, name, "", "create-principal: principal name");
ABSL_FLAG(std::string, role, "", "create-principal: county, city, province, bank or auditor");
ABSL_FLAG(std::string, scope, "", "create-principal: region code, bank id, or * for auditors");

namespace techreno::cli {
namespace {

using Args = std::vector<std::string>;

// The library subcommands' flags, as typed.
LibraryOptions Library() {
  LibraryOptions l;
  l.tier = absl::GetFlag(FLAGS_tier);
  l.reason = absl::GetFlag(FLAGS_reason);
  l.request_id = absl::GetFlag(FLAGS_request_id);
  l.admit = absl::GetFlag(FLAGS_admit);
  l.override_reason = absl::GetFlag(FLAGS_override_reason);
  l.decision = absl::GetFlag(FLAGS_decision);
  l.support = absl::GetFlag(FLAGS_support);
  l.reason_code = absl::GetFlag(FLAGS_reason_code);
  l.state = absl::GetFlag(FLAGS_state);
  l.region = absl::GetFlag(FLAGS_region);
  l.industry = absl::GetFlag(FLAGS_industry);
  l.limit = absl::GetFlag(FLAGS_limit);
  l.all = absl::GetFlag(FLAGS_all);
  l.group_by = absl::GetFlag(FLAGS_group_by);
  l.by_industry = absl::GetFlag(FLAGS_by_industry);
  l.min_planned_wan = absl::GetFlag(FLAGS_min_planned_wan);
  l.min_equipment_wan = absl::GetFlag(FLAGS_min_equipment_wan);
  l.reported_within = absl::GetFlag(FLAGS_reported_within);
  l.gap_points = absl::GetFlag(FLAGS_threshold);
  l.silent_months = absl::GetFlag(FLAGS_months);
  l.statuses = absl::GetFlag(FLAGS_status);
  l.required = absl::GetFlag(FLAGS_required);
  l.favoured_types = absl::GetFlag(FLAGS_favoured_types);
  l.favoured_industries = absl::GetFlag(FLAGS_favoured_industries);
  return l;
}

struct Command {
  Args words;       // e.g. {"push", "projects"}
  size_t operands;  // positional arguments after the words
  const char* synopsis;
  std::function<int(const GlobalOptions&, const Args&)> run;
};

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {{"push", "projects"},
       1,
       "push projects FILE",
       [](const GlobalOptions& o, const Args& a) {
         return PushProjects(o, a[0], absl::GetFlag(FLAGS_format_in));
       }},
      {{"push", "enterprises"},
       1,
       "push enterprises FILE",
       [](const GlobalOptions& o, const Args& a) {
         return PushEnterprises(o, a[0], absl::GetFlag(FLAGS_format_in));
       }},
      {{"get", "project"},
       1,
       "get project CODE",
       [](const GlobalOptions& o, const Args& a) { return GetProject(o, a[0]); }},
      {{"get", "enterprise"},
       1,
       "get enterprise CREDIT_CODE",
       [](const GlobalOptions& o, const Args& a) { return GetEnterprise(o, a[0]); }},
      {{"list", "projects"},
       0,
       "list projects [--county= --city= --industry= --status= ...]",
       [](const GlobalOptions& o, const Args&) {
         ListProjectsOptions list;
         list.county = absl::GetFlag(FLAGS_county);
         list.city = absl::GetFlag(FLAGS_city);
         list.industry = absl::GetFlag(FLAGS_industry);
         list.status = absl::GetFlag(FLAGS_status);
         list.renovation_type = absl::GetFlag(FLAGS_renovation_type);
         list.enterprise = absl::GetFlag(FLAGS_enterprise);
         list.min_planned_wan = absl::GetFlag(FLAGS_min_planned_wan);
         list.max_planned_wan = absl::GetFlag(FLAGS_max_planned_wan);
         list.limit = absl::GetFlag(FLAGS_limit);
         list.all = absl::GetFlag(FLAGS_all);
         return ListProjects(o, list);
       }},
      {{"history"},
       1,
       "history CODE",
       [](const GlobalOptions& o, const Args& a) { return ShowHistory(o, a[0]); }},
      {{"withdraw"},
       1,
       "withdraw CODE --reason=TEXT [--request_id=ID]",
       [](const GlobalOptions& o, const Args& a) {
         return WithdrawProject(o, a[0], absl::GetFlag(FLAGS_reason),
                                absl::GetFlag(FLAGS_request_id));
       }},
      {{"progress", "push"},
       1,
       "progress push FILE [--from_line=L]",
       [](const GlobalOptions& o, const Args& a) {
         return PushProgress(o, a[0], absl::GetFlag(FLAGS_format_in),
                             absl::GetFlag(FLAGS_from_line));
       }},
      {{"progress", "submit"},
       0,
       "progress submit --project=CODE --period=YYYY-MM --completed_wan=N [--building_wan= "
       "--installation_wan= --equipment_wan= --other_wan=] [--status= --note= --covers_january "
       "--request_id=]",
       [](const GlobalOptions& o, const Args&) {
         SubmitProgressOptions submit;
         submit.project = absl::GetFlag(FLAGS_project);
         submit.period = absl::GetFlag(FLAGS_period);
         submit.completed_wan = absl::GetFlag(FLAGS_completed_wan);
         submit.building_wan = absl::GetFlag(FLAGS_building_wan);
         submit.installation_wan = absl::GetFlag(FLAGS_installation_wan);
         submit.equipment_wan = absl::GetFlag(FLAGS_equipment_wan);
         submit.other_wan = absl::GetFlag(FLAGS_other_wan);
         submit.status = absl::GetFlag(FLAGS_status);
         submit.note = absl::GetFlag(FLAGS_note);
         submit.covers_january = absl::GetFlag(FLAGS_covers_january);
         submit.request_id = absl::GetFlag(FLAGS_request_id);
         return SubmitProgress(o, submit);
       }},
      {{"lock"},
       1,
       "lock PERIOD --reason=TEXT",
       [](const GlobalOptions& o, const Args& a) {
         return LockPeriod(o, a[0], true, absl::GetFlag(FLAGS_reason),
                           absl::GetFlag(FLAGS_request_id));
       }},
      {{"unlock"},
       1,
       "unlock PERIOD --reason=TEXT",
       [](const GlobalOptions& o, const Args& a) {
         return LockPeriod(o, a[0], false, absl::GetFlag(FLAGS_reason),
                           absl::GetFlag(FLAGS_request_id));
       }},
      {{"targets", "set"},
       0,
       "targets set --year=Y (--region=CODE | --group=ID) --metric=NAME "
       "(--value_yi=N | --value_wan=N | --value=N) [--note=TEXT]",
       [](const GlobalOptions& o, const Args&) {
         SetTargetOptions target;
         target.year = absl::GetFlag(FLAGS_year);
         target.region = absl::GetFlag(FLAGS_region);
         target.group = absl::GetFlag(FLAGS_group);
         target.metric = absl::GetFlag(FLAGS_metric);
         target.value = absl::GetFlag(FLAGS_value);
         target.value_yi = absl::GetFlag(FLAGS_value_yi);
         target.value_wan = absl::GetFlag(FLAGS_value_wan);
         target.note = absl::GetFlag(FLAGS_note);
         return SetTarget(o, target);
       }},
      {{"targets", "list"},
       0,
       "targets list --year=Y [--metric=NAME|all] [--root=CODE] [--groups] [--only_short]",
       [](const GlobalOptions& o, const Args&) {
         ListTargetsOptions list;
         list.year = absl::GetFlag(FLAGS_year);
         list.metric = absl::GetFlag(FLAGS_metric);
         list.root = absl::GetFlag(FLAGS_root);
         list.groups = absl::GetFlag(FLAGS_groups);
         list.only_short = absl::GetFlag(FLAGS_only_short);
         return ListTargets(o, list);
       }},
      {{"targets", "seed-plan"},
       0,
       "targets seed-plan",
       [](const GlobalOptions& o, const Args&) { return SeedPlanTargets(o); }},
      {{"aggregates"},
       0,
       "aggregates --from=YYYY-MM --to=YYYY-MM [--granularity=month|quarter|half|year] "
       "[--group_by=region,industry,...] [--tier=province|city|county] [--region=CODE,...] "
       "[--group=ID,...] [--industry=CODE,...]",
       [](const GlobalOptions& o, const Args&) {
         AggregatesOptions query;
         query.from = absl::GetFlag(FLAGS_from);
         query.to = absl::GetFlag(FLAGS_to);
         query.granularity = absl::GetFlag(FLAGS_granularity);
         query.group_by = absl::GetFlag(FLAGS_group_by);
         query.tier = absl::GetFlag(FLAGS_tier);
         query.regions = absl::GetFlag(FLAGS_region);
         query.groups = absl::GetFlag(FLAGS_group);
         query.industries = absl::GetFlag(FLAGS_industry);
         return QueryAggregates(o, query);
       }},
      {{"compliance"},
       0,
       "compliance --from=YYYY-MM --to=YYYY-MM [--region=CODE]",
       [](const GlobalOptions& o, const Args&) {
         return ShowCompliance(o, absl::GetFlag(FLAGS_from), absl::GetFlag(FLAGS_to),
                               absl::GetFlag(FLAGS_region));
       }},
      {{"lagging"},
       0,
       "lagging [--region=CODE] [--threshold=POINTS] [--months=N] [--limit=N | --all]",
       [](const GlobalOptions& o, const Args&) {
         LaggingOptions lagging;
         lagging.region = absl::GetFlag(FLAGS_region);
         lagging.threshold = absl::GetFlag(FLAGS_threshold);
         lagging.months = absl::GetFlag(FLAGS_months);
         lagging.limit = absl::GetFlag(FLAGS_limit);
         lagging.all = absl::GetFlag(FLAGS_all);
         return ListLagging(o, lagging);
       }},
      {{"library", "nominate"},
       1,
       "library nominate CODE --tier=county|city|province --reason=TEXT [--admit] "
       "[--override_reason=TEXT] [--request_id=ID]",
       [](const GlobalOptions& o, const Args& a) { return LibraryNominate(o, a[0], Library()); }},
      {{"library", "decide"},
       1,
       "library decide CODE --tier=T --decision=accept|reject [--reason=TEXT] "
       "[--support=NAME,...] [--override_reason=TEXT] [--request_id=ID]",
       [](const GlobalOptions& o, const Args& a) { return LibraryDecide(o, a[0], Library()); }},
      {{"library", "remove"},
       1,
       "library remove CODE --tier=T --reason_code=CODE --reason=TEXT [--request_id=ID]",
       [](const GlobalOptions& o, const Args& a) { return LibraryRemove(o, a[0], Library()); }},
      {{"library", "list"},
       0,
       "library list [--tier=T] [--state=S,...] [--region=CODE] [--industry=CODE] "
       "[--limit=N | --all]",
       [](const GlobalOptions& o, const Args&) { return LibraryList(o, Library()); }},
      {{"library", "history"},
       1,
       "library history CODE [--tier=T]",
       [](const GlobalOptions& o, const Args& a) { return LibraryHistory(o, a[0], Library()); }},
      {{"library", "review"},
       0,
       "library review --tier=T [--region=CODE] [--limit=N | --all]",
       [](const GlobalOptions& o, const Args&) { return LibraryReview(o, Library()); }},
      {{"library", "totals"},
       0,
       "library totals [--tier=T] [--region=CODE] [--state=S,...] "
       "[--group_by=library|city|county] [--by_industry]",
       [](const GlobalOptions& o, const Args&) { return LibraryTotals(o, Library()); }},
      {{"library", "criteria", "set"},
       0,
       "library criteria set --tier=T [--min_planned_wan=N] [--min_equipment_wan=N] "
       "[--status=S,...] [--required=FIELD,...] [--reported_within=MONTHS] "
       "[--favoured_types=T,...] [--favoured_industries=CODE,...] [--threshold=POINTS] "
       "[--months=N]",
       [](const GlobalOptions& o, const Args&) { return LibraryCriteria(o, true, Library()); }},
      {{"library", "criteria"},
       0,
       "library criteria [--tier=T]",
       [](const GlobalOptions& o, const Args&) { return LibraryCriteria(o, false, Library()); }},
      {{"admin", "migrate"},
       0,
       "admin migrate",
       [](const GlobalOptions& o, const Args&) { return AdminMigrate(o); }},
      {{"admin", "create-principal"},
       0,
       "admin create-principal --name=NAME --role=county|city|province|bank|auditor --scope=S",
       [](const GlobalOptions& o, const Args&) {
         return AdminCreatePrincipal(o, absl::GetFlag(FLAGS_name), absl::GetFlag(FLAGS_role),
                                     absl::GetFlag(FLAGS_scope));
       }},
  };
  return *commands;
}

bool StartsWith(const Args& args, const Args& words) {
  if (args.size() < words.size()) return false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (args[i] != words[i]) return false;
  }
  return true;
}

int Dispatch(const GlobalOptions& options, const Args& args) {
  for (const Command& command : Commands()) {
    if (!StartsWith(args, command.words)) continue;
    const Args operands(args.begin() + command.words.size(), args.end());
    if (operands.size() != command.operands) {
      std::cerr << "usage: techreno " << command.synopsis << "\n";
      return kExitUsage;
    }
    return command.run(options, operands);
  }
  // Not a full command: show the ones that start the same way.
  std::vector<std::string> near;
  for (const Command& command : Commands()) {
    if (command.words[0] == args[0]) near.push_back(command.synopsis);
  }
  if (near.empty()) {
    std::cerr << "unknown command '" << args[0] << "'; see techreno --help\n";
  } else {
    std::cerr << "usage:\n  techreno " << absl::StrJoin(near, "\n  techreno ") << "\n";
  }
  return kExitUsage;
}

// A flag's value, else the environment variable's, else the fallback.
std::string FlagOrEnv(const std::string& flag, const char* env, const char* fallback) {
  if (!flag.empty()) return flag;
  const char* value = std::getenv(env);
  return value != nullptr && *value != '\0' ? value : fallback;
}

bool WantsHelp(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "help") return true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg == "--help" || arg == "-help" || arg == "-h") return true;
  }
  return false;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  // Handled here rather than by absl, which exits 1 after --help.
  if (WantsHelp(argc, argv)) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (absl::Status s = CheckFlags(argc, argv); !s.ok()) {
    std::cerr << "error: " << s.message() << "; see techreno --help\n";
    return kExitUsage;
  }
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const Args args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  GlobalOptions options;
  options.server = FlagOrEnv(absl::GetFlag(FLAGS_server), "TECHRENO_SERVER", "127.0.0.1:50051");
  options.token = FlagOrEnv(absl::GetFlag(FLAGS_token), "TECHRENO_TOKEN", "");
  options.db = FlagOrEnv(absl::GetFlag(FLAGS_db), "TECHRENO_DB", "");
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "json") {
    options.format = OutputFormat::kJson;
  } else if (format != "table") {
    std::cerr << "error: --format=" << format << ": expected table or json\n";
    return kExitUsage;
  }
  return Dispatch(options, args);
}

}  // namespace
}  // namespace techreno::cli

int main(int argc, char** argv) { return techreno::cli::Main(argc, argv); }
