// Each simulated county system has a token of its own, as real ones do. The
// tokens live in a file of "county_code=token" lines (mode 600); counties
// without one get a principal created in the database (a county principal
// "loadgen-<county>-<time>", scope the county), and their tokens are added to
// the file, so that a second run uses the same principals.
#ifndef TECHRENO_CLIENTS_LOADGEN_COUNTY_TOKENS_H_
#define TECHRENO_CLIENTS_LOADGEN_COUNTY_TOKENS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace techreno::loadgen {

// county code -> token, for every county of `counties`. `db` (a libpq
// connection string) is needed only when the file lacks some of them;
// FAILED_PRECONDITION names the first such county when it is empty.
absl::StatusOr<std::map<std::string, std::string>> CountyTokens(
    const std::string& path, const std::vector<std::string>& counties, const std::string& db);

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_COUNTY_TOKENS_H_
