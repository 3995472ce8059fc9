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
#include "absl/strings/str_cat.h"
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
          "list: industry division or group code; aggregates, bank: codes separated by ','");
ABSL_FLAG(std::string, status, "", "list, progress submit: project status, e.g. PLANNED");
ABSL_FLAG(std::string, renovation_type, "", "list: renovation type, e.g. EQUIPMENT_RENEWAL");
ABSL_FLAG(std::string, enterprise, "", "list: enterprise credit code");
ABSL_FLAG(std::string, min_planned_wan, "",
          "list, library criteria set: minimum planned investment in 万元");
ABSL_FLAG(std::string, max_planned_wan, "", "list: maximum planned investment in 万元");
ABSL_FLAG(int64_t, limit, 50, "list, lagging, bank list, bank overdue: at most this many rows");
ABSL_FLAG(bool, all, false,
          "list, lagging, bank list, bank overdue: every matching row (ignores --limit)");
// withdraw, lock, unlock
ABSL_FLAG(std::string, reason, "", "withdraw, lock, unlock: why (kept in the audit trail)");
ABSL_FLAG(std::string, request_id, "",
          "withdraw, progress submit, lock, unlock, library, bank feedback, publish, policy set: "
          "request id (default: random)");
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
ABSL_FLAG(std::string, note, "",
          "progress submit, targets set, bank feedback: remark; bank publish: why the projects "
          "are recommended");
ABSL_FLAG(bool, covers_january, false,
          "progress submit: a February report that covers January too");
// targets
ABSL_FLAG(int32_t, year, 0, "targets: calendar year");
ABSL_FLAG(std::string, region, "",
          "targets set, compliance, lagging, library, bank: region code; aggregates, bank score: "
          "codes separated by ','");
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
ABSL_FLAG(std::string, from, "",
          "aggregates, compliance: first month YYYY-MM; bank stats: first publication month");
ABSL_FLAG(std::string, to, "",
          "aggregates, compliance, bank stats: last month YYYY-MM (inclusive)");
ABSL_FLAG(std::string, granularity, "month", "aggregates: month, quarter, half or year");
ABSL_FLAG(std::string, group_by, "",
          "aggregates: region, group, industry, type, support, size, stage (',' separated); "
          "library totals: library, city or county; bank stats: bank, city, county, industry, "
          "type, publication, month (',' separated)");
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
          "library list, totals: entry states, ',' separated (NOMINATED, ACCEPTED, ...); bank "
          "list: feedback states, ',' separated (contacted, reviewing, granted, declined, none); "
          "bank feedback: the state");
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
// bank
ABSL_FLAG(std::string, publication, "", "bank list, stats: publication id, e.g. 2016-0001");
ABSL_FLAG(bool, include_retracted, false, "bank list, stats: retracted recommendations too");
ABSL_FLAG(std::string, bank, "", "bank overdue, stats, publish: bank ids, ',' separated");
ABSL_FLAG(std::string, banks, "", "bank publish, overdue, stats: the same as --bank");
ABSL_FLAG(std::string, cursor, "",
          "bank watch: start after this cursor (default: the cursor file's, else now)");
ABSL_FLAG(std::string, cursor_file, "",
          "bank watch: where the last event's cursor is kept (default "
          "$HOME/.config/techreno/bank-cursor)");
ABSL_FLAG(int32_t, heartbeat, 0, "bank watch: seconds of silence before a heartbeat (5-300)");
ABSL_FLAG(std::string, loan_wan, "", "bank feedback: loan granted, 万元");
ABSL_FLAG(std::string, rate_pct, "", "bank feedback: annual interest rate in %, e.g. 4.35");
ABSL_FLAG(int32_t, term_months, 0, "bank feedback: loan term in months");
ABSL_FLAG(std::string, disbursed_wan, "", "bank feedback: amount disbursed so far, 万元");
ABSL_FLAG(std::string, disbursed_on, "", "bank feedback: first disbursement day YYYY-MM-DD");
ABSL_FLAG(std::string, decline_reason, "",
          "bank feedback: credit_risk, insufficient_collateral, project_not_viable, "
          "enterprise_declined, financed_elsewhere, outside_credit_policy or other");
ABSL_FLAG(std::string, detail, "", "bank feedback: what the decline reason means (for other)");
ABSL_FLAG(std::string, effective, "",
          "bank feedback: day the step was taken YYYY-MM-DD (default today)");
ABSL_FLAG(int64_t, expected_version, 0,
          "bank feedback, policy set: the version expected to be stored (0 = no check)");
ABSL_FLAG(std::string, type, "", "bank score: renovation types, ',' separated");
ABSL_FLAG(std::string, min_tier, "", "bank score: accepted in this library tier or higher");
ABSL_FLAG(std::string, min_need_wan, "", "bank score: minimum financing need, 万元");
ABSL_FLAG(std::string, max_need_wan, "", "bank score: maximum financing need, 万元");
ABSL_FLAG(bool, on_schedule, false, "bank score: only projects not behind schedule");
ABSL_FLAG(bool, include_recommended, false, "bank score: also projects already recommended");
ABSL_FLAG(int32_t, top, 0, "bank score: how many candidates, best first (default 100)");
ABSL_FLAG(std::string, title, "", "bank publish: title of the list");
ABSL_FLAG(std::string, codes_file, "",
          "bank publish: project codes one per line (# comments; - = stdin)");
ABSL_FLAG(std::string, retract, "", "bank publish: project codes to retract, ',' separated");
ABSL_FLAG(std::string, retract_reason, "", "bank publish: why they are retracted");
ABSL_FLAG(std::string, file, "", "bank policy set: a BankLinkPolicy in protobuf JSON");
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

// The bank subcommands' flags, as typed.
BankOptions Bank() {
  BankOptions b;
  b.region = absl::GetFlag(FLAGS_region);
  b.industry = absl::GetFlag(FLAGS_industry);
  b.types = absl::GetFlag(FLAGS_type);
  b.publication = absl::GetFlag(FLAGS_publication);
  b.state = absl::GetFlag(FLAGS_state);
  b.include_retracted = absl::GetFlag(FLAGS_include_retracted);
  b.banks = absl::StrCat(absl::GetFlag(FLAGS_bank), ",", absl::GetFlag(FLAGS_banks));
  b.limit = absl::GetFlag(FLAGS_limit);
  b.all = absl::GetFlag(FLAGS_all);
  b.cursor = absl::GetFlag(FLAGS_cursor);
  b.cursor_file = absl::GetFlag(FLAGS_cursor_file);
  b.heartbeat_seconds = absl::GetFlag(FLAGS_heartbeat);
  b.loan_wan = absl::GetFlag(FLAGS_loan_wan);
  b.rate_pct = absl::GetFlag(FLAGS_rate_pct);
  b.disbursed_wan = absl::GetFlag(FLAGS_disbursed_wan);
  b.disbursed_on = absl::GetFlag(FLAGS_disbursed_on);
  b.effective = absl::GetFlag(FLAGS_effective);
  b.term_months = absl::GetFlag(FLAGS_term_months);
  b.decline_reason = absl::GetFlag(FLAGS_decline_reason);
  b.detail = absl::GetFlag(FLAGS_detail);
  b.note = absl::GetFlag(FLAGS_note);
  b.expected_version = absl::GetFlag(FLAGS_expected_version);
  b.request_id = absl::GetFlag(FLAGS_request_id);
  b.group_by = absl::GetFlag(FLAGS_group_by);
  b.from = absl::GetFlag(FLAGS_from);
  b.to = absl::GetFlag(FLAGS_to);
  b.min_tier = absl::GetFlag(FLAGS_min_tier);
  b.min_need_wan = absl::GetFlag(FLAGS_min_need_wan);
  b.max_need_wan = absl::GetFlag(FLAGS_max_need_wan);
  b.on_schedule = absl::GetFlag(FLAGS_on_schedule);
  b.include_recommended = absl::GetFlag(FLAGS_include_recommended);
  b.top = absl::GetFlag(FLAGS_top);
  b.title = absl::GetFlag(FLAGS_title);
  b.codes_file = absl::GetFlag(FLAGS_codes_file);
  b.retract = absl::GetFlag(FLAGS_retract);
  b.retract_reason = absl::GetFlag(FLAGS_retract_reason);
  b.file = absl::GetFlag(FLAGS_file);
  return b;
}

// Command::operands of a command that takes any number of them (≥ 0).
constexpr size_t kAnyOperands = static_cast<size_t>(-1);

struct Command {
  Args words;       // e.g. {"push", "projects"}
  size_t operands;  // positional arguments after the words, or kAnyOperands
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
      {{"bank", "list"},
       0,
       "bank list [--region=CODE] [--industry=CODE,...] [--publication=ID] "
       "[--state=contacted,reviewing,granted,declined,none] [--include_retracted] "
       "[--limit=N | --all]",
       [](const GlobalOptions& o, const Args&) { return BankList(o, Bank()); }},
      {{"bank", "watch"},
       0,
       "bank watch [--cursor=C] [--cursor_file=PATH] [--region=CODE] [--industry=CODE,...] "
       "[--heartbeat=SECONDS]",
       [](const GlobalOptions& o, const Args&) { return BankWatch(o, Bank()); }},
      {{"bank", "feedback"},
       1,
       "bank feedback CODE --state=contacted|reviewing|granted|declined [--loan_wan=N] "
       "[--rate_pct=4.35] [--term_months=N] [--disbursed_wan=N] [--disbursed_on=YYYY-MM-DD] "
       "[--decline_reason=REASON] [--detail=TEXT] [--note=TEXT] [--effective=YYYY-MM-DD] "
       "[--expected_version=N] [--request_id=ID]",
       [](const GlobalOptions& o, const Args& a) { return BankFeedback(o, a[0], Bank()); }},
      {{"bank", "overdue"},
       0,
       "bank overdue [--bank=ID,...] [--region=CODE] [--limit=N | --all]",
       [](const GlobalOptions& o, const Args&) { return BankOverdue(o, Bank()); }},
      {{"bank", "stats"},
       0,
       "bank stats [--group_by=bank,city,county,industry,type,publication,month] "
       "[--from=YYYY-MM] [--to=YYYY-MM] [--region=CODE] [--bank=ID,...] [--publication=ID] "
       "[--include_retracted]",
       [](const GlobalOptions& o, const Args&) { return BankStats(o, Bank()); }},
      {{"bank", "score"},
       0,
       "bank score [--region=CODE,...] [--industry=CODE,...] [--type=NAME,...] "
       "[--min_tier=county|city|province] [--min_need_wan=N] [--max_need_wan=N] "
       "[--on_schedule] [--include_recommended] [--top=N]",
       [](const GlobalOptions& o, const Args&) { return BankScore(o, Bank()); }},
      {{"bank", "publish"},
       kAnyOperands,
       "bank publish --title=TEXT [--banks=ID,...] [--note=TEXT] [--codes_file=PATH] "
       "[--retract=CODE,... --retract_reason=TEXT] [--request_id=ID] [CODE...]",
       [](const GlobalOptions& o, const Args& a) { return BankPublish(o, a, Bank()); }},
      {{"bank", "policy", "set"},
       0,
       "bank policy set --file=policy.json [--expected_version=N] [--request_id=ID]",
       [](const GlobalOptions& o, const Args&) { return BankPolicy(o, true, Bank()); }},
      {{"bank", "policy"},
       0,
       "bank policy",
       [](const GlobalOptions& o, const Args&) { return BankPolicy(o, false, Bank()); }},
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
      {{"admin", "load-calendar"},
       1,
       "admin load-calendar FILE",
       [](const GlobalOptions& o, const Args& a) { return AdminLoadCalendar(o, a[0]); }},
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
    if (command.operands != kAnyOperands && operands.size() != command.operands) {
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
