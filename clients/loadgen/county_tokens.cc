#include "clients/loadgen/county_tokens.h"

#include <sys/stat.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/auth/principal.h"
#include "libs/auth/tokens.h"
#include "libs/store/pool.h"

namespace techreno::loadgen {
namespace {

absl::StatusOr<std::map<std::string, std::string>> ReadTokens(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  if (!in) return out;  // none yet
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    std::pair<std::string, std::string> kv = absl::StrSplit(text, absl::MaxSplits('=', 1));
    if (kv.first.size() != 6 || kv.second.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " line ", n, ": expected county_code=token"));
    }
    out[kv.first] = kv.second;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> CountyTokens(
    const std::string& path, const std::vector<std::string>& counties, const std::string& db) {
  absl::StatusOr<std::map<std::string, std::string>> tokens = ReadTokens(path);
  if (!tokens.ok()) return tokens.status();
  std::vector<std::string> missing;
  for (const std::string& c : counties) {
    if (tokens->count(c) == 0) missing.push_back(c);
  }
  if (missing.empty()) return tokens;
  if (db.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no token for county ", missing.front(), " in ", path,
                     ": give --db to create the counties' principals"));
  }
  store::Pool pool({db, 1});
  // A file edited by hand may lack its last line end: the new lines must not join it.
  bool needs_newline = false;
  if (std::ifstream in(path, std::ios::binary); in && in.seekg(0, std::ios::end).tellg() > 0) {
    char last = '\n';
    in.seekg(-1, std::ios::end).get(last);
    needs_newline = last != '\n';
  }
  const mode_t old = umask(077);
  std::ofstream out(path, std::ios::app);
  umask(old);
  if (!out) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path));
  if (needs_newline) out << "\n";
  const int64_t stamp = absl::ToUnixSeconds(absl::Now());
  for (const std::string& c : missing) {
    absl::StatusOr<std::string> token = auth::CreatePrincipal(
        pool, absl::StrCat("loadgen-", c, "-", stamp), auth::Role::kCounty, c);
    if (!token.ok()) return token.status();
    out << c << "=" << *token << "\n" << std::flush;
    (*tokens)[c] = *token;
  }
  if (!out) return absl::DataLossError(absl::StrCat("writing ", path, " failed"));
  return tokens;
}

}  // namespace techreno::loadgen
