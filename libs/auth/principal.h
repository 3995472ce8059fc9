// Principals (who calls), their scope, and the one place that answers
// "may this principal read / write region R".
//
//  role      scope              reads                      writes
//  county    its county code    its county                 its county
//  city      its city code      the city and its counties  the city and its counties
//  province  440000             everything                 everything
//  auditor   "*"                everything                 nothing
//  bank      its bank id        no region data             nothing (bank endpoints only)
//
// Services may narrow writes further (the registry takes project writes from
// county and province principals only).
#ifndef TECHRENO_LIBS_AUTH_PRINCIPAL_H_
#define TECHRENO_LIBS_AUTH_PRINCIPAL_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/codes/codes.h"

namespace techreno::auth {

enum class Role { kCounty, kCity, kProvince, kBank, kAuditor };

absl::StatusOr<Role> ParseRole(absl::string_view name);  // "county", "city", ...
const char* RoleName(Role role);

struct Principal {
  int64_t id = 0;
  std::string name;
  Role role = Role::kAuditor;
  std::string scope;  // region code, bank id, or "*" for auditors
};

// Checks that `scope` suits `role` (a county code for county, ...).
absl::Status ValidateScope(Role role, absl::string_view scope, const codes::RegionTable& regions);

bool MayRead(const Principal& p, absl::string_view region, const codes::RegionTable& regions);
bool MayWrite(const Principal& p, absl::string_view region, const codes::RegionTable& regions);

// PERMISSION_DENIED naming the principal and the region, or OK.
absl::Status CheckRead(const Principal& p, absl::string_view region,
                       const codes::RegionTable& regions);
absl::Status CheckWrite(const Principal& p, absl::string_view region,
                        const codes::RegionTable& regions);

}  // namespace techreno::auth

#endif  // TECHRENO_LIBS_AUTH_PRINCIPAL_H_
