// Investment monitoring's commands (InvestmentMonitoring): progress push and
// submit, lock and unlock, targets, aggregates, compliance, lagging.
#include <memory>

#include "clients/cli/cli_app.h"
#include "clients/cli/commands.h"

namespace techreno::cli {
namespace {

constexpr char kProgressInput[] =
    "Input: CSV or JSON lines of ProgressReport: project_code, period (YYYY-MM), "
    "completed_investment_wan and its split building_works_wan, installation_wan, "
    "equipment_tools_wan, other_wan (parts that add up exactly); optional status, note, "
    "covers_january (February reports only), declared_ytd_wan, declared_since_start_wan, "
    "source_record_id.";

void AddProgress(CLI::App& app, CommandTable& table) {
  CLI::App* progress = AddCommand(app, "progress", "monthly progress reports",
                                  "techreno progress push var/demo/progress.csv");
  progress->group(kMonitoringGroup);

  auto push = std::make_shared<PushFileOptions>();
  CLI::App* p = AddCommand(*progress, "push",
                           "push monthly progress reports in one stream (PushProgress); prints "
                           "rejected records and warnings, then a summary",
                           "techreno progress push var/demo/progress.csv");
  AddPushFileFlags(*p, *push);
  p->footer(std::string(p->get_footer()) + "\n" + kProgressInput);
  table.Bind(p, [push](const GlobalOptions& g) { return PushProgress(g, *push); });

  auto s = std::make_shared<SubmitProgressOptions>();
  CLI::App* submit = AddCommand(
      *progress, "submit",
      "one report (SubmitProgress); prints it with its year-to-date and since-start totals "
      "(万元), version, late, corrected",
      "techreno progress submit --project=2025-440103-00-03-00001X --period=2025-10 "
      "--completed_wan=650 --building_wan=50 --installation_wan=80 --equipment_wan=480 "
      "--other_wan=40 --status=UNDER_CONSTRUCTION");
  submit->add_option("--project", s->project, "project code")->required();
  submit->add_option("--period", s->period, "reporting month YYYY-MM")->required();
  submit->add_option("--completed_wan", s->completed_wan, "investment completed in the month, 万元")
      ->required();
  submit->add_option("--building_wan", s->building_wan, "of which building works (建筑工程), 万元");
  submit->add_option("--installation_wan", s->installation_wan,
                     "of which installation (安装工程), 万元");
  submit->add_option("--equipment_wan", s->equipment_wan,
                     "of which equipment and tools (设备工器具购置), 万元");
  submit->add_option("--other_wan", s->other_wan, "of which other costs (其他费用), 万元");
  submit->add_option("--status", s->status, "project status after the month, e.g. COMPLETED");
  submit->add_option("--note", s->note, "remark");
  submit->add_flag("--covers_january", s->covers_january,
                   "a February report that covers January too");
  AddRequestIdFlag(*submit, s->request_id);
  table.Bind(submit, [s](const GlobalOptions& g) { return SubmitProgress(g, *s); });
}

void AddLocks(CLI::App& app, CommandTable& table) {
  for (const bool lock : {true, false}) {
    struct Lock {
      std::string period, reason, request_id;
    };
    auto o = std::make_shared<Lock>();
    CLI::App* cmd =
        lock ? AddCommand(app, "lock",
                          "lock a reporting month province-wide (LockPeriod; province only)",
                          "techreno lock 2025-06 --reason=\"上半年数据已核定\"")
             : AddCommand(app, "unlock", "reopen a locked reporting month (province only)",
                          "techreno unlock 2025-06 --reason=\"荔湾区更正6月数据\"");
    cmd->group(kMonitoringGroup);
    cmd->add_option("PERIOD", o->period, "month YYYY-MM")->required();
    cmd->add_option("--reason", o->reason, "why (kept in the audit trail)")->required();
    AddRequestIdFlag(*cmd, o->request_id);
    table.Bind(cmd, [o, lock](const GlobalOptions& g) {
      return LockPeriod(g, o->period, lock, o->reason, o->request_id);
    });
  }
}

void AddTargets(CLI::App& app, CommandTable& table) {
  CLI::App* targets = AddCommand(app, "targets", "annual targets of regions and region groups",
                                 "techreno targets list --year=2016 --root=440000 --only_short");
  targets->group(kMonitoringGroup);

  auto set = std::make_shared<SetTargetOptions>();
  CLI::App* s = AddCommand(
      *targets, "set",
      "set an annual target (SetTarget): money metrics in 亿元 or 万元, counts with --value "
      "(idempotent: the request id comes from the content)",
      "techreno targets set --year=2016 --region=440100 --metric=TECH_RENOVATION_INVESTMENT "
      "--value_yi=520 --note=\"市下达目标\"");
  s->add_option("--year", set->year, "calendar year")->required();
  auto* region = s->add_option("--region", set->region, "region code (province, city, county)");
  auto* group = s->add_option("--group", set->group, "region group id (e.g. a belt)");
  region->excludes(group);
  s->add_option("--metric", set->metric, "metric, e.g. TECH_RENOVATION_INVESTMENT")->required();
  auto* value = s->add_option("--value", set->value, "a count target");
  auto* yi = s->add_option("--value_yi", set->value_yi, "a money target in 亿元");
  auto* wan = s->add_option("--value_wan", set->value_wan, "a money target in 万元");
  value->excludes(yi)->excludes(wan);
  yi->excludes(wan);
  s->add_option("--note", set->note, "remark");
  table.Bind(s, [set](const GlobalOptions& g) { return SetTarget(g, *set); });

  auto list = std::make_shared<ListTargetsOptions>();
  CLI::App* l = AddCommand(*targets, "list",
                           "the target tree (province, cities, counties; region groups with "
                           "--groups), flagging children that fall short (ListTargets)",
                           "techreno targets list --year=2016 --root=440000 --only_short");
  l->add_option("--year", list->year, "calendar year")->required();
  l->add_option("--metric", list->metric,
                "metric (default tech-renovation investment; all = every metric)");
  l->add_option("--root", list->root, "root region code (default: your scope)");
  l->add_flag("--groups", list->groups, "also the region groups");
  l->add_flag("--only_short", list->only_short, "only targets whose children fall short");
  table.Bind(l, [list](const GlobalOptions& g) { return ListTargets(g, *list); });

  CLI::App* seed = AddCommand(*targets, "seed-plan",
                              "set the province targets 2015-2017 of the Three-Year Action Plan "
                              "(工业转型升级攻坚战三年行动计划)",
                              "techreno targets seed-plan");
  table.Bind(seed, [](const GlobalOptions& g) { return SeedPlanTargets(g); });
}

void AddAggregates(CLI::App& app, CommandTable& table) {
  auto o = std::make_shared<AggregatesOptions>();
  CLI::App* cmd = AddCommand(
      app, "aggregates",
      "bulletin figures (QueryAggregates): completed, YTD, since start (万元), YoY %, target, % "
      "of target, points ahead/behind, contribution %",
      "techreno aggregates --from=2025-01 --to=2025-10 --granularity=quarter "
      "--group_by=region,industry --tier=county --region=440100");
  cmd->group(kMonitoringGroup);
  cmd->add_option("--from", o->from, "first month YYYY-MM")->required();
  cmd->add_option("--to", o->to, "last month YYYY-MM (inclusive)")->required();
  cmd->add_option("--granularity", o->granularity, "month, quarter, half or year")
      ->capture_default_str()
      ->check(
          Choice({"month", "quarter", "half", "year"}, "granularity_", {{"half_year", "half"}}));
  cmd->add_option("--group_by", o->group_by,
                  "region, group, industry, type, support, size, stage (',' separated)");
  cmd->add_option("--tier", o->tier, "grouping by region: province, city or county")
      ->check(Choice({"province", "city", "county"}, "region_tier_"));
  cmd->add_option("--region", o->regions, "region codes, ',' separated");
  cmd->add_option("--group", o->groups, "region group ids, ',' separated");
  cmd->add_option("--industry", o->industries, "industry codes, ',' separated");
  table.Bind(cmd, [o](const GlobalOptions& g) { return QueryAggregates(g, *o); });
}

void AddComplianceAndLagging(CLI::App& app, CommandTable& table) {
  struct Compliance {
    std::string from, to, region;
  };
  auto c = std::make_shared<Compliance>();
  CLI::App* compliance = AddCommand(app, "compliance",
                                    "reports expected, received, missing, late, corrected and "
                                    "the score, per region (GetReportingCompliance)",
                                    "techreno compliance --from=2025-01 --to=2025-10 "
                                    "--region=440100");
  compliance->group(kMonitoringGroup);
  compliance->add_option("--from", c->from, "first month YYYY-MM")->required();
  compliance->add_option("--to", c->to, "last month YYYY-MM (inclusive)")->required();
  compliance->add_option("--region", c->region, "region code (default: your scope)");
  table.Bind(compliance,
             [c](const GlobalOptions& g) { return ShowCompliance(g, c->from, c->to, c->region); });

  auto l = std::make_shared<LaggingOptions>();
  CLI::App* lagging = AddCommand(app, "lagging",
                                 "projects behind a straight-line schedule or not reporting, "
                                 "worst gap first (ListLaggingProjects)",
                                 "techreno lagging --region=440103 --threshold=15 --months=2");
  lagging->group(kMonitoringGroup);
  lagging->add_option("--region", l->region, "region code (default: your scope)");
  lagging->add_option("--threshold", l->threshold,
                      "percentage points behind schedule (default 20)");
  lagging->add_option("--months", l->months, "months without a report (default 3; 0 = off)");
  lagging->add_option("--as_of", l->as_of,
                      "judge the schedule as of this month YYYY-MM (default: last month)");
  AddLimitFlags(*lagging, l->limit, l->all);
  table.Bind(lagging, [l](const GlobalOptions& g) { return ListLagging(g, *l); });
}

void AddReport(CLI::App& app, CommandTable& table) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = AddCommand(
      app, "report",
      "the semi-annual report: one self-contained HTML file for A4 (inline charts, no network) "
      "— investment against target by region and belt, the monthly trend against the plan's "
      "27.5 % path, industries, new-start/continuing/completed, compliance, lagging projects, "
      "the key-project library and the bank matching funnel; --pdf prints it with Chromium",
      "techreno report --half=2026H1 --region=440100 --pdf=广州市2026上半年.pdf");
  cmd->group(kMonitoringGroup);
  cmd->add_option("--half", o->half, "the half-year: YYYYH1 (Jan–Jun) or YYYYH2 (Jul–Dec)")
      ->required();
  cmd->add_option("--region", o->region, "region code (default: your scope)");
  cmd->add_option("--output", o->output, "the HTML file (default 技改半年报-HALF.html)");
  cmd->add_option("--pdf", o->pdf,
                  "also print a PDF (headless chromium; $TECHRENO_CHROMIUM names another)");
  table.Bind(cmd, [o](const GlobalOptions& g) { return WriteReport(g, *o); });
}

}  // namespace

void AddMonitoringCommands(CLI::App& app, CommandTable& table) {
  AddReport(app, table);
  AddProgress(app, table);
  AddLocks(app, table);
  AddTargets(app, table);
  AddAggregates(app, table);
  AddComplianceAndLagging(app, table);
}

}  // namespace techreno::cli
