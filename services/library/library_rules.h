// The key-project library's rules that need no store: which region keeps a
// tier, who may nominate, decide, remove and read, and which state changes
// are legal (library.proto's diagrams). Pure functions, unit-tested in
// tests/unit/library_rules_test.cc.
#ifndef TECHRENO_SERVICES_LIBRARY_LIBRARY_RULES_H_
#define TECHRENO_SERVICES_LIBRARY_LIBRARY_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/codes/codes.h"
#include "libs/rpc/status.h"
#include "techreno/v1/library.pb.h"

namespace techreno::library {

// The region that keeps `tier` for a project of `county`: the county, its
// city, or the province.
std::string LibraryRegion(v1::LibraryTier tier, const std::string& county,
                          const codes::RegionTable& regions);

// "县级" / "市级" / "省级" 重点项目库, for messages.
const char* TierName(v1::LibraryTier tier);

// True when `p` owns the tier of a project of `county` (decides, removes,
// overrides): the county for its county tier, the city for its city tier,
// the province for every tier (it may act for any owner).
bool IsOwner(const auth::Principal& p, v1::LibraryTier tier, const std::string& county,
             const codes::RegionTable& regions);

// PERMISSION_DENIED unless `p` may nominate a project of `county` into
// `tier`: the owner, or the authority one tier below (county → city tier,
// city → province tier).
absl::Status CheckNominator(const auth::Principal& p, v1::LibraryTier tier,
                            const std::string& county, const codes::RegionTable& regions);

// PERMISSION_DENIED unless `p` owns the tier (see IsOwner); `what` names the
// act ("decide", "remove").
absl::Status CheckOwner(const auth::Principal& p, v1::LibraryTier tier, const std::string& county,
                        const codes::RegionTable& regions, const char* what);

// PERMISSION_DENIED unless `p` may read entries of projects of `county`
// (county, city and province by region; auditors everything; banks nothing).
absl::Status CheckReader(const auth::Principal& p, const std::string& county,
                         const codes::RegionTable& regions);

// Which projects a read covers: those of `county_code` or of `city_code`
// ("" = any). From the caller's scope and an optional `region` filter
// (INVALID_ARGUMENT on `field` when unknown, PERMISSION_DENIED outside the
// caller's scope or for banks).
struct RegionFilter {
  std::string county_code, city_code;
};
absl::StatusOr<RegionFilter> ReadScope(const auth::Principal& p, const std::string& region,
                                       const std::string& field, const codes::RegionTable& regions);

// The state changes (FAILED_PRECONDITION naming the state otherwise):
// Nominate from none, REJECTED or REMOVED (ALREADY_EXISTS from NOMINATED or
// ACCEPTED); Decide from NOMINATED; RemoveEntry from NOMINATED or ACCEPTED,
// NOMINATION_WITHDRAWN exactly for NOMINATED entries.
absl::Status CheckNominate(v1::EntryState current);
absl::Status CheckDecide(v1::EntryState current);
absl::Status CheckRemove(v1::EntryState current, v1::RemovalReason reason);

// Request checks shared by the handlers: a tier is COUNTY, CITY or PROVINCE;
// filters list known tiers and states (one violation on `field` each).
bool IsTier(int tier);
void CheckTierList(const google::protobuf::RepeatedField<int>& tiers, const std::string& field,
                   std::vector<rpc::FieldViolation>& bad);
void CheckStateList(const google::protobuf::RepeatedField<int>& states, const std::string& field,
                    std::vector<rpc::FieldViolation>& bad);

// A reason text of 1–1,000 characters without control characters; `field`
// names it in the violation. Empty text is allowed when `required` is false.
void CheckReasonText(const std::string& text, const std::string& field, bool required,
                     std::vector<rpc::FieldViolation>& bad);

}  // namespace techreno::library

#endif  // TECHRENO_SERVICES_LIBRARY_LIBRARY_RULES_H_
