#include "services/library/library_rules.h"

#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"
#include "libs/rpc/violations.h"

namespace techreno::library {
namespace {

using auth::Principal;
using auth::Role;

const char* StateName(v1::EntryState state) {
  switch (state) {
    case v1::ENTRY_STATE_NOMINATED:
      return "NOMINATED";
    case v1::ENTRY_STATE_ACCEPTED:
      return "ACCEPTED";
    case v1::ENTRY_STATE_REJECTED:
      return "REJECTED";
    case v1::ENTRY_STATE_REMOVED:
      return "REMOVED";
    default:
      return "absent";
  }
}

absl::Status Denied(const Principal& p, const std::string& what) {
  return absl::PermissionDeniedError(
      absl::StrCat(auth::RoleName(p.role), " principal '", p.name, "' may not ", what));
}

}  // namespace

std::string LibraryRegion(v1::LibraryTier tier, const std::string& county,
                          const codes::RegionTable& regions) {
  switch (tier) {
    case v1::LIBRARY_TIER_COUNTY:
      return county;
    case v1::LIBRARY_TIER_CITY:
      return regions.CityOf(county);
    default:
      return regions.ProvinceCode();
  }
}

const char* TierName(v1::LibraryTier tier) {
  switch (tier) {
    case v1::LIBRARY_TIER_COUNTY:
      return "县级重点项目库";
    case v1::LIBRARY_TIER_CITY:
      return "市级重点项目库";
    case v1::LIBRARY_TIER_PROVINCE:
      return "省级重点项目库";
    default:
      return "未知层级";
  }
}

bool IsOwner(const Principal& p, v1::LibraryTier tier, const std::string& county,
             const codes::RegionTable& regions) {
  switch (p.role) {
    case Role::kProvince:
      return true;
    case Role::kCounty:
      return tier == v1::LIBRARY_TIER_COUNTY && p.scope == county;
    case Role::kCity:
      return tier == v1::LIBRARY_TIER_CITY && p.scope == regions.CityOf(county);
    default:
      return false;
  }
}

absl::Status CheckNominator(const Principal& p, v1::LibraryTier tier, const std::string& county,
                            const codes::RegionTable& regions) {
  if (IsOwner(p, tier, county, regions)) return absl::OkStatus();
  // The authority one tier below nominates upward, for its own projects.
  const bool below =
      (p.role == Role::kCounty && tier == v1::LIBRARY_TIER_CITY && p.scope == county) ||
      (p.role == Role::kCity && tier == v1::LIBRARY_TIER_PROVINCE &&
       p.scope == regions.CityOf(county));
  if (below) return absl::OkStatus();
  return Denied(p, absl::StrCat("nominate a project of ", county, " into the ", TierName(tier),
                                ": the tier's owner or the authority one tier below nominates"));
}

absl::Status CheckOwner(const Principal& p, v1::LibraryTier tier, const std::string& county,
                        const codes::RegionTable& regions, const char* what) {
  if (IsOwner(p, tier, county, regions)) return absl::OkStatus();
  return Denied(p, absl::StrCat(what, " for the ", TierName(tier), " of ",
                                LibraryRegion(tier, county, regions), ": only its owner does"));
}

absl::Status CheckReader(const Principal& p, const std::string& county,
                         const codes::RegionTable& regions) {
  if (p.role == Role::kBank) return Denied(p, "read the key-project library");
  return auth::CheckRead(p, county, regions);
}

absl::StatusOr<RegionFilter> ReadScope(const Principal& p, const std::string& region,
                                       const std::string& field,
                                       const codes::RegionTable& regions) {
  if (p.role == Role::kBank) return Denied(p, "read the key-project library");
  std::string code = region;
  if (code.empty()) {
    if (p.role != Role::kCounty && p.role != Role::kCity) return RegionFilter{};
    code = p.scope;
  }
  const codes::Region* found = regions.Find(code);
  if (found == nullptr) {
    return rpc::InvalidField(field, absl::StrCat("unknown region code '", code, "'"));
  }
  if (absl::Status s = auth::CheckRead(p, code, regions); !s.ok()) return s;
  if (regions.IsCountyLevel(code)) return RegionFilter{code, ""};
  if (found->tier == codes::RegionTier::kCity) return RegionFilter{"", code};
  return RegionFilter{};
}

absl::Status CheckNominate(v1::EntryState current) {
  if (current == v1::ENTRY_STATE_NOMINATED || current == v1::ENTRY_STATE_ACCEPTED) {
    return absl::AlreadyExistsError(
        absl::StrCat("the entry is already ", StateName(current), " in this tier"));
  }
  return absl::OkStatus();
}

absl::Status CheckDecide(v1::EntryState current) {
  if (current == v1::ENTRY_STATE_NOMINATED) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("only a NOMINATED entry can be decided; this one is ", StateName(current)));
}

absl::Status CheckRemove(v1::EntryState current, v1::RemovalReason reason) {
  if (current != v1::ENTRY_STATE_NOMINATED && current != v1::ENTRY_STATE_ACCEPTED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "only a NOMINATED or ACCEPTED entry can be removed; this one is ", StateName(current)));
  }
  const bool withdrawal = reason == v1::REMOVAL_REASON_NOMINATION_WITHDRAWN;
  if (withdrawal != (current == v1::ENTRY_STATE_NOMINATED)) {
    return absl::FailedPreconditionError(
        withdrawal ? "NOMINATION_WITHDRAWN is only for a NOMINATED entry"
                   : "a NOMINATED entry is removed with reason_code NOMINATION_WITHDRAWN");
  }
  return absl::OkStatus();
}

bool IsTier(int tier) {
  return tier == v1::LIBRARY_TIER_COUNTY || tier == v1::LIBRARY_TIER_CITY ||
         tier == v1::LIBRARY_TIER_PROVINCE;
}

void CheckTierList(const google::protobuf::RepeatedField<int>& tiers, const std::string& field,
                   std::vector<rpc::FieldViolation>& bad) {
  for (int t : tiers) {
    if (!IsTier(t)) bad.push_back({field, absl::StrCat("unknown tier ", t)});
  }
}

void CheckStateList(const google::protobuf::RepeatedField<int>& states, const std::string& field,
                    std::vector<rpc::FieldViolation>& bad) {
  for (int s : states) {
    if (s == v1::ENTRY_STATE_UNSPECIFIED || !v1::EntryState_IsValid(s)) {
      bad.push_back({field, absl::StrCat("unknown state ", s)});
    }
  }
}

void CheckReasonText(const std::string& text, const std::string& field, bool required,
                     std::vector<rpc::FieldViolation>& bad) {
  const size_t length = rpc::Utf8Length(text);
  if ((required && length == 0) || length > 1000) {
    bad.push_back(
        {field, absl::StrCat(field, " must be 1-1000 characters", required ? "" : " when given")});
    return;
  }
  rpc::Violations control;
  rpc::CheckNoControlCharacters(control, text, field);
  if (!control.empty()) bad.push_back({field, control[0].message()});
}

}  // namespace techreno::library
