// BankLink's commands (政银企对接, recommending projects to partner banks): bank list, watch,
// feedback, overdue, stats, score, publish, policy and policy set.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "clients/cli/cli_app.h"
#include "clients/cli/commands.h"

namespace techreno::cli {
namespace {

constexpr char kIndustryHelp[] = "industry divisions (34) or groups (342), ',' separated";

// --bank and --banks, one option: the ids given to either, or to both, or repeated, are joined
// with ','.
void AddBanksFlag(CLI::App& command, std::string& banks, const std::string& help) {
  command.add_option("--bank,--banks", banks, help)->join(',');
}

// --expected_version, on the writes that check it.
void AddExpectedVersionFlag(CLI::App& command, int64_t& expected_version) {
  command.add_option("--expected_version", expected_version,
                     "fail (ABORTED) unless the stored version is N (0 = no check)");
}

void AddListAndWatch(CLI::App& bank, CommandTable& table) {
  auto o = std::make_shared<BankOptions>();
  CLI::App* list =
      AddCommand(bank, "list",
                 "recommendations you can see (优质技改项目推荐, ListRecommendations): "
                 "county, financing need (万元), latest feedback, publications; then "
                 "the command that watches from here on",
                 "techreno bank list --region=440100 --state=none");
  list->add_option("--region", o->region, "projects in this region, e.g. 440100");
  list->add_option("--industry", o->industry, kIndustryHelp);
  list->add_option("--publication", o->publication, "one publication, e.g. 2016-0001");
  list->add_option("--state", o->state,
                   "latest feedback, ',' separated: contacted, reviewing, granted, declined, or "
                   "none (no feedback yet)");
  list->add_flag("--include_retracted", o->include_retracted, "retracted recommendations too");
  AddLimitFlags(*list, o->limit, o->all);
  table.Bind(list, [o](const GlobalOptions& g) { return BankList(g, *o); });

  auto w = std::make_shared<BankOptions>();
  CLI::App* watch = AddCommand(
      bank, "watch",
      "live events (发布, 更新, 撤回), one line each, until Ctrl-C (WatchRecommendations); each "
      "event's cursor is kept in the cursor file (after the event is shown), so the same command "
      "goes on where it stopped; heartbeats show as (心跳) on stderr",
      "techreno bank watch --region=440100");
  watch->add_option("--cursor", w->cursor, "start after this cursor (from bank list or an event)");
  watch->add_option("--cursor_file", w->cursor_file,
                    "where the cursor is kept; default $HOME/.config/techreno/bank-cursor. Without "
                    "--cursor the watch starts from this file's cursor, else from now");
  watch->add_option("--region", w->region, "projects in this region, e.g. 440100");
  watch->add_option("--industry", w->industry, kIndustryHelp);
  watch->add_option("--heartbeat", w->heartbeat_seconds,
                    "heartbeat after this many seconds of silence (5-300, default 30)");
  table.Bind(watch, [w](const GlobalOptions& g) { return BankWatch(g, *w); });
}

void AddFeedback(CLI::App& bank, CommandTable& table) {
  auto code = std::make_shared<std::string>();
  auto o = std::make_shared<BankOptions>();
  CLI::App* cmd = AddCommand(
      bank, "feedback",
      "a bank reports on a recommended project (bank token, SubmitFeedback); prints the stored "
      "feedback with its subsidy estimate",
      "techreno bank feedback 2025-440103-00-03-00001X --state=granted --loan_wan=800 "
      "--rate_pct=4.35 --term_months=36 --effective=2025-10-15");
  cmd->add_option("CODE", *code, "24-character project code")->required();
  cmd->add_option("--state", o->state,
                  "the state reported: contacted (已对接), reviewing (审批中), granted (已放贷) or "
                  "declined (已拒绝)")
      ->required()
      ->check(Choice({"contacted", "reviewing", "granted", "declined"}, "feedback_state_",
                     {{"loan_granted", "granted"},
                      {"已对接", "contacted"},
                      {"审批中", "reviewing"},
                      {"已放贷", "granted"},
                      {"已拒绝", "declined"}}));
  cmd->add_option("--loan_wan", o->loan_wan, "loan granted, 万元");
  cmd->add_option("--rate_pct", o->rate_pct, "annual interest rate in %, e.g. 4.35 (= 435 bp)");
  cmd->add_option("--term_months", o->term_months, "loan term in months");
  cmd->add_option("--disbursed_wan", o->disbursed_wan, "disbursed so far, 万元");
  cmd->add_option("--disbursed_on", o->disbursed_on, "first disbursement, YYYY-MM-DD (China time)");
  cmd->add_option("--decline_reason", o->decline_reason,
                  "why the bank declined (other: with --detail)")
      ->check(
          Choice({"credit_risk", "insufficient_collateral", "project_not_viable",
                  "enterprise_declined", "financed_elsewhere", "outside_credit_policy", "other"},
                 "decline_reason_"));
  cmd->add_option("--detail", o->detail, "what the decline reason means (for other)");
  cmd->add_option("--note", o->note, "remark");
  cmd->add_option("--effective", o->effective, "when the step was taken, YYYY-MM-DD (default now)");
  AddExpectedVersionFlag(*cmd, o->expected_version);
  AddRequestIdFlag(*cmd, o->request_id);
  table.Bind(cmd, [code, o](const GlobalOptions& g) { return BankFeedback(g, *code, *o); });
}

void AddOverdueAndStats(CLI::App& bank, CommandTable& table) {
  auto o = std::make_shared<BankOptions>();
  CLI::App* overdue = AddCommand(
      bank, "overdue",
      "recommendations a bank has not answered within the response deadline (China working "
      "days; ListOverdueRecommendations)",
      "techreno bank overdue --region=440100");
  AddBanksFlag(*overdue, o->banks, "bank ids, ',' separated (--bank and --banks are the same)");
  overdue->add_option("--region", o->region, "projects in this region, e.g. 440100");
  AddLimitFlags(*overdue, o->limit, o->all);
  table.Bind(overdue, [o](const GlobalOptions& g) { return BankOverdue(g, *o); });

  auto s = std::make_shared<BankOptions>();
  CLI::App* stats = AddCommand(
      bank, "stats",
      "the matching funnel per group and in total (GetMatchingStats): projects recommended, "
      "contacted, financed; pairs by state; loans, disbursed and subsidy (万元); overdue; days "
      "to first contact; then declines by reason",
      "techreno bank stats --group_by=bank,city --from=2025-01 --to=2025-12");
  stats->add_option("--group_by", s->group_by,
                    "bank, city, county, industry, type, publication, month (',' separated)");
  stats->add_option("--from", s->from, "first month of first publication, YYYY-MM");
  stats->add_option("--to", s->to, "last month of first publication, YYYY-MM (inclusive)");
  stats->add_option("--region", s->region, "projects in this region, e.g. 440100");
  AddBanksFlag(*stats, s->banks, "bank ids, ',' separated (--bank and --banks are the same)");
  stats->add_option("--publication", s->publication, "one publication, e.g. 2016-0001");
  stats->add_flag("--include_retracted", s->include_retracted, "retracted recommendations too");
  table.Bind(stats, [s](const GlobalOptions& g) { return BankStats(g, *s); });
}

void AddScore(CLI::App& bank, CommandTable& table) {
  auto o = std::make_shared<BankOptions>();
  CLI::App* cmd = AddCommand(bank, "score",
                             "projects that could be recommended, best score first, with the "
                             "points of each part of the score (ScoreCandidates)",
                             "techreno bank score --region=440100 --min_tier=city --on_schedule "
                             "--top=20");
  cmd->add_option("--region", o->region, "region codes, ',' separated");
  cmd->add_option("--industry", o->industry, kIndustryHelp);
  cmd->add_option("--type", o->types, "renovation types, ',' separated (EQUIPMENT_RENEWAL, ...)");
  cmd->add_option("--min_tier", o->min_tier,
                  "accepted in the county, city or province library tier or a higher one")
      ->check(TierChoice());
  cmd->add_option("--min_need_wan", o->min_need_wan, "minimum financing need, 万元");
  cmd->add_option("--max_need_wan", o->max_need_wan, "maximum financing need, 万元");
  cmd->add_flag("--on_schedule", o->on_schedule, "only projects not behind schedule");
  cmd->add_flag("--include_recommended", o->include_recommended,
                "also projects already recommended");
  cmd->add_option("--top", o->top, "how many candidates, best first (default 100)");
  table.Bind(cmd, [o](const GlobalOptions& g) { return BankScore(g, *o); });
}

void AddPublish(CLI::App& bank, CommandTable& table) {
  auto codes = std::make_shared<std::vector<std::string>>();
  auto o = std::make_shared<BankOptions>();
  CLI::App* cmd = AddCommand(
      bank, "publish",
      "publish a list of recommended projects (province only, PublishRecommendations), to "
      "every partner bank or the named ones; prints each item's outcome and findings",
      "techreno bank publish --title=\"2016年第一批技术改造优质项目推荐名单\" "
      "--note=\"智能化改造示范\" 2025-440103-00-03-00001X 2025-440104-00-03-00002X");
  cmd->add_option("CODE", *codes, "project codes to publish (then those of --codes_file)");
  cmd->add_option("--title", o->title,
                  "title of the list, e.g. 2016年第一批技术改造优质项目推荐名单")
      ->required();
  AddBanksFlag(*cmd, o->banks,
               "the banks addressed, ',' separated (--bank and --banks are the same; default "
               "every partner bank)");
  cmd->add_option("--note", o->note, "why the projects are recommended");
  cmd->add_option("--codes_file", o->codes_file,
                  "project codes one per line (blank lines and # comments skipped; - = stdin), "
                  "after the CODE operands");
  CLI::Option* retract_reason =
      cmd->add_option("--retract_reason", o->retract_reason, "why they are retracted");
  cmd->add_option("--retract", o->retract,
                  "project codes whose recommendations to retract, ',' separated")
      ->needs(retract_reason);
  AddRequestIdFlag(*cmd, o->request_id);
  table.Bind(cmd, [codes, o](const GlobalOptions& g) { return BankPublish(g, *codes, *o); });
}

void AddPolicy(CLI::App& bank, CommandTable& table) {
  auto o = std::make_shared<BankOptions>();
  CLI::App* policy = AddCommand(bank, "policy",
                                "the BankLink policy in force (GetBankLinkPolicy): score "
                                "weights, response deadline, loan-interest subsidy terms",
                                "techreno bank policy --format=json > policy.json");
  table.Bind(policy, [o](const GlobalOptions& g) { return BankPolicy(g, false, *o); });

  auto s = std::make_shared<BankOptions>();
  CLI::App* set = AddCommand(*policy, "set",
                             "a new version of the policy (province only, SetBankLinkPolicy); "
                             "the file is what bank policy --format=json prints, edited",
                             "techreno bank policy set --file=policy.json --expected_version=3");
  set->add_option("--file", s->file, "a BankLinkPolicy in protobuf JSON")->required();
  AddExpectedVersionFlag(*set, s->expected_version);
  AddRequestIdFlag(*set, s->request_id);
  table.Bind(set, [s](const GlobalOptions& g) { return BankPolicy(g, true, *s); });
}

}  // namespace

void AddBankCommands(CLI::App& app, CommandTable& table) {
  CLI::App* bank = AddCommand(
      app, "bank",
      "BankLink (政银企对接): recommend projects to partner banks, follow their feedback and "
      "the matching funnel",
      "techreno bank list --region=440100 --state=none");
  bank->group(kBankGroup);
  AddListAndWatch(*bank, table);
  AddFeedback(*bank, table);
  AddOverdueAndStats(*bank, table);
  AddScore(*bank, table);
  AddPublish(*bank, table);
  AddPolicy(*bank, table);
}

}  // namespace techreno::cli
