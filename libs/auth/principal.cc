#include "libs/auth/principal.h"

#include "absl/strings/str_cat.h"
#include "libs/codes/text.h"

namespace techreno::auth {

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  if (name == "county") return Role::kCounty;
  if (name == "city") return Role::kCity;
  if (name == "province") return Role::kProvince;
  if (name == "bank") return Role::kBank;
  if (name == "auditor") return Role::kAuditor;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown role '", name, "': expected county, city, province, bank or auditor"));
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kCounty:
      return "county";
    case Role::kCity:
      return "city";
    case Role::kProvince:
      return "province";
    case Role::kBank:
      return "bank";
    case Role::kAuditor:
      return "auditor";
  }
  return "unknown";
}

absl::Status ValidateScope(Role role, absl::string_view scope, const codes::RegionTable& regions) {
  const codes::Region* region = regions.Find(scope);
  switch (role) {
    case Role::kCounty:
      if (!regions.IsCountyLevel(scope)) {
        return absl::InvalidArgumentError(
            absl::StrCat("scope ", codes::Quote(scope), " is not a county-level region code"));
      }
      return absl::OkStatus();
    case Role::kCity:
      if (region == nullptr || region->tier != codes::RegionTier::kCity) {
        return absl::InvalidArgumentError(
            absl::StrCat("scope ", codes::Quote(scope), " is not a city code"));
      }
      return absl::OkStatus();
    case Role::kProvince:
      if (scope != regions.ProvinceCode()) {
        return absl::InvalidArgumentError(
            absl::StrCat("scope of a province principal must be ", regions.ProvinceCode()));
      }
      return absl::OkStatus();
    case Role::kAuditor:
      if (scope != "*") return absl::InvalidArgumentError("scope of an auditor must be '*'");
      return absl::OkStatus();
    case Role::kBank:
      if (scope.empty() || scope.size() > 64) {
        return absl::InvalidArgumentError("scope of a bank is its bank id, 1-64 characters");
      }
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError("unknown role");
}

bool MayRead(const Principal& p, absl::string_view region, const codes::RegionTable& regions) {
  switch (p.role) {
    case Role::kProvince:
    case Role::kAuditor:
      return true;
    case Role::kCity:
    case Role::kCounty:
      return regions.Contains(p.scope, region);
    case Role::kBank:
      return false;
  }
  return false;
}

bool MayWrite(const Principal& p, absl::string_view region, const codes::RegionTable& regions) {
  switch (p.role) {
    case Role::kProvince:
      return true;
    case Role::kCity:
    case Role::kCounty:
      return regions.Contains(p.scope, region);
    case Role::kAuditor:
    case Role::kBank:
      return false;
  }
  return false;
}

absl::Status CheckRead(const Principal& p, absl::string_view region,
                       const codes::RegionTable& regions) {
  if (MayRead(p, region, regions)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(RoleName(p.role), " principal '", p.name,
                                                  "' (scope ", p.scope, ") may not read region ",
                                                  regions.Label(region)));
}

absl::Status CheckWrite(const Principal& p, absl::string_view region,
                        const codes::RegionTable& regions) {
  if (MayWrite(p, region, regions)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(RoleName(p.role), " principal '", p.name,
                                                  "' (scope ", p.scope, ") may not write region ",
                                                  regions.Label(region)));
}

}  // namespace techreno::auth
