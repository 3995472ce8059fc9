// Validation findings (techreno.v1.Violation) as every service builds them.
#ifndef TECHRENO_LIBS_RPC_VIOLATIONS_H_
#define TECHRENO_LIBS_RPC_VIOLATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "techreno/v1/common.pb.h"

namespace techreno::rpc {

using Violations = std::vector<v1::Violation>;

void AddViolation(Violations& out, v1::Severity severity, std::string rule_id, std::string field,
                  std::string message);
bool HasFatal(const Violations& violations);

// An amount as violation messages show it: "123400 fen (0.12 万元)".
std::string FormatFen(int64_t fen);

// Number of Unicode code points in UTF-8 text: text limits count characters.
size_t Utf8Length(const std::string& text);

// Adds a fatal "text.control_characters" finding on `field` when `text` holds
// an ASCII control character other than tab, line feed and carriage return:
// PostgreSQL text cannot hold NUL, and the others garble exports and terminals.
void CheckNoControlCharacters(Violations& out, const std::string& text, const std::string& field);

// A rejection as a status: `code`, the first fatal finding as message, and a
// BadRequest listing every fatal finding ("[rule_id] message" per field).
absl::Status RejectionStatus(absl::StatusCode code, const Violations& violations);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_VIOLATIONS_H_
