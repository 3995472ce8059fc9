#include "services/monitoring/scope_tree.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/codes/text.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"

namespace techreno::monitoring {
namespace {

// Appends `region` and its subtree; returns the counties it covers.
std::vector<std::string> Walk(const codes::Region& region, const std::string& parent,
                              std::vector<ScopeNode>& out) {
  const size_t at = out.size();
  out.push_back({&region, TierOf(region), parent, {}});
  std::vector<std::string> counties;
  if (store::Reference().regions.IsCountyLevel(region.code)) counties.push_back(region.code);
  for (const codes::Region* child : ChildrenOf(region.code)) {
    for (std::string& c : Walk(*child, region.code, out)) counties.push_back(std::move(c));
  }
  out[at].counties = counties;
  return counties;
}

}  // namespace

std::vector<const codes::Region*> ChildrenOf(const std::string& code) {
  std::vector<const codes::Region*> out;
  for (const codes::Region& r : store::Reference().regions.All()) {
    if (r.parent_code == code) out.push_back(&r);
  }
  std::sort(out.begin(), out.end(),
            [](const codes::Region* a, const codes::Region* b) { return a->code < b->code; });
  return out;
}

v1::RegionTier TierOf(const codes::Region& r) {
  switch (r.tier) {
    case codes::RegionTier::kProvince:
      return v1::REGION_TIER_PROVINCE;
    case codes::RegionTier::kCity:
      return v1::REGION_TIER_CITY;
    case codes::RegionTier::kCounty:
      return v1::REGION_TIER_COUNTY;
  }
  return v1::REGION_TIER_UNSPECIFIED;
}

absl::StatusOr<RegionScope> ScopeTree(const auth::Principal& caller, const std::string& root_code,
                                      const std::string& field) {
  const auto& regions = store::Reference().regions;
  if (caller.role == auth::Role::kBank) {
    return absl::PermissionDeniedError("banks do not read monitoring figures");
  }
  std::string root = root_code;
  if (root.empty()) {
    root = caller.role == auth::Role::kCounty || caller.role == auth::Role::kCity
               ? caller.scope
               : regions.ProvinceCode();
  }
  const codes::Region* region = regions.Find(root);
  if (region == nullptr)
    return rpc::InvalidField(field, absl::StrCat("unknown region ", codes::Quote(root)));
  if (absl::Status s = auth::CheckRead(caller, root, regions); !s.ok()) return s;
  RegionScope scope;
  Walk(*region, "", scope.nodes_);
  return scope;
}

}  // namespace techreno::monitoring
