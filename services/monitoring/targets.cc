// SetTarget and ListTargets: annual targets per region or region group, and
// the tree that shows how far each target has been split down.
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/codes/text.h"
#include "libs/rpc/call.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/audit.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/monitoring/monitoring_service.h"
#include "services/monitoring/monitoring_store.h"
#include "services/monitoring/scope_tree.h"

namespace techreno::monitoring {
namespace {

constexpr int64_t kMaxTargetValue = 100'000'000'000'000'000;  // 10^17

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

// Fills the output-only names of a target.
void Decorate(v1::Target& t) {
  const auto& ref = store::Reference();
  if (const auto* region = ref.regions.Find(t.region_code())) {
    t.mutable_region()->set_code(region->code);
    t.mutable_region()->set_name(region->name);
    t.set_tier(TierOf(*region));
  } else if (const auto* group = ref.region_groups.Find(t.region_group_id())) {
    t.mutable_region_group()->set_id(group->id);
    t.mutable_region_group()->set_name(group->name);
  }
}

// Every finding of a SetTarget request, and who may set it: the province any
// target, a city the targets of its own counties.
rpc::Violations ValidateTarget(const v1::SetTargetRequest& request, const auth::Principal& caller,
                               absl::StatusCode* code) {
  rpc::Violations out;
  *code = absl::StatusCode::kInvalidArgument;
  const v1::Target& t = request.target();
  const auto& ref = store::Reference();
  auto fatal = [&out](const char* rule, const char* field, std::string message) {
    rpc::AddViolation(out, v1::SEVERITY_FATAL, rule, field, std::move(message));
  };
  if (absl::Status s = rpc::ValidateRequestId(request.request_id(), "request_id"); !s.ok()) {
    fatal("request_id.invalid", "request_id", std::string(s.message()));
  }
  if (t.year() < 2000 || t.year() > 2099) {
    fatal("target.year.range", "target.year",
          absl::StrCat("year must be 2000-2099; got ", t.year()));
  }
  if (t.metric() == v1::TARGET_METRIC_UNSPECIFIED || !v1::TargetMetric_IsValid(t.metric())) {
    fatal("target.metric.required", "target.metric", "a target metric is required");
  }
  if (t.value() < 0 || t.value() > kMaxTargetValue) {
    fatal("target.value.range", "target.value",
          absl::StrCat("must be between 0 and 10^17; got ", t.value()));
  }
  if (rpc::Utf8Length(t.note()) > 500) {
    fatal("text.length", "target.note", "must be at most 500 characters");
  }
  rpc::CheckNoControlCharacters(out, t.note(), "target.note");
  const bool by_region = !t.region_code().empty(), by_group = !t.region_group_id().empty();
  if (by_region == by_group) {
    fatal("target.subject", "target.region_code",
          "set exactly one of region_code and region_group_id");
  } else if (by_region && ref.regions.Find(t.region_code()) == nullptr) {
    fatal("region.code.unknown", "target.region_code",
          absl::StrCat(codes::Quote(t.region_code()), " is not a GB/T 2260 code of Guangdong"));
  } else if (by_group && ref.region_groups.Find(t.region_group_id()) == nullptr) {
    *code = absl::StatusCode::kNotFound;
    fatal("target.region_group.unknown", "target.region_group_id",
          absl::StrCat("no region group ", codes::Quote(t.region_group_id())));
  }
  if (rpc::HasFatal(out)) return out;
  const bool allowed =
      caller.role == auth::Role::kProvince ||
      (caller.role == auth::Role::kCity && by_region && t.region_code() != caller.scope &&
       ref.regions.Contains(caller.scope, t.region_code()));
  if (!allowed) {
    *code = absl::StatusCode::kPermissionDenied;
    fatal("target.scope", by_region ? "target.region_code" : "target.region_group_id",
          absl::StrCat("'", caller.name,
                       "' may not set this target: the province sets targets for itself, its "
                       "cities and region groups; a city splits its own target to its counties"));
  }
  return out;
}

// Warns when a region's target and its children's, or its siblings' and its
// parent's, no longer add up: the split-down the plan asks for is incomplete
// or overcommitted. Both are allowed (targets are set top-down over weeks).
void AddSplitWarnings(pqxx::transaction_base& tx, const v1::Target& t,
                      v1::SetTargetResponse* response) {
  const auto& regions = store::Reference().regions;
  rpc::Violations warnings;
  absl::flat_hash_map<std::string, int64_t> by_region;
  for (const v1::Target& other : TargetsOf(tx, t.year(), t.metric())) {
    if (!other.region_code().empty()) by_region[other.region_code()] = other.value();
  }
  auto children_sum = [&](const std::string& code) {
    int64_t sum = 0;
    for (const codes::Region* child : ChildrenOf(code)) {
      auto it = by_region.find(child->code);
      if (it != by_region.end()) sum += it->second;
    }
    return sum;
  };
  const auto children = ChildrenOf(t.region_code());
  if (!children.empty() && children_sum(t.region_code()) < t.value()) {
    rpc::AddViolation(warnings, v1::SEVERITY_WARNING, "target.children.short", "target.value",
                      absl::StrCat("the targets of ", regions.Label(t.region_code()),
                                   "'s subdivisions add up to ", children_sum(t.region_code()),
                                   ", less than ", t.value()));
  }
  const codes::Region* region = regions.Find(t.region_code());
  if (region != nullptr && !region->parent_code.empty()) {
    auto parent = by_region.find(region->parent_code);
    const int64_t siblings = children_sum(region->parent_code);
    if (parent != by_region.end() && siblings > parent->second) {
      rpc::AddViolation(
          warnings, v1::SEVERITY_WARNING, "target.children.exceed_parent", "target.value",
          absl::StrCat("with this one, the targets under ", regions.Label(region->parent_code),
                       " add up to ", siblings, ", more than its own ", parent->second));
    }
  }
  for (auto& w : warnings) *response->add_warnings() = std::move(w);
}

}  // namespace

grpc::Status MonitoringService::SetTarget(grpc::ServerContext* context,
                                          const v1::SetTargetRequest* request,
                                          v1::SetTargetResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  absl::StatusCode code;
  rpc::Violations findings = ValidateTarget(*request, *caller, &code);
  if (rpc::HasFatal(findings)) return Fail(rpc::RejectionStatus(code, findings));
  const v1::Target& in = request->target();
  const std::string kind = in.region_code().empty() ? "group" : "region";
  const std::string subject = in.region_code().empty() ? in.region_group_id() : in.region_code();
  rpc::IdempotencyKey key{caller->id, "SetTarget", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  return Fail(rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    auto stored = LoadTarget(tx, in.year(), kind, subject, in.metric(), /*for_update=*/true);
    const int64_t version = stored.has_value() ? stored->version() : 0;
    if (stored.has_value() && stored->value() == in.value() && stored->note() == in.note()) {
      *response->mutable_target() = *stored;
      Decorate(*response->mutable_target());
      response->set_outcome(v1::OUTCOME_UNCHANGED);
      return absl::OkStatus();
    }
    if (absl::Status s =
            rpc::CheckExpectedVersion(request->expected_version(), version, "the target");
        !s.ok()) {
      return s;
    }
    v1::Target t;
    t.set_year(in.year());
    t.set_region_code(in.region_code());
    t.set_region_group_id(in.region_group_id());
    t.set_metric(in.metric());
    t.set_value(in.value());
    t.set_note(in.note());
    t.set_version(version + 1);
    t.set_set_by(caller->name);
    SaveTarget(tx, t, kind, subject, /*insert=*/!stored.has_value());
    v1::Target after = *LoadTarget(tx, in.year(), kind, subject, in.metric(), false);
    store::WriteAudit(
        tx,
        {caller->id, caller->name, stored.has_value() ? "update" : "create", "target",
         absl::StrCat(in.year(), "/", kind, ":", subject, "/", in.metric()), "", after.version(),
         request->request_id(), stored.has_value() ? &*stored : nullptr, &after});
    *response->mutable_target() = std::move(after);
    Decorate(*response->mutable_target());
    response->set_outcome(v1::OUTCOME_ACCEPTED);
    if (kind == "region") AddSplitWarnings(tx, t, response);
    return absl::OkStatus();
  }));
}

namespace {

// Builds the flattened, pre-ordered target tree of one metric.
class TargetTree {
 public:
  TargetTree(const std::vector<v1::Target>& targets, v1::TargetMetric metric, int max_depth)
      : metric_(metric), max_depth_(max_depth) {
    for (const v1::Target& t : targets) {
      (t.region_code().empty()
           ? by_group_
           : by_region_)[t.region_code().empty() ? t.region_group_id() : t.region_code()] = t;
    }
  }

  void AddRegion(const codes::Region& region, int depth, const std::string& parent_region,
                 const std::string& parent_group, std::vector<v1::TargetNode>& out) {
    const auto children = ChildrenOf(region.code);
    v1::TargetNode& node = out.emplace_back();
    node.mutable_region()->set_code(region.code);
    node.mutable_region()->set_name(region.name);
    node.set_tier(TierOf(region));
    node.set_parent_region_code(parent_region);
    node.set_parent_group_id(parent_group);
    Fill(node, depth, Find(by_region_, region.code), children);
    if (max_depth_ != 0 && depth >= max_depth_) return;
    for (const codes::Region* child : children) AddRegion(*child, depth + 1, region.code, "", out);
  }

  void AddGroup(const codes::RegionGroup& group, std::vector<v1::TargetNode>& out) {
    const auto& regions = store::Reference().regions;
    std::vector<const codes::Region*> members;
    for (const std::string& code : group.members) members.push_back(regions.Find(code));
    v1::TargetNode& node = out.emplace_back();
    node.mutable_region_group()->set_id(group.id);
    node.mutable_region_group()->set_name(group.name);
    Fill(node, 0, Find(by_group_, group.id), members);
    if (max_depth_ != 0 && max_depth_ < 1) return;  // members sit at depth 1
    {
      for (const codes::Region* member : members) {
        v1::TargetNode& child = out.emplace_back();
        child.mutable_region()->set_code(member->code);
        child.mutable_region()->set_name(member->name);
        child.set_tier(TierOf(*member));
        child.set_parent_group_id(group.id);
        Fill(child, 1, Find(by_region_, member->code), {});
      }
    }
  }

 private:
  using Index = absl::flat_hash_map<std::string, v1::Target>;

  static const v1::Target* Find(const Index& index, const std::string& key) {
    auto it = index.find(key);
    return it == index.end() ? nullptr : &it->second;
  }

  void Fill(v1::TargetNode& node, int depth, const v1::Target* target,
            const std::vector<const codes::Region*>& children) {
    node.set_metric(metric_);
    node.set_depth(depth);
    node.set_children_count(static_cast<int>(children.size()));
    int64_t total = 0;
    int with_target = 0;
    for (const codes::Region* child : children) {
      if (const v1::Target* t = Find(by_region_, child->code)) {
        total += t->value();
        ++with_target;
      }
    }
    node.set_children_with_target(with_target);
    node.set_children_total(total);
    if (target != nullptr) {
      *node.mutable_target() = *target;
      Decorate(*node.mutable_target());
      if (!children.empty() && total < target->value()) {
        node.set_children_short(true);
        node.set_shortfall(target->value() - total);
      }
    }
  }

  const v1::TargetMetric metric_;
  const int max_depth_;
  Index by_region_, by_group_;
};

}  // namespace

grpc::Status MonitoringService::ListTargets(grpc::ServerContext* context,
                                            const v1::ListTargetsRequest* request,
                                            v1::ListTargetsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  const auto& ref = store::Reference();
  if (request->year() < 2000 || request->year() > 2099) {
    return Fail(rpc::InvalidField("year", "a year 2000-2099 is required"));
  }
  std::string root = request->root_region_code();
  if (root.empty()) {
    root = caller->role == auth::Role::kCounty || caller->role == auth::Role::kCity
               ? caller->scope
               : ref.regions.ProvinceCode();
  }
  const codes::Region* root_region = ref.regions.Find(root);
  if (root_region == nullptr) {
    return Fail(
        rpc::InvalidField("root_region_code", absl::StrCat("unknown region ", codes::Quote(root))));
  }
  if (absl::Status s = auth::CheckRead(*caller, root, ref.regions); !s.ok()) return Fail(s);
  auto page_size = rpc::ResolvePageSize(request->page_size(), 200, 1000);
  if (!page_size.ok()) return Fail(page_size.status());
  auto page = rpc::ResolveOffsetPage(*request, caller->id);
  if (!page.ok()) return Fail(page.status());
  const size_t offset = page->offset;

  std::vector<v1::TargetMetric> metrics;
  if (request->metric() != v1::TARGET_METRIC_UNSPECIFIED) {
    metrics.push_back(request->metric());
  } else {
    for (int m = 1; v1::TargetMetric_IsValid(m); ++m) metrics.push_back(v1::TargetMetric(m));
  }
  std::vector<v1::TargetNode> nodes;
  absl::Status status = store::RunInTransaction(pool_, [&](pqxx::transaction_base& tx) {
    nodes.clear();
    for (v1::TargetMetric metric : metrics) {
      TargetTree tree(TargetsOf(tx, request->year(), metric), metric, request->max_depth());
      tree.AddRegion(*root_region, 0, "", "", nodes);
      const bool sees_province =
          caller->role == auth::Role::kProvince || caller->role == auth::Role::kAuditor;
      if (request->include_region_groups() && sees_province) {
        for (const codes::RegionGroup& group : ref.region_groups.All()) tree.AddGroup(group, nodes);
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  if (request->only_short()) {
    nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                               [](const v1::TargetNode& n) { return !n.children_short(); }),
                nodes.end());
  }
  const size_t end = std::min(nodes.size(), offset + static_cast<size_t>(*page_size));
  for (size_t i = offset; i < end; ++i) *response->add_nodes() = std::move(nodes[i]);
  if (end < nodes.size()) {
    response->set_next_page_token(page->TokenAt(end));
  }
  return grpc::Status::OK;
}

}  // namespace techreno::monitoring
