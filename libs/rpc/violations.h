// Validation findings (techreno.v1.Violation) as every service builds them.
#ifndef TECHRENO_LIBS_RPC_VIOLATIONS_H_
#define TECHRENO_LIBS_RPC_VIOLATIONS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "libs/rpc/wire_problems.h"
#include "techreno/v1/common.pb.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx
namespace techreno::store {
class Pool;
}  // namespace techreno::store

namespace techreno::rpc {

using Violations = std::vector<v1::Violation>;

// The message is cut to kMaxViolationBytes (status.h).
void AddViolation(Violations& out, v1::Severity severity, std::string rule_id, std::string field,
                  std::string message);
bool HasFatal(const Violations& violations);

// For input that already failed the pure checks: adds what `lookup` finds in
// the store, so that every violation comes back at once. One attempt, read
// only; a store that cannot answer leaves `findings` as they were (the pure
// findings stand alone).
void AddStoreFindings(store::Pool& pool,
                      const std::function<void(pqxx::transaction_base&, Violations&)>& lookup,
                      Violations& findings);

// Keeps a record's findings small whatever the input: at most
// kMaxFieldViolations (status.h), then one "violations.truncated" finding
// counting the rest (fatal when any of the rest was).
void BoundViolations(google::protobuf::RepeatedPtrField<v1::Violation>& violations);

// One fatal finding per problem the wire reader found in a stream record
// (WireFindings), or "record.malformed" when nothing of it was readable.
void AddWireViolations(Violations& out, const WireProblems& problems);

// An amount as violation messages show it: "1234000 fen (1.23 万元)"; amounts
// under 0.01 万元 in yuan: "-5 fen (-0.05 元)".
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
