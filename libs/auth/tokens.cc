#include "libs/auth/tokens.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"

namespace techreno::auth {

std::string NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();  // no entropy: never guess
  return absl::StrCat("tr_", absl::WebSafeBase64Escape(absl::string_view(
                                 reinterpret_cast<const char*>(bytes), sizeof bytes)));
}

std::string TokenHash(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

absl::StatusOr<std::string> CreatePrincipal(store::Pool& pool, absl::string_view name, Role role,
                                            absl::string_view scope) {
  if (name.empty() || name.size() > 100) {
    return absl::InvalidArgumentError("principal name must be 1-100 characters");
  }
  if (absl::Status s = ValidateScope(role, scope, store::Reference().regions); !s.ok()) return s;
  std::string token = NewToken();
  absl::Status status = store::RunInTransaction(pool, [&](pqxx::transaction_base& tx) {
    auto existing = tx.exec_params("SELECT 1 FROM principals WHERE name = $1", std::string(name));
    if (!existing.empty()) {
      return absl::AlreadyExistsError(absl::StrCat("a principal named '", name, "' exists"));
    }
    if (role == Role::kBank &&
        tx.exec_params("SELECT 1 FROM banklink_banks WHERE bank_id = $1", std::string(scope))
            .empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("scope '", scope, "' is not a bank of the partner-bank directory "
                       "(banklink_banks, docs/API.md \"BankLink\")"));
    }
    pqxx::result row = tx.exec_params(
        "INSERT INTO principals (name, role, scope, token_sha256) "
        "VALUES ($1, $2, $3, decode($4, 'hex')) RETURNING id",
        std::string(name), RoleName(role), std::string(scope), TokenHash(token));
    tx.exec_params(
        "INSERT INTO audit_log (principal_id, principal_name, action, entity, entity_key, after) "
        "VALUES (NULL, 'admin', 'create', 'principal', $1, "
        "json_build_object('name', $1::text, 'role', $2::text, 'scope', $3::text))",
        std::string(name), RoleName(role), std::string(scope));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return token;
}

absl::StatusOr<Principal> LookupToken(store::Pool& pool, absl::string_view token) {
  Principal principal;
  bool found = false;
  absl::Status status = store::RunAutocommit(pool, [&](pqxx::transaction_base& tx) {
    pqxx::result r = store::Exec(tx, "auth_lookup_token",
                                 "SELECT id, name, role, scope FROM principals "
                                 "WHERE token_sha256 = decode($1, 'hex') AND disabled_at IS NULL",
                                 TokenHash(token));
    if (r.empty()) return absl::OkStatus();
    auto role = ParseRole(r[0][2].c_str());
    if (!role.ok()) return role.status();
    principal = Principal{r[0][0].as<int64_t>(), r[0][1].c_str(), *role, r[0][3].c_str()};
    found = true;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found) return absl::UnauthenticatedError("unknown or disabled token");
  return principal;
}

namespace {

// Principals by token for a few seconds: every call authenticates, and the
// lookup was a round trip to the store on each. A token disabled in the
// database stops working within kPrincipalCacheTtl. Keyed by the pool too, so
// that two databases in one process never share an entry.
constexpr absl::Duration kPrincipalCacheTtl = absl::Seconds(5);
constexpr size_t kPrincipalCacheMax = 10'000;

class PrincipalCache {
 public:
  std::optional<Principal> Find(const store::Pool& pool, const std::string& hash) {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(Key{&pool, hash});
    if (it == entries_.end()) return std::nullopt;
    if (absl::Now() > it->second.expires) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.principal;
  }
  void Put(const store::Pool& pool, const std::string& hash, const Principal& principal) {
    absl::MutexLock lock(&mu_);
    if (entries_.size() >= kPrincipalCacheMax) entries_.clear();  // bounded, simply
    entries_[Key{&pool, hash}] = {principal, absl::Now() + kPrincipalCacheTtl};
  }

 private:
  struct Entry {
    Principal principal;
    absl::Time expires;
  };
  using Key = std::pair<const store::Pool*, std::string>;
  absl::Mutex mu_;
  absl::flat_hash_map<Key, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

PrincipalCache& Cache() {
  static auto* cache = new PrincipalCache();
  return *cache;
}

}  // namespace

absl::StatusOr<Principal> Authenticate(store::Pool& pool, absl::string_view authorization) {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "missing 'authorization: Bearer <token>' metadata; ask your administrator for a token");
  }
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  token = absl::StripAsciiWhitespace(token);
  if (token.empty()) return absl::UnauthenticatedError("empty bearer token");
  const std::string hash = TokenHash(token);
  if (std::optional<Principal> cached = Cache().Find(pool, hash)) return *std::move(cached);
  absl::StatusOr<Principal> found = LookupToken(pool, token);
  if (found.ok()) Cache().Put(pool, hash, *found);
  return found;
}

}  // namespace techreno::auth
