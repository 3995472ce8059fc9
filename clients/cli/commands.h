// The subcommands of `techreno`. Each takes resolved options (never reads
// flags itself, so main.cc is the one place that knows the command line) and
// returns the process exit code (options.h).
#ifndef TECHRENO_CLIENTS_CLI_COMMANDS_H_
#define TECHRENO_CLIENTS_CLI_COMMANDS_H_

#include <cstdint>
#include <string>

#include "clients/cli/options.h"

namespace techreno::cli {

// push projects FILE: one PushProjects stream for the whole file.
int PushProjects(const GlobalOptions& options, const std::string& path,
                 const std::string& format_in);
// push enterprises FILE: one idempotent UpsertEnterprise per record.
int PushEnterprises(const GlobalOptions& options, const std::string& path,
                    const std::string& format_in);

int GetProject(const GlobalOptions& options, const std::string& project_code);
int GetEnterprise(const GlobalOptions& options, const std::string& credit_code);

// Filters as typed on the command line; empty means "any".
struct ListProjectsOptions {
  std::string county;
  std::string city;
  std::string industry;
  std::string status;           // ProjectStatus name, with or without prefix
  std::string renovation_type;  // RenovationType name, with or without prefix
  std::string enterprise;       // credit code
  std::string min_planned_wan;
  std::string max_planned_wan;
  int64_t limit = 50;  // stop after this many projects...
  bool all = false;    // ...unless all pages are wanted
};
int ListProjects(const GlobalOptions& options, const ListProjectsOptions& list);

int ShowHistory(const GlobalOptions& options, const std::string& project_code);

// An empty request_id gets a random one (printed, so a retry can reuse it).
int WithdrawProject(const GlobalOptions& options, const std::string& project_code,
                    const std::string& reason, std::string request_id);

// Database administration on options.db, without a server.
int AdminMigrate(const GlobalOptions& options);
int AdminCreatePrincipal(const GlobalOptions& options, const std::string& name,
                         const std::string& role, const std::string& scope);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_COMMANDS_H_
