#include "clients/cli/usage.h"

#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace techreno::cli {

const char kUsage[] =
    R"(techreno: command-line client of techreno (project registry, investment monitoring, the
key-project library and BankLink, the recommendation of projects to partner banks)

Usage: techreno COMMAND [ARGUMENTS] [FLAGS]

Commands:
  push projects FILE          push project records in one stream; prints rejected
                              records and warnings, then a summary
  push enterprises FILE       create or update enterprises (idempotent: re-running
                              the same file changes nothing twice)
  get project CODE            one project, money in 万元, codes with Chinese names
  get enterprise CREDIT_CODE  one enterprise
  list projects [FILTERS]     projects within your scope, ordered by project code
  history CODE                every version of a project, newest first
  withdraw CODE --reason=TEXT [--request_id=ID]
                              withdraw a project (撤销); reuse a printed request_id
                              to retry safely
  progress push FILE [--from_line=L]
                              push monthly progress reports in one stream; prints
                              rejected records and warnings, then a summary
  progress submit --project=CODE --period=YYYY-MM --completed_wan=N
        [--building_wan=N --installation_wan=N --equipment_wan=N --other_wan=N]
        [--status=NAME] [--note=TEXT] [--covers_january] [--request_id=ID]
                              one report; prints it with its year-to-date and
                              since-start totals (万元), version, late, corrected
  lock PERIOD --reason=TEXT   lock a reporting month province-wide (province only)
  unlock PERIOD --reason=TEXT reopen it
  targets set --year=Y (--region=CODE | --group=ID) --metric=NAME
        (--value_yi=N | --value_wan=N | --value=N) [--note=TEXT]
                              set an annual target: money metrics in 亿元 or 万元,
                              counts with --value (idempotent: the request id comes
                              from the content)
  targets list --year=Y [--metric=NAME|all] [--root=CODE] [--groups] [--only_short]
                              the target tree (province, cities, counties; region
                              groups with --groups), flagging children that fall short
  targets seed-plan           set the province targets 2015-2017 of the Three-Year
                              Action Plan (工业转型升级攻坚战三年行动计划)
  aggregates --from=YYYY-MM --to=YYYY-MM [--granularity=month|quarter|half|year]
        [--group_by=region,group,industry,type,support,size,stage]
        [--tier=province|city|county] [--region=CODE,...] [--group=ID,...]
        [--industry=CODE,...]
                              bulletin figures: completed, YTD, since start (万元),
                              YoY %, target, % of target, points ahead/behind,
                              contribution %
  compliance --from=YYYY-MM --to=YYYY-MM [--region=CODE]
                              reports expected, received, missing, late, corrected
                              and the score, per region
  lagging [--region=CODE] [--threshold=POINTS] [--months=N] [--limit=N | --all]
                              projects behind a straight-line schedule or not
                              reporting, worst gap first
  library nominate CODE --tier=county|city|province --reason=TEXT [--admit]
        [--override_reason=TEXT] [--request_id=ID]
                              propose a project for a tier of the key-project library
                              (重点项目库); --admit: the province admits directly;
                              --override_reason: the tier's owner goes ahead despite
                              failed criteria
  library decide CODE --tier=T --decision=accept|reject [--reason=TEXT]
        [--support=NAME,...] [--override_reason=TEXT]
                              the tier owner's decision (a rejection needs a reason)
  library remove CODE --tier=T --reason_code=CODE --reason=TEXT
                              take an entry out (FAILED_REVIEW, NOT_PROGRESSING,
                              PROJECT_COMPLETED, OTHER; NOMINATION_WITHDRAWN for a
                              pending nomination)
  library list [--tier=T] [--state=S,...] [--region=CODE] [--industry=CODE]
        [--limit=N | --all]   entries in scope with progress (% done, points behind,
                              last report) and risk flags
  library history CODE [--tier=T]
                              every nomination, decision, override and removal
  library review --tier=T [--region=CODE] [--limit=N | --all]
                              entries that fail today's criteria, are at risk or
                              are due for exit (退库), with every reason
  library totals [--tier=T] [--region=CODE] [--group_by=library|city|county]
        [--by_industry]       entries, planned and completed investment (万元)
  library criteria [--tier=T] each tier's entry criteria
  library criteria set --tier=T [--min_planned_wan=N] [--min_equipment_wan=N]
        [--status=S,...] [--required=FIELD,...] [--reported_within=MONTHS]
        [--favoured_types=T,...] [--favoured_industries=CODE,...]
        [--threshold=POINTS] [--months=N]
                              a new version of a tier's criteria (province only):
                              flags not given keep the tier's values; a list given
                              replaces it ("-" empties it); --threshold and --months
                              are the at-risk points behind and silent months
  bank list [--region=CODE] [--industry=CODE,...] [--publication=ID]
        [--state=contacted,reviewing,granted,declined,none] [--include_retracted]
        [--limit=N | --all]   recommendations you can see (优质技改项目推荐): county,
                              financing need (万元), latest feedback, publications;
                              then the command that watches from here on
  bank watch [--cursor=C] [--cursor_file=PATH] [--region=CODE] [--industry=CODE,...]
        [--heartbeat=SECONDS] live events (发布, 更新, 撤回), one line each, until
                              Ctrl-C; each event's cursor is kept in the cursor file
                              (after the event is shown), so the same command goes on
                              where it stopped; heartbeats show as (心跳) on stderr
  bank feedback CODE --state=contacted|reviewing|granted|declined [--loan_wan=N]
        [--rate_pct=4.35] [--term_months=N] [--disbursed_wan=N]
        [--disbursed_on=YYYY-MM-DD] [--decline_reason=REASON] [--detail=TEXT]
        [--note=TEXT] [--effective=YYYY-MM-DD] [--expected_version=N] [--request_id=ID]
                              a bank reports on a recommended project (bank token);
                              prints the stored feedback with its subsidy estimate
  bank overdue [--bank=ID,...] [--region=CODE] [--limit=N | --all]
                              recommendations a bank has not answered within the
                              response deadline (China working days)
  bank stats [--group_by=bank,city,county,industry,type,publication,month]
        [--from=YYYY-MM] [--to=YYYY-MM] [--region=CODE] [--bank=ID,...]
        [--publication=ID] [--include_retracted]
                              the matching funnel per group and in total: projects
                              recommended, contacted, financed; pairs by state; loans,
                              disbursed and subsidy (万元); overdue; days to first
                              contact; then declines by reason
  bank score [--region=CODE,...] [--industry=CODE,...] [--type=NAME,...]
        [--min_tier=county|city|province] [--min_need_wan=N] [--max_need_wan=N]
        [--on_schedule] [--include_recommended] [--top=N]
                              projects that could be recommended, best score first,
                              with the points of each part of the score
  bank publish --title=TEXT [--banks=ID,...] [--note=TEXT] [--codes_file=PATH]
        [--retract=CODE,... --retract_reason=TEXT] [--request_id=ID] [CODE...]
                              publish a list of recommended projects (province only),
                              to every partner bank or the named ones; prints each
                              item's outcome and findings
  bank policy                 the BankLink policy in force: score weights, response
                              deadline, loan-interest subsidy terms
  bank policy set --file=policy.json [--expected_version=N] [--request_id=ID]
                              a new version of the policy (province only); the file
                              is what bank policy --format=json prints, edited
  admin migrate               apply schema migrations and load reference data (--db)
  admin create-principal --name=NAME --role=county|city|province|bank|auditor --scope=S
                              create a principal (--db); prints only its token
  admin load-calendar FILE    load a year's working-day calendar ("date,kind,name" CSV:
                              holiday or workday, as libs/store/data/cn-working-
                              calendar.csv) in one transaction (--db)

Global flags:
  --server=HOST:PORT    techreno-server; default $TECHRENO_SERVER, else 127.0.0.1:50051
  --token=TOKEN         bearer token; default $TECHRENO_TOKEN
  --db=DSN              libpq connection string, admin commands only; default $TECHRENO_DB
  --format=table|json   output (default table). json prints the server's messages in
                        protobuf JSON, one per line (list: one project per line);
                        findings and summaries then go to stderr

push flags:
  --format_in=csv|jsonl input format; default from the file name (.csv; .jsonl and
                        .json are read as one JSON object per line); FILE "-" is stdin
  --from_line=L         progress push: only the records from file line L on (to go
                        on where a push the server answered incomplete stopped)

list projects filters:
  --county=CODE  --city=CODE  --industry=CODE (division "34" or group "342")
  --status=NAME (PLANNED, UNDER_CONSTRUCTION, ...)  --renovation_type=NAME
  --enterprise=CREDIT_CODE  --min_planned_wan=N  --max_planned_wan=N (万元)
  --limit=N (default 50)  --all (every page)

bank flags:
  --region=CODE         projects in this region (score: codes separated by ',')
  --industry=CODE,...   industry divisions ("34") or groups ("342")
  --publication=ID      one publication, e.g. 2016-0001
  --state=S,...         list: latest feedback contacted, reviewing, granted, declined,
                        or none (no feedback yet); feedback: the state reported
  --include_retracted   list, stats: retracted recommendations too
  --bank=ID,...         bank ids (--banks is the same); publish: the banks addressed
                        (default every partner bank)
  --limit=N  --all      list, overdue: at most N rows (default 50), or every page
  --cursor=C            watch: start after this cursor (from bank list or an event)
  --cursor_file=PATH    watch: where the cursor is kept; default
                        $HOME/.config/techreno/bank-cursor. Without --cursor the
                        watch starts from this file's cursor, else from now
  --heartbeat=SECONDS   watch: heartbeat after this much silence (5-300, default 30)
  --loan_wan=N          feedback: loan granted, 万元
  --rate_pct=P          feedback: annual interest rate in %, e.g. 4.35 (= 435 bp)
  --term_months=N       feedback: loan term in months
  --disbursed_wan=N     feedback: disbursed so far, 万元
  --disbursed_on=DAY    feedback: first disbursement, YYYY-MM-DD (China time)
  --decline_reason=R    feedback: credit_risk, insufficient_collateral,
                        project_not_viable, enterprise_declined, financed_elsewhere,
                        outside_credit_policy or other (with --detail)
  --detail=TEXT         feedback: what the decline reason means
  --note=TEXT           feedback: remark; publish: why the projects are recommended
  --effective=DAY       feedback: when the step was taken, YYYY-MM-DD (default now)
  --expected_version=N  feedback, policy set: fail (ABORTED) unless the stored version
                        is N
  --request_id=ID       feedback, publish, policy set: reuse a printed id to retry
  --group_by=D,...      stats: bank, city, county, industry, type, publication, month
  --from=YYYY-MM  --to=YYYY-MM
                        stats: months of first publication (inclusive)
  --type=NAME,...       score: renovation types (EQUIPMENT_RENEWAL, ...)
  --min_tier=T          score: accepted in the county, city or province library tier
                        or a higher one
  --min_need_wan=N  --max_need_wan=N
                        score: financing need range, 万元
  --on_schedule         score: only projects not behind schedule
  --include_recommended score: also projects already recommended
  --top=N               score: how many candidates (default 100)
  --title=TEXT          publish: title of the list, e.g. 2016年第一批技术改造优质项目推荐名单
  --codes_file=PATH     publish: project codes one per line (blank lines and # comments
                        skipped; - = stdin), after the CODE operands
  --retract=CODE,...    publish: recommendations to retract, with --retract_reason=TEXT
  --file=PATH           policy set: a BankLinkPolicy in protobuf JSON

Input files:
  CSV with a header row of Project, Enterprise or ProgressReport field names (UTF-8,
  BOM allowed). Money as <field>_fen (whole fen) or <base>_wan (万元, up to 6
  decimals), e.g. planned_investment_wan=1234.56 is 1,234,560,000 fen. Enum names with
  or without their prefix (EQUIPMENT_RENEWAL or RENOVATION_TYPE_EQUIPMENT_RENEWAL);
  lists separated by ';'; booleans true/false, 1/0, 是/否. JSON lines use protobuf's
  JSON mapping of the same messages. A record that cannot be read is reported with
  its line and column and not sent; the others are.
  Progress reports: project_code, period (YYYY-MM), completed_investment_wan and its
  split building_works_wan, installation_wan, equipment_tools_wan, other_wan (parts
  that add up exactly); optional status, note, covers_january (February reports
  only), declared_ytd_wan, declared_since_start_wan, source_record_id.

Exit status: 0 ok (bank watch: also when stopped with Ctrl-C); 1 server error or
rejected records (bank watch: the server went away); 2 usage error.

Examples:
  export TECHRENO_DB="host=127.0.0.1 port=5432 dbname=techreno"
  techreno admin migrate
  export TECHRENO_TOKEN=$(techreno admin create-principal --name=liwan --role=county --scope=440103)
  techreno push enterprises deploy/local/demo/enterprises.csv
  techreno push projects var/demo/projects.csv      # the demo's, dated by run.sh
  techreno list projects --county=440103 --status=PLANNED --min_planned_wan=1000
  techreno get project 2025-440103-00-03-00001X
  techreno history 2025-440103-00-03-00001X
  techreno withdraw 2025-440103-00-03-00001X --reason="企业调整投资计划"
  techreno list projects --all --format=json > projects.jsonl
  techreno progress push var/demo/progress.csv
  techreno progress submit --project=2025-440103-00-03-00001X --period=2025-10 \
      --completed_wan=650 --building_wan=50 --installation_wan=80 --equipment_wan=480 \
      --other_wan=40 --status=UNDER_CONSTRUCTION
  techreno lock 2025-06 --reason="上半年数据已核定"            # province token
  techreno unlock 2025-06 --reason="荔湾区更正6月数据"
  techreno targets set --year=2016 --region=440100 --metric=TECH_RENOVATION_INVESTMENT \
      --value_yi=520 --note="市下达目标"
  techreno targets list --year=2016 --root=440000 --only_short
  techreno targets seed-plan
  techreno aggregates --from=2025-01 --to=2025-10 --granularity=quarter \
      --group_by=region,industry --tier=county --region=440100
  techreno compliance --from=2025-01 --to=2025-10 --region=440100
  techreno lagging --region=440103 --threshold=15 --months=2
  techreno library nominate 2025-440103-00-03-00001X --tier=city --reason="智能化改造示范"
  techreno library decide 2025-440103-00-03-00001X --tier=city --decision=accept \
      --support=LOAN_INTEREST_SUBSIDY                          # city token
  techreno library review --tier=city
  techreno library remove 2024-440104-00-03-00007X --tier=city --reason_code=FAILED_REVIEW \
      --reason="连续3个月未报送进度"
  techreno library totals --tier=city --by_industry
  techreno bank score --region=440100 --min_tier=city --on_schedule --top=20  # province
  techreno bank publish --title="2016年第一批技术改造优质项目推荐名单" \
      --note="智能化改造示范" 2025-440103-00-03-00001X 2025-440104-00-03-00002X
  techreno bank publish --title="撤回" --retract=2024-440104-00-03-00007X \
      --retract_reason="企业已获融资"
  techreno bank list --region=440100 --state=none                 # bank token
  techreno bank watch --region=440100
  techreno bank feedback 2025-440103-00-03-00001X --state=granted --loan_wan=800 \
      --rate_pct=4.35 --term_months=36 --effective=2025-10-15
  techreno bank feedback 2025-440104-00-03-00002X --state=declined \
      --decline_reason=insufficient_collateral --note="抵押物估值不足"
  techreno bank overdue --region=440100
  techreno bank stats --group_by=bank,city --from=2025-01 --to=2025-12
  techreno bank policy --format=json > policy.json
  techreno bank policy set --file=policy.json --expected_version=3
  techreno admin load-calendar cn-working-calendar-2027.csv
)";

absl::Status CheckFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;                         // the rest is positional
    if (arg.size() < 2 || arg[0] != '-') continue;  // positional, or "-" for stdin
    absl::string_view body = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t eq = body.find('=');
    absl::string_view name = body.substr(0, eq);
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) {
      // --noall is the negation of the boolean --all.
      absl::CommandLineFlag* negated =
          absl::ConsumePrefix(&name, "no") ? absl::FindCommandLineFlag(name) : nullptr;
      if (negated != nullptr && negated->IsOfType<bool>() && eq == absl::string_view::npos) {
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    }
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(body.substr(eq + 1));
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < argc) {
      value = argv[++i];  // "--flag value", as absl accepts it
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag ", arg, " needs a value"));
    }
    // Parsing sets the flag; ParseCommandLine sets it again to the same value.
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(arg, ": ", error));
    }
  }
  return absl::OkStatus();
}

}  // namespace techreno::cli
