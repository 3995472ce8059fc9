// The pieces every command file shares: finding the command to run, a
// command with its example, and the flags several commands have.
#include "clients/cli/cli_app.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace techreno::cli {

const Action* CommandTable::Find(const CLI::App& root, const CLI::App** deepest) const {
  const CLI::App* at = &root;
  for (;;) {
    auto parsed = at->get_subcommands();
    if (parsed.empty()) break;
    at = parsed.front();  // a command line names one path of subcommands
  }
  *deepest = at;
  auto it = actions_.find(at);
  return it == actions_.end() ? nullptr : &it->second;
}

CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     const std::string& example) {
  CLI::App* command = parent.add_subcommand(name, description);
  command->footer("Example:\n  " + example + "\n");
  return command;
}

CLI::Validator Choice(std::vector<std::string> words, std::string prefix,
                      std::map<std::string, std::string> aliases) {
  return CLI::IsMember(std::move(words), [prefix, aliases](std::string text) {
    std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
    if (absl::StartsWith(word, prefix)) word.erase(0, prefix.size());
    const auto alias = aliases.find(word);
    return alias == aliases.end() ? word : alias->second;
  });
}

CLI::Validator TierChoice() {
  return Choice({"county", "city", "province"}, "library_tier_",
                {{"县", "county"}, {"市", "city"}, {"省", "province"}});
}

void AddRequestIdFlag(CLI::App& command, std::string& request_id) {
  command.add_option("--request_id", request_id,
                     "idempotency key (default: a random one, printed when a retry may be "
                     "needed); retry with the printed id to change nothing twice");
}

void AddLimitFlags(CLI::App& command, int64_t& limit, bool& all) {
  command.add_option("--limit", limit, "at most this many rows")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_flag("--all", all, "every matching row, page after page (ignores --limit)");
}

void AddPushFileFlags(CLI::App& command, PushFileOptions& push) {
  command.add_option("FILE", push.path, "CSV, XLSX or JSON lines file; - = standard input")
      ->required();
  command
      .add_option("--format_in", push.format_in,
                  "csv, xlsx or jsonl (default: from the file name; .jsonl and .json are JSON "
                  "lines; .xlsx: the workbook's first sheet)")
      ->check(CLI::IsMember({"csv", "xlsx", "jsonl"}));
  command
      .add_option("--from_line", push.from_line,
                  "only the records from this file line on (to go on after Ctrl-C or a push "
                  "the server ended; the command prints the line)")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--rejects", push.rejects,
                     "where the rejected records go, with their reasons, in the input's "
                     "encoding, ready to fix and push again (default: next to FILE, "
                     "NAME.rejects.csv)");
}

}  // namespace techreno::cli
