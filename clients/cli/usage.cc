#include "clients/cli/usage.h"

#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace techreno::cli {

const char kUsage[] = R"(techreno: command-line client of the techreno project registry

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

list projects filters:
  --county=CODE  --city=CODE  --industry=CODE (division "34" or group "342")
  --status=NAME (PLANNED, UNDER_CONSTRUCTION, ...)  --renovation_type=NAME
  --enterprise=CREDIT_CODE  --min_planned_wan=N  --max_planned_wan=N (万元)
  --limit=N (default 50)  --all (every page)

Input files:
  CSV with a header row of Project or Enterprise field names (UTF-8, BOM allowed).
  Money as <field>_fen (whole fen) or <base>_wan (万元, up to 6 decimals), e.g.
  planned_investment_wan=1234.56 is 1,234,560,000 fen. Enum names with or without
  their prefix (EQUIPMENT_RENEWAL or RENOVATION_TYPE_EQUIPMENT_RENEWAL); lists
  separated by ';'; booleans true/false, 1/0, 是/否. JSON lines use protobuf's JSON
  mapping of Project or Enterprise. A record that cannot be read is reported with
  its line and column and not sent; the others are.

Exit status: 0 ok; 1 server error or rejected records; 2 usage error.

Examples:
  export TECHRENO_DB="host=127.0.0.1 port=5432 dbname=techreno"
  techreno admin migrate
  export TECHRENO_TOKEN=$(techreno admin create-principal --name=liwan --role=county --scope=440103)
  techreno push enterprises deploy/local/demo/enterprises.csv
  techreno push projects deploy/local/demo/projects.csv
  techreno list projects --county=440103 --status=PLANNED --min_planned_wan=1000
  techreno get project 2025-440103-00-03-00001X
  techreno history 2025-440103-00-03-00001X
  techreno withdraw 2025-440103-00-03-00001X --reason="企业调整投资计划"
  techreno list projects --all --format=json > projects.jsonl
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
