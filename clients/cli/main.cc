// techreno: the command-line client. The command line is CLI11's: the
// commands are declared service by service (cli_*.cc, cli_app.h); this file
// declares the global settings, resolves them — a flag, else the environment,
// else the config file, else the default — and runs the one command named.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli_app.h"
#include "clients/cli/options.h"
#include "clients/cli/table_output.h"
#include "libs/rpc/client_channel.h"

namespace techreno::cli {
namespace {

// A global setting: its flag, environment variable and config-file key.
struct Setting {
  const char* flag;  // "--server"
  const char* env;   // "TECHRENO_SERVER"
  const char* key;   // "server"
  const char* help;
  std::string value;  // as the flag gave it
};

constexpr char kRootFooter[] =
    R"(Global settings come from a flag, else the environment variable named in
its help, else the config file (--config, default ~/.config/techreno/config:
"key = value" lines, keys server, token, db, format, tls_ca, tls_cert, tls_key),
else the default. Every command has --help with its flags and an example.

Exit status: 0 ok (bank watch: also when stopped with Ctrl-C); 1 server error or
rejected records (bank watch: the server went away); 2 usage error.

Examples:
  export TECHRENO_DB="host=127.0.0.1 port=5432 dbname=techreno"
  techreno admin migrate
  export TECHRENO_TOKEN=$(techreno admin create-principal --name=liwan --role=county --scope=440103)
  techreno push enterprises deploy/local/demo/enterprises.csv
  techreno list projects --county=440103 --status=PLANNED --min_planned_wan=1000
  techreno aggregates --from=2025-01 --to=2025-10 --group_by=region --tier=city
  techreno bank stats --group_by=bank,city --from=2025-01 --to=2025-12
  techreno --server=techreno.gd.gov.cn:443 --tls_ca=ca.pem list projects)";

std::string DefaultConfigPath() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    return absl::StrCat(xdg, "/techreno/config");
  }
  const char* home = std::getenv("HOME");
  return absl::StrCat(home != nullptr ? home : ".", "/.config/techreno/config");
}

// The config file's settings by key; an absent default file is empty.
absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ReadConfig(
    const std::string& path, bool named, const std::vector<Setting>& settings) {
  absl::flat_hash_map<std::string, std::string> out;
  if (!named && !std::ifstream(path).good()) return out;
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    return absl::InvalidArgumentError(absl::StrCat("config file ", path, ": ", e.what()));
  }
  std::vector<std::string> keys;
  for (const Setting& s : settings) keys.push_back(s.key);
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (std::find(keys.begin(), keys.end(), item.name) == keys.end()) {
      return absl::InvalidArgumentError(absl::StrCat("config file ", path, ": unknown key '",
                                                     item.fullname(),
                                                     "' (known: ", absl::StrJoin(keys, ", "), ")"));
    }
    out[item.name] = absl::StrJoin(item.inputs, ",");
  }
  return out;
}

// Flag, environment, config file, default — in that order.
absl::StatusOr<GlobalOptions> Resolve(const CLI::App& app, const std::vector<Setting>& settings,
                                      const std::string& config, bool config_named) {
  auto file = ReadConfig(config, config_named, settings);
  if (!file.ok()) return file.status();
  absl::flat_hash_map<std::string, std::string> v;
  for (const Setting& s : settings) {
    const char* env = std::getenv(s.env);
    if (app.count(s.flag) > 0) {
      v[s.key] = s.value;
    } else if (env != nullptr && *env != '\0') {
      v[s.key] = env;
    } else if (auto it = file->find(s.key); it != file->end()) {
      v[s.key] = it->second;
    }
  }
  GlobalOptions o;
  o.server = v.contains("server") ? v["server"] : "127.0.0.1:50051";
  o.token = v["token"];
  o.db = v["db"];
  const std::string format = v.contains("format") ? v["format"] : "table";
  if (format == "json") {
    o.format = OutputFormat::kJson;
  } else if (format == "csv") {
    o.format = OutputFormat::kCsv;
  } else if (format == "xlsx") {
    o.format = OutputFormat::kXlsx;
  } else if (format != "table") {
    return absl::InvalidArgumentError(
        absl::StrCat("format ", format, ": expected table, json, csv or xlsx"));
  }
  absl::StatusOr<rpc::ClientTls> tls = rpc::ReadClientTls(v["tls_ca"], v["tls_cert"], v["tls_key"]);
  if (!tls.ok()) return tls.status();
  o.tls = *std::move(tls);
  return o;
}

// Runs `action` with its tables going where --format says: for csv and xlsx
// the tables are the data (stdout or --output), and whatever else the command
// prints goes to stderr.
int RunWithTables(const Action& action, GlobalOptions options, const std::string& output) {
  const bool xlsx = options.format == OutputFormat::kXlsx;
  if (options.format != OutputFormat::kCsv && !xlsx) return action(options);
  std::unique_ptr<TableOutput> tables;
  std::ofstream file;
  std::ostream real_stdout(std::cout.rdbuf());
  if (xlsx) {
    if (output.empty()) {
      std::cerr << "error: --format=xlsx writes a file: give --output=FILE.xlsx\n";
      return kExitUsage;
    }
    auto xlsx = NewXlsxOutput(output);
    if (!xlsx.ok()) {
      std::cerr << "error: " << xlsx.status().message() << "\n";
      return kExitUsage;
    }
    tables = *std::move(xlsx);
  } else {
    if (!output.empty()) {
      file.open(output, std::ios::binary);
      if (!file) {
        std::cerr << "error: cannot write " << output << "\n";
        return kExitUsage;
      }
    }
    tables = NewCsvOutput(output.empty() ? real_stdout : file, CsvOutputEncoding(options));
  }
  options.tables = tables.get();
  std::streambuf* terminal = std::cout.rdbuf(std::cerr.rdbuf());
  int code = action(options);
  std::cout.rdbuf(terminal);
  if (absl::Status closed = tables->Close(); !closed.ok()) {
    std::cerr << "error: " << closed.message() << "\n";
    return kExitFailure;
  }
  if (!output.empty()) std::cerr << "wrote " << output << "\n";
  return code;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // `techreno help [COMMAND...]` is `techreno [COMMAND...] --help`.
  if (!args.empty() && args[0] == "help") {
    args.erase(args.begin());
    args.push_back("--help");
  }
  CLI::App app(
      "techreno: command-line client of techreno — the project registry, investment "
      "monitoring, the key-project library and BankLink (recommending projects to partner "
      "banks)",
      "techreno");
  app.fallthrough();  // global flags anywhere on the line, before or after the command
  app.require_subcommand(0, 1);
  app.footer(kRootFooter);
  std::vector<Setting> settings = {
      {"--server", "TECHRENO_SERVER", "server",
       "host:port of techreno-server ($TECHRENO_SERVER; "
       "default 127.0.0.1:50051)",
       ""},
      {"--token", "TECHRENO_TOKEN", "token", "bearer token ($TECHRENO_TOKEN)", ""},
      {"--db", "TECHRENO_DB", "db", "libpq connection string, admin commands ($TECHRENO_DB)", ""},
      {"--format", "TECHRENO_FORMAT", "format",
       "output: table (aligned, Chinese names, 万元) or json (the server's messages in protobuf "
       "JSON, one a line; findings and summaries to stderr) ($TECHRENO_FORMAT)",
       ""},
      {"--tls_ca", "TECHRENO_TLS_CA", "tls_ca",
       "PEM CA bundle: connect with TLS and check the server against it ($TECHRENO_TLS_CA)", ""},
      {"--tls_cert", "TECHRENO_TLS_CERT", "tls_cert",
       "PEM client certificate, for servers that require one (mTLS) ($TECHRENO_TLS_CERT)", ""},
      {"--tls_key", "TECHRENO_TLS_KEY", "tls_key",
       "PEM private key of --tls_cert ($TECHRENO_TLS_KEY)", ""},
  };
  for (Setting& s : settings) app.add_option(s.flag, s.value, s.help);
  std::string encoding, output;
  app.add_option("--encoding", encoding,
                 "CSV files: utf-8 or gb18030. Input: default detected (a file that is not "
                 "UTF-8 is read as GB18030); --format=csv output: default utf-8 with BOM")
      ->check(Choice({"utf-8", "gb18030"}, "", {{"utf8", "utf-8"}, {"gbk", "gb18030"}}));
  app.add_option("--output", output,
                 "--format=csv: write to this file (default stdout); --format=xlsx: the .xlsx "
                 "file to write");
  std::string config = DefaultConfigPath();
  app.add_option("--config", config, "config file of global settings ($TECHRENO_CONFIG)")
      ->envname("TECHRENO_CONFIG")
      ->capture_default_str();

  CommandTable table;
  AddRegistryCommands(app, table);
  AddMonitoringCommands(app, table);
  AddLibraryCommands(app, table);
  AddBankCommands(app, table);
  AddAdminCommands(app, table);

  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  const CLI::App* command = nullptr;
  const Action* action = table.Find(app, &command);
  if (action == nullptr) {
    std::cerr << command->help();
    return kExitUsage;
  }
  auto options = Resolve(app, settings, config,
                         app.count("--config") > 0 || std::getenv("TECHRENO_CONFIG") != nullptr);
  if (!options.ok()) {
    std::cerr << "error: " << options.status().message() << "\n";
    return kExitUsage;
  }
  // As CLI11's check read it: any case, utf8, and gbk (a subset of gb18030).
  encoding = absl::AsciiStrToLower(encoding);
  if (encoding == "utf8") encoding = "utf-8";
  if (encoding == "gbk") encoding = "gb18030";
  options->encoding = encoding;
  return RunWithTables(*action, *options, output);
}

}  // namespace
}  // namespace techreno::cli

int main(int argc, char** argv) { return techreno::cli::Main(argc, argv); }
