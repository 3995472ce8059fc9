// What the wire reader (wire_traits.h) found wrong in a client-stream record
// it could not parse as sent: the push loop answers such a record as rejected
// by position, with one violation per bad field, and reads on.
#ifndef TECHRENO_LIBS_RPC_WIRE_PROBLEMS_H_
#define TECHRENO_LIBS_RPC_WIRE_PROBLEMS_H_

#include <google/protobuf/message.h>

#include <string>
#include <utility>
#include <vector>

namespace techreno::rpc {

inline constexpr char kInvalidUtf8Message[] =
    "is not valid UTF-8: text fields must be UTF-8 (convert GB18030 or GBK text first)";

struct WireProblems {
  bool malformed = false;                       // nothing of the record was readable
  std::vector<std::string> invalid_utf8_paths;  // e.g. "project.name"
  int more_paths = 0;                           // beyond those listed
  // Fields beyond the size limits (wire_check.h): path and what is wrong.
  std::vector<std::pair<std::string, std::string>> oversized;
  bool empty() const { return !malformed && invalid_utf8_paths.empty() && oversized.empty(); }
};

// What `problems` stand for, one fatal finding a field: rule
// "request.field_too_large" per oversized field, "text.utf8" per field with
// invalid UTF-8 (then one counting those not listed). Not `malformed`, whose
// rule and message depend on what was read (a request or a stream record).
struct WireFinding {
  const char* rule_id;
  std::string field;
  std::string message;
};
std::vector<WireFinding> WireFindings(const WireProblems& problems);

// Removes and returns the problems the wire reader attached to `record`
// (none for a record that parsed as sent).
WireProblems TakeWireProblems(google::protobuf::Message& record);

}  // namespace techreno::rpc

#endif  // TECHRENO_LIBS_RPC_WIRE_PROBLEMS_H_
