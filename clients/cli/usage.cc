#include "clients/cli/usage.h"

#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace techreno::cli {

const char kUsage[] =
    R"(techreno: command-line client of techreno (project registry, investment monitoring and
the key-project library)

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
  admin migrate               apply schema migrations and load reference data (--db)
  admin create-principal --name=NAME --role=county|city|province|bank|auditor --scope=S
                              create a principal (--db); prints only its token

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

Exit status: 0 ok; 1 server error or rejected records; 2 usage error.

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
