// What `techreno --help` says, and the flag check that keeps usage errors at
// exit code 2 (absl::ParseCommandLine would exit 1 on an unknown flag or a
// malformed value, which scripts would read as "the server said no").
#ifndef TECHRENO_CLIENTS_CLI_USAGE_H_
#define TECHRENO_CLIENTS_CLI_USAGE_H_

#include "absl/status/status.h"

namespace techreno::cli {

// The full help text: commands, flags, input conventions, exit codes, examples.
extern const char kUsage[];

// Checks every flag on the command line against the registered flags and
// parses its value, without exiting. INVALID_ARGUMENT names the first bad one.
absl::Status CheckFlags(int argc, char** argv);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_USAGE_H_
