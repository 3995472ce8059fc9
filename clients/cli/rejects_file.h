// The rejects file of a push: the input's rejected records, its own columns
// and a "_问题 reasons" column last, in the input's encoding (GB18030 stays
// GB18030, UTF-8 gets a BOM for Excel), ready to fix and push again — readers
// skip columns whose name starts with '_'. For JSON lines, the rejected lines
// themselves (their reasons are in the findings printed).
#ifndef TECHRENO_CLIENTS_CLI_REJECTS_FILE_H_
#define TECHRENO_CLIENTS_CLI_REJECTS_FILE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli/record_reader.h"

namespace techreno::cli {

// Why each rejected record was rejected, by its file line.
using Rejections = std::map<int64_t, std::vector<std::string>>;

// Notes a record the reader could not parse: "column: message".
void NoteRejected(const RowError& error, Rejections& rejected);

// "dir/projects.csv" -> "dir/projects.rejects.csv" (the input's extension kept).
std::string DefaultRejectsPath(const std::string& input_path);

// Reads the input again (input.records_path) and writes its rejected records.
absl::Status WriteRejects(const Input& input, const Rejections& rejected, const std::string& path);

// After a push: when records were rejected and the input is a file, writes
// the rejects file (`path`, or the default when empty) and says so on stderr.
void ReportRejects(const Input& input, const std::string& input_path, const Rejections& rejected,
                   const std::string& path);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_REJECTS_FILE_H_
