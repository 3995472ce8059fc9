// The regions a monitoring answer walks: a root within the caller's scope, then
// each city followed by its counties, by code (pre-order), each with the
// county-level units it covers.
#ifndef TECHRENO_SERVICES_MONITORING_SCOPE_TREE_H_
#define TECHRENO_SERVICES_MONITORING_SCOPE_TREE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/codes/codes.h"
#include "techreno/v1/monitoring.pb.h"

namespace techreno::monitoring {

struct ScopeNode {
  const codes::Region* region;
  v1::RegionTier tier;
  std::string parent;                 // "" for the root
  std::vector<std::string> counties;  // county-level units it covers
};

class RegionScope {
 public:
  const std::vector<ScopeNode>& nodes() const { return nodes_; }
  // Every county-level unit under the root.
  std::vector<std::string> Counties() const { return nodes_.front().counties; }

 private:
  friend absl::StatusOr<RegionScope> ScopeTree(const auth::Principal&, const std::string&,
                                               const std::string&);
  std::vector<ScopeNode> nodes_;
};

// The tree under `root_code` ("" = the caller's own scope root). INVALID_ARGUMENT
// on `field` for an unknown code, PERMISSION_DENIED outside the caller's scope.
absl::StatusOr<RegionScope> ScopeTree(const auth::Principal& caller, const std::string& root_code,
                                      const std::string& field);

v1::RegionTier TierOf(const codes::Region& region);

// The regions whose parent is `code`, by code.
std::vector<const codes::Region*> ChildrenOf(const std::string& code);

}  // namespace techreno::monitoring

#endif  // TECHRENO_SERVICES_MONITORING_SCOPE_TREE_H_
