// Settings every command receives, already resolved from flags, the
// environment and the config file (main.cc), and the process exit codes
// scripts rely on.
#ifndef TECHRENO_CLIENTS_CLI_OPTIONS_H_
#define TECHRENO_CLIENTS_CLI_OPTIONS_H_

#include <string>

#include "libs/rpc/client_channel.h"

namespace techreno::cli {

class TableOutput;  // table_output.h

// Exit codes: scripts distinguish "the server said no" from "you typed it wrong".
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // RPC error, rejected records, database error
inline constexpr int kExitUsage = 2;    // bad flags, arguments or input file

// kCsv and kXlsx print what kTable prints, the tables to a TableOutput.
enum class OutputFormat { kTable, kJson, kCsv, kXlsx };

struct GlobalOptions {
  std::string server;  // host:port of techreno-server
  std::string token;   // bearer token; empty sends no authorization header
  std::string db;      // libpq connection string, admin commands only
  OutputFormat format = OutputFormat::kTable;
  // --encoding: "" (input files: detected; CSV output: UTF-8), "utf-8" or "gb18030".
  std::string encoding;
  // TLS (PEM contents, read from the files named): with a CA the channel is
  // TLS and checks the server against it; with a certificate and key too, the
  // client presents them (mutual TLS). All empty: plain TCP.
  rpc::ClientTls tls;
  // --format=csv or xlsx: where tables go (table_output.h; owned by main.cc).
  // Null: aligned text on stdout.
  TableOutput* tables = nullptr;
};

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_OPTIONS_H_
