// The project registry's commands (ProjectRegistry): push, get, list,
// history, withdraw.
#include <memory>

#include "absl/strings/str_cat.h"
#include "clients/cli/cli_app.h"
#include "clients/cli/commands.h"

namespace techreno::cli {
namespace {

constexpr char kInputHelp[] =
    "Input: CSV with a header row of field names (UTF-8, BOM allowed), or JSON lines (one "
    "protobuf JSON object a line). Money as <field>_fen or <base>_wan (万元, up to 6 decimals); "
    "enum names with or without their prefix; lists separated by ';'; booleans true/false, "
    "1/0, 是/否. A record that cannot be read is reported with its line and column and not "
    "sent; the others are. FILE - is standard input.";

void AddPush(CLI::App& app, CommandTable& table) {
  CLI::App* push = AddCommand(app, "push", "push records from a file in one stream",
                              "techreno push projects var/demo/projects.csv");
  push->group(kRegistryGroup);
  for (const bool projects : {true, false}) {
    auto o = std::make_shared<PushFileOptions>();
    CLI::App* cmd = projects
                        ? AddCommand(*push, "projects",
                                     "push project records in one stream (PushProjects); prints "
                                     "rejected records and warnings, then a summary",
                                     "techreno push projects var/demo/projects.csv")
                        : AddCommand(*push, "enterprises",
                                     "create or update enterprises (UpsertEnterprise, idempotent: "
                                     "re-running the same file changes nothing twice)",
                                     "techreno push enterprises deploy/local/demo/enterprises.csv");
    AddPushFileFlags(*cmd, *o);
    cmd->footer(std::string(cmd->get_footer()) + "\n" + kInputHelp);
    table.Bind(cmd, [o, projects](const GlobalOptions& g) {
      return projects ? PushProjects(g, *o) : PushEnterprises(g, *o);
    });
  }
}

void AddGet(CLI::App& app, CommandTable& table) {
  CLI::App* get = AddCommand(app, "get", "one project or enterprise",
                             "techreno get project 2025-440103-00-03-00001X");
  get->group(kRegistryGroup);
  auto code = std::make_shared<std::string>();
  CLI::App* project = AddCommand(
      *get, "project", "one project (GetProject): money in 万元, codes with Chinese names",
      "techreno get project 2025-440103-00-03-00001X");
  project->add_option("CODE", *code, "24-character project code")->required();
  table.Bind(project, [code](const GlobalOptions& g) { return GetProject(g, *code); });

  auto credit = std::make_shared<std::string>();
  CLI::App* enterprise = AddCommand(*get, "enterprise", "one enterprise (GetEnterprise)",
                                    "techreno get enterprise 91440101MA59ABCD1X");
  enterprise->add_option("CREDIT_CODE", *credit, "18-character unified social credit code")
      ->required();
  table.Bind(enterprise, [credit](const GlobalOptions& g) { return GetEnterprise(g, *credit); });
}

void AddUpsert(CLI::App& app, CommandTable& table) {
  CLI::App* upsert = AddCommand(app, "upsert", "create or change one record",
                                "techreno upsert project project.json");
  upsert->group(kRegistryGroup);
  struct Upsert {
    PushFileOptions file;
    int64_t expected_version = 0;
  };
  auto o = std::make_shared<Upsert>();
  CLI::App* cmd = AddCommand(
      *upsert, "project",
      "create or change one project (UpsertProject): FILE holds one record, a JSON line or a "
      "CSV header and row; prints the project stored, with its code when it is new",
      "techreno upsert project project.json --expected_version=3");
  cmd->add_option("FILE", o->file.path, "the record; - = standard input")->required();
  cmd->add_option("--format_in", o->file.format_in, "csv, xlsx or jsonl (default: from the name)")
      ->check(CLI::IsMember({"csv", "xlsx", "jsonl"}));
  cmd->add_option("--expected_version", o->expected_version,
                  "fail (ABORTED) unless the stored version is this (0 = no check)");
  table.Bind(
      cmd, [o](const GlobalOptions& g) { return UpsertProject(g, o->file, o->expected_version); });
}

void AddList(CLI::App& app, CommandTable& table) {
  CLI::App* list = AddCommand(app, "list", "projects within your scope",
                              "techreno list projects --county=440103 --status=PLANNED");
  list->group(kRegistryGroup);
  auto o = std::make_shared<ListProjectsOptions>();
  CLI::App* cmd = AddCommand(
      *list, "projects", "projects within your scope, ordered by project code (ListProjects)",
      "techreno list projects --county=440103 --status=PLANNED --min_planned_wan=1000");
  cmd->add_option("--county", o->county, "county code (GB/T 2260), e.g. 440103");
  cmd->add_option("--city", o->city, "city code, e.g. 440100");
  cmd->add_option("--industry", o->industry, "industry division (34) or group (342), GB/T 4754");
  cmd->add_option("--status", o->status, "project status, e.g. PLANNED, UNDER_CONSTRUCTION");
  cmd->add_option("--renovation_type", o->renovation_type,
                  "renovation type, e.g. EQUIPMENT_RENEWAL");
  cmd->add_option("--enterprise", o->enterprise, "enterprise credit code");
  cmd->add_option("--min_planned_wan", o->min_planned_wan, "minimum planned investment, 万元");
  cmd->add_option("--max_planned_wan", o->max_planned_wan, "maximum planned investment, 万元");
  AddLimitFlags(*cmd, o->limit, o->all);
  table.Bind(cmd, [o](const GlobalOptions& g) { return ListProjects(g, *o); });
}

void AddHistoryAndWithdraw(CLI::App& app, CommandTable& table) {
  auto code = std::make_shared<std::string>();
  CLI::App* history =
      AddCommand(app, "history", "every version of a project, newest first (GetProjectHistory)",
                 "techreno history 2025-440103-00-03-00001X");
  history->group(kRegistryGroup);
  history->add_option("CODE", *code, "project code")->required();
  table.Bind(history, [code](const GlobalOptions& g) { return ShowHistory(g, *code); });

  struct Withdraw {
    std::string code, reason, request_id;
  };
  auto o = std::make_shared<Withdraw>();
  CLI::App* withdraw = AddCommand(
      app, "withdraw",
      "withdraw a project (撤销, WithdrawProject); reuse a printed request id to retry safely",
      "techreno withdraw 2025-440103-00-03-00001X --reason=\"企业调整投资计划\"");
  withdraw->group(kRegistryGroup);
  withdraw->add_option("CODE", o->code, "project code")->required();
  withdraw->add_option("--reason", o->reason, "why (kept in the audit trail)")->required();
  AddRequestIdFlag(*withdraw, o->request_id);
  table.Bind(withdraw, [o](const GlobalOptions& g) {
    return WithdrawProject(g, o->code, o->reason, o->request_id);
  });
}

void AddTemplate(CLI::App& app, CommandTable& table) {
  CLI::App* templates =
      AddCommand(app, "template",
                 "an import sheet to fill in: every column with its Chinese name, one example row",
                 "techreno template projects --format=xlsx --output=技改项目.xlsx");
  templates->group(kRegistryGroup);
  for (const char* kind : {"projects", "enterprises", "progress"}) {
    CLI::App* cmd = AddCommand(
        *templates, kind,
        absl::StrCat("the ", kind,
                     " sheet: CSV on stdout (UTF-8 with BOM, or --encoding=gb18030), or "
                     "--format=xlsx --output=FILE; push it back with push ",
                     std::string(kind) == "progress" ? "progress push" : std::string(kind)),
        absl::StrCat("techreno template ", kind, " --format=csv --output=", kind, ".csv"));
    const std::string k = kind;
    table.Bind(cmd, [k](const GlobalOptions& g) { return WriteTemplate(g, k); });
  }
}

}  // namespace

void AddRegistryCommands(CLI::App& app, CommandTable& table) {
  AddTemplate(app, table);
  AddPush(app, table);
  AddUpsert(app, table);
  AddGet(app, table);
  AddList(app, table);
  AddHistoryAndWithdraw(app, table);
}

}  // namespace techreno::cli
