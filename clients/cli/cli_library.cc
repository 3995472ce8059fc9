// The key-project library's commands (KeyProjectLibrary, 重点项目库): library nominate, decide,
// remove, list, history, review, totals, criteria and criteria set.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "clients/cli/cli_app.h"
#include "clients/cli/commands.h"

namespace techreno::cli {
namespace {

constexpr char kCodeHelp[] = "24-character project code";
constexpr char kTierHelp[] =
    "tier of the key-project library: county, city or province (县, 市, 省)";

// --tier: county, city or province (县, 市, 省), or a LibraryTier name.
void AddTierFlag(CLI::App& command, std::string& tier, bool required) {
  CLI::Option* flag = command.add_option("--tier", tier, kTierHelp)->check(TierChoice());
  if (required) flag->required();
}

void AddNominate(CLI::App& library, CommandTable& table) {
  auto code = std::make_shared<std::string>();
  auto o = std::make_shared<LibraryOptions>();
  CLI::App* cmd = AddCommand(
      library, "nominate",
      "propose a project for a tier of the key-project library (重点项目库, Nominate); "
      "--admit: the province admits directly; --override_reason: the tier's owner goes ahead "
      "despite failed criteria",
      "techreno library nominate 2025-440103-00-03-00001X --tier=city --reason=\"智能化改造示范\"");
  cmd->add_option("CODE", *code, kCodeHelp)->required();
  AddTierFlag(*cmd, o->tier, /*required=*/true);
  cmd->add_option("--reason", o->reason, "why the project deserves the tier (kept in its history)")
      ->required();
  cmd->add_flag("--admit", o->admit, "the province admits directly (province tier)");
  cmd->add_option("--override_reason", o->override_reason,
                  "go ahead despite failed criteria (the tier's owner), and why");
  AddRequestIdFlag(*cmd, o->request_id);
  table.Bind(cmd, [code, o](const GlobalOptions& g) { return LibraryNominate(g, *code, *o); });
}

void AddDecide(CLI::App& library, CommandTable& table) {
  auto code = std::make_shared<std::string>();
  auto o = std::make_shared<LibraryOptions>();
  CLI::App* cmd = AddCommand(library, "decide",
                             "the tier owner's decision on a nomination (Decide); a rejection "
                             "needs a reason",
                             "techreno library decide 2025-440103-00-03-00001X --tier=city "
                             "--decision=accept --support=LOAN_INTEREST_SUBSIDY");
  cmd->add_option("CODE", *code, kCodeHelp)->required();
  AddTierFlag(*cmd, o->tier, /*required=*/true);
  cmd->add_option("--decision", o->decision, "accept (入库) or reject (不予入库)")
      ->required()
      ->check(Choice({"accept", "reject"}, "decision_kind_",
                     {{"入库", "accept"}, {"不予入库", "reject"}}));
  cmd->add_option("--reason", o->reason, "why (kept in the history; a rejection needs one)");
  cmd->add_option("--support", o->support,
                  "planned support, ',' separated (LOAN_INTEREST_SUBSIDY, EQUITY_INVESTMENT, "
                  "POST_HOC_REWARD)");
  cmd->add_option("--override_reason", o->override_reason,
                  "go ahead despite failed criteria (the tier's owner), and why");
  AddRequestIdFlag(*cmd, o->request_id);
  table.Bind(cmd, [code, o](const GlobalOptions& g) { return LibraryDecide(g, *code, *o); });
}

void AddRemove(CLI::App& library, CommandTable& table) {
  auto codes = std::make_shared<std::vector<std::string>>();
  auto o = std::make_shared<LibraryOptions>();
  CLI::App* cmd = AddCommand(
      library, "remove",
      "take entries out of a tier (退库): one code, RemoveEntry; several (e.g. after library "
      "review), RemoveEntries in one call, each with its own result",
      "techreno library remove 2024-440104-00-03-00007X 2024-440104-00-03-00008X --tier=city "
      "--reason_code=FAILED_REVIEW --reason=\"连续3个月未报送进度\"");
  cmd->add_option("CODE", *codes, "project codes (1–1,000)")->required();
  AddTierFlag(*cmd, o->tier, /*required=*/true);
  cmd->add_option("--reason_code", o->reason_code,
                  "FAILED_REVIEW, NOT_PROGRESSING, PROJECT_COMPLETED, OTHER; NOMINATION_WITHDRAWN "
                  "for a pending nomination")
      ->required();
  cmd->add_option("--reason", o->reason, "why (kept in the history)")->required();
  AddRequestIdFlag(*cmd, o->request_id);
  table.Bind(cmd, [codes, o](const GlobalOptions& g) {
    return codes->size() == 1 ? LibraryRemove(g, codes->front(), *o)
                              : LibraryRemoveMany(g, *codes, *o);
  });
}

void AddListAndHistory(CLI::App& library, CommandTable& table) {
  auto o = std::make_shared<LibraryOptions>();
  CLI::App* list = AddCommand(library, "list",
                              "entries in scope with progress (% done, points behind, last "
                              "report) and risk flags (ListEntries)",
                              "techreno library list --tier=city --state=NOMINATED");
  AddTierFlag(*list, o->tier, /*required=*/false);
  list->add_option("--state", o->state,
                   "entry states, ',' separated (NOMINATED, ACCEPTED, REJECTED, REMOVED)");
  list->add_option("--region", o->region, "region code, e.g. 440103");
  list->add_option("--industry", o->industry, "industry division (34) or group (342), GB/T 4754");
  AddLimitFlags(*list, o->limit, o->all);
  table.Bind(list, [o](const GlobalOptions& g) { return LibraryList(g, *o); });

  auto code = std::make_shared<std::string>();
  auto h = std::make_shared<LibraryOptions>();
  CLI::App* history =
      AddCommand(library, "history",
                 "every nomination, decision, override and removal of a project (GetEntryHistory)",
                 "techreno library history 2025-440103-00-03-00001X");
  history->add_option("CODE", *code, kCodeHelp)->required();
  AddTierFlag(*history, h->tier, /*required=*/false);
  table.Bind(history, [code, h](const GlobalOptions& g) { return LibraryHistory(g, *code, *h); });
}

void AddReviewAndTotals(CLI::App& library, CommandTable& table) {
  auto o = std::make_shared<LibraryOptions>();
  CLI::App* review = AddCommand(library, "review",
                                "entries that fail today's criteria, are at risk or are due for "
                                "exit (退库), with every reason (ReviewTier)",
                                "techreno library review --tier=city");
  AddTierFlag(*review, o->tier, /*required=*/true);
  review->add_option("--region", o->region, "region code, e.g. 440103");
  AddLimitFlags(*review, o->limit, o->all);
  table.Bind(review, [o](const GlobalOptions& g) { return LibraryReview(g, *o); });

  auto t = std::make_shared<LibraryOptions>();
  CLI::App* totals = AddCommand(library, "totals",
                                "entries, planned and completed investment (万元) per region "
                                "(GetLibraryTotals)",
                                "techreno library totals --tier=city --by_industry");
  AddTierFlag(*totals, t->tier, /*required=*/false);
  totals->add_option("--region", t->region, "region code, e.g. 440100");
  totals->add_option("--state", t->state,
                     "entry states, ',' separated (NOMINATED, ACCEPTED, REJECTED, REMOVED)");
  totals
      ->add_option("--group_by", t->group_by,
                   "library (the tier's region; default), city or county")
      ->check(Choice({"library", "city", "county"}, "library_grouping_",
                     {{"library_region", "library"}}));
  totals->add_flag("--by_industry", t->by_industry, "also by industry division");
  table.Bind(totals, [t](const GlobalOptions& g) { return LibraryTotals(g, *t); });
}

void AddCriteria(CLI::App& library, CommandTable& table) {
  auto o = std::make_shared<LibraryOptions>();
  CLI::App* criteria =
      AddCommand(library, "criteria", "each tier's entry criteria (GetTierCriteria), or --tier's",
                 "techreno library criteria --tier=city");
  AddTierFlag(*criteria, o->tier, /*required=*/false);
  table.Bind(criteria, [o](const GlobalOptions& g) { return LibraryCriteria(g, false, *o); });

  auto s = std::make_shared<LibraryOptions>();
  CLI::App* set = AddCommand(
      *criteria, "set",
      "a new version of a tier's criteria (province only, SetTierCriteria): flags not given keep "
      "the tier's values; a list given replaces it (\"-\" empties it)",
      "techreno library criteria set --tier=city --min_planned_wan=2000 --min_equipment_wan=500 "
      "--threshold=20 --months=2");
  AddTierFlag(*set, s->tier, /*required=*/true);
  set->add_option("--min_planned_wan", s->min_planned_wan, "minimum planned investment, 万元");
  set->add_option("--min_equipment_wan", s->min_equipment_wan,
                  "minimum planned equipment investment, 万元");
  set->add_option("--status", s->statuses,
                  "project statuses the tier admits, ',' separated (PLANNED, UNDER_CONSTRUCTION, "
                  "...)");
  set->add_option("--required", s->required,
                  "project fields the tier requires, ',' separated (- = none)");
  set->add_option("--reported_within", s->reported_within,
                  "months within which a project must have reported");
  set->add_option("--favoured_types", s->favoured_types,
                  "favoured renovation types, ',' separated (- = none)");
  set->add_option("--favoured_industries", s->favoured_industries,
                  "favoured industry codes, ',' separated (- = none)");
  set->add_option("--threshold", s->gap_points,
                  "at risk beyond these percentage points behind schedule");
  set->add_option("--months", s->silent_months, "at risk after these silent months");
  AddRequestIdFlag(*set, s->request_id);
  table.Bind(set, [s](const GlobalOptions& g) { return LibraryCriteria(g, true, *s); });
}

}  // namespace

void AddLibraryCommands(CLI::App& app, CommandTable& table) {
  CLI::App* library = AddCommand(
      app, "library",
      "the key-project library (重点项目库): nominations, decisions, removals, reviews, totals and "
      "each tier's entry criteria",
      "techreno library nominate 2025-440103-00-03-00001X --tier=city --reason=\"智能化改造示范\"");
  library->group(kLibraryGroup);
  AddNominate(*library, table);
  AddDecide(*library, table);
  AddRemove(*library, table);
  AddListAndHistory(*library, table);
  AddReviewAndTotals(*library, table);
  AddCriteria(*library, table);
}

}  // namespace techreno::cli
