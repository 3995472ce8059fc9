// Bearer tokens: random, shown once, stored only as SHA-256.
#ifndef TECHRENO_LIBS_AUTH_TOKENS_H_
#define TECHRENO_LIBS_AUTH_TOKENS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/principal.h"
#include "libs/store/pool.h"

namespace techreno::auth {

// "tr_" + 43 characters of URL-safe base64 (256 random bits from OpenSSL).
std::string NewToken();
// Lower-case hex SHA-256 of the token.
std::string TokenHash(absl::string_view token);

// Creates a principal and returns its token (the only time it is visible).
// INVALID_ARGUMENT for a bad name, role or scope; ALREADY_EXISTS for a taken name.
absl::StatusOr<std::string> CreatePrincipal(store::Pool& pool, absl::string_view name, Role role,
                                            absl::string_view scope);

// The enabled principal owning `token`; UNAUTHENTICATED if none.
absl::StatusOr<Principal> LookupToken(store::Pool& pool, absl::string_view token);

// Parses an "authorization" header value "Bearer <token>" and looks it up.
// A principal found is remembered for 5 seconds (per pool), so a token
// disabled in the database stops working within that time.
absl::StatusOr<Principal> Authenticate(store::Pool& pool, absl::string_view authorization);

}  // namespace techreno::auth

#endif  // TECHRENO_LIBS_AUTH_TOKENS_H_
