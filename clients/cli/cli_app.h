// The command line, on CLI11 (Debian's libcli11-dev 2.1). Each service's
// subcommands are declared by a function of their own file — cli_registry.cc,
// cli_monitoring.cc, cli_library.cc, cli_bank.cc, cli_admin.cc — with their
// flags bound to the option structs of commands.h and an action registered in
// the CommandTable; main.cc parses, resolves the global settings (flag,
// environment, config file) and runs the one command named.
//
// Every subcommand has a one-line description, a description of every flag,
// and an example (its help footer); an unknown flag or a missing operand is
// refused with CLI11's message and exit code 2.
#ifndef TECHRENO_CLIENTS_CLI_CLI_APP_H_
#define TECHRENO_CLIENTS_CLI_CLI_APP_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "clients/cli/commands.h"
#include "clients/cli/options.h"

namespace techreno::cli {

// What a command does once the command line is parsed. The global settings
// are resolved only then, hence the argument.
using Action = std::function<int(const GlobalOptions&)>;

class CommandTable {
 public:
  // `action` runs when `command` is the deepest subcommand on the line.
  void Bind(const CLI::App* command, Action action) { actions_[command] = std::move(action); }
  // The action of the deepest subcommand parsed under `root`; nullptr when
  // it has none (a group such as `techreno push` alone). `*deepest` is that
  // subcommand.
  const Action* Find(const CLI::App& root, const CLI::App** deepest) const;

 private:
  absl::flat_hash_map<const CLI::App*, Action> actions_;
};

// Help groups of the top-level commands, one per service.
inline constexpr char kRegistryGroup[] = "Project registry (项目登记)";
inline constexpr char kMonitoringGroup[] = "Investment monitoring (投资监测)";
inline constexpr char kLibraryGroup[] = "Key-project library (重点项目库)";
inline constexpr char kBankGroup[] = "BankLink (政银企对接)";
inline constexpr char kAdminGroup[] = "Administration (needs --db)";

// A subcommand of `parent` with its description and an example command line
// (shown under its --help as "Example:").
CLI::App* AddCommand(CLI::App& parent, const std::string& name, const std::string& description,
                     const std::string& example);

// A closed set of lower-case words for CLI11 to check (--help lists them; a
// typo exits 2). The value reaches the command as typed, and the command also
// takes other spellings of the same choice, so these pass too: any case, the
// enum value's name with or without `prefix`, and `aliases` (Chinese terms).
CLI::Validator Choice(std::vector<std::string> words, std::string prefix,
                      std::map<std::string, std::string> aliases = {});

// A library tier: county, city or province (县, 市, 省), or a LibraryTier name.
CLI::Validator TierChoice();

// The flags several commands share, bound to the caller's fields.
void AddRequestIdFlag(CLI::App& command, std::string& request_id);
void AddLimitFlags(CLI::App& command, int64_t& limit, bool& all);
// FILE, --format_in, --from_line and --rejects of the three file pushes.
void AddPushFileFlags(CLI::App& command, PushFileOptions& push);

void AddRegistryCommands(CLI::App& app, CommandTable& table);
void AddMonitoringCommands(CLI::App& app, CommandTable& table);
void AddLibraryCommands(CLI::App& app, CommandTable& table);
void AddBankCommands(CLI::App& app, CommandTable& table);
void AddAdminCommands(CLI::App& app, CommandTable& table);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_CLI_APP_H_
