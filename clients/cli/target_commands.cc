// techreno targets set / targets list / targets seed-plan: annual targets of
// regions and region groups. Money targets are typed and shown in 亿元 (plans
// and bulletins write them so); counts as plain numbers.
//
// SetTarget's request_id comes from the target's content, so running the same
// command (or seed-plan) again changes nothing twice.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/paging.h"
#include "clients/cli/plan_targets.h"
#include "clients/cli/records.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

constexpr int32_t kTargetsPageSize = 1000;  // the contract's upper bound

bool IsMoneyMetric(v1::TargetMetric metric) {
  return absl::EndsWith(v1::TargetMetric_Name(metric), "_FEN");
}

// A metric by name, with or without the TARGET_METRIC_ prefix and with or
// without the _FEN of money metrics ("tech_renovation_investment").
absl::StatusOr<v1::TargetMetric> ParseMetric(const std::string& text) {
  const google::protobuf::EnumDescriptor& type = *v1::TargetMetric_descriptor();
  absl::StatusOr<int> value = ParseEnumName(type, text);
  if (!value.ok()) {
    absl::StatusOr<int> money = ParseEnumName(type, absl::StrCat(text, "_FEN"));
    if (!money.ok()) return value.status();  // its message lists the metrics
    value = money;
  }
  if (*value == v1::TARGET_METRIC_UNSPECIFIED) {
    return absl::InvalidArgumentError("a metric is required, e.g. TECH_RENOVATION_INVESTMENT");
  }
  return static_cast<v1::TargetMetric>(*value);
}

// "2417.6 亿元" for money metrics, the count otherwise.
std::string TargetValue(v1::TargetMetric metric, int64_t value) {
  return IsMoneyMetric(metric) ? absl::StrCat(FormatYiNumber(value), " 亿元") : absl::StrCat(value);
}

std::string MetricLabel(v1::TargetMetric metric) {
  return EnumLabel(*v1::TargetMetric_descriptor(), metric);
}

// "440000 广东省", or "prd-west-equipment 珠江西岸先进装备制造产业带".
std::string SubjectLabel(const v1::Target& t) {
  if (!t.region_group_id().empty() || t.has_region_group()) {
    const std::string id =
        t.region_group_id().empty() ? t.region_group().id() : t.region_group_id();
    return absl::StrCat(id, " ", t.region_group().name());
  }
  return RegionLabel(t.region(), t.region_code());
}

// The value in the unit the metric takes: money from --value_yi (亿元) or
// --value_wan (万元), counts from --value.
absl::StatusOr<int64_t> ValueFromFlags(v1::TargetMetric metric, const SetTargetOptions& t) {
  if (IsMoneyMetric(metric)) {
    if (!t.value.empty() || t.value_yi.empty() == t.value_wan.empty()) {
      return absl::InvalidArgumentError(
          "a money metric takes its value in 亿元 with --value_yi=N or in 万元 with "
          "--value_wan=N (one of them)");
    }
    return t.value_yi.empty() ? ParseWanToFen(t.value_wan) : ParseYiToFen(t.value_yi);
  }
  if (t.value.empty() || !t.value_yi.empty() || !t.value_wan.empty()) {
    return absl::InvalidArgumentError("a count metric takes its value with --value=N");
  }
  int64_t count;
  if (!absl::SimpleAtoi(t.value, &count)) {
    return absl::InvalidArgumentError(absl::StrCat("--value: '", t.value, "' is not a count"));
  }
  return count;
}

// The target from the flags; false (after saying why) when they do not fit.
bool BuildTarget(const SetTargetOptions& t, v1::Target* target) {
  if (t.year == 0 || t.region.empty() == t.group.empty() || t.metric.empty()) {
    std::cerr << "error: targets set needs --year=Y, one of --region=CODE and --group=ID, "
                 "--metric=NAME and a value\n";
    return false;
  }
  absl::StatusOr<v1::TargetMetric> metric = ParseMetric(t.metric);
  if (!metric.ok()) {
    std::cerr << "error: --metric: " << metric.status().message() << "\n";
    return false;
  }
  absl::StatusOr<int64_t> value = ValueFromFlags(*metric, t);
  if (!value.ok()) {
    std::cerr << "error: " << value.status().message() << "\n";
    return false;
  }
  target->set_year(t.year);
  target->set_region_code(t.region);
  target->set_region_group_id(t.group);
  target->set_metric(*metric);
  target->set_value(*value);
  target->set_note(t.note);
  return true;
}

// One SetTarget with a content-derived request_id.
grpc::Status SendTarget(const GlobalOptions& options, v1::InvestmentMonitoring::Stub& stub,
                        const v1::Target& target, v1::SetTargetResponse* response) {
  v1::SetTargetRequest request;
  request.set_request_id(ContentRequestId(target));
  *request.mutable_target() = target;
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  return stub.SetTarget(&context, request, response);
}

std::string Warnings(const v1::SetTargetResponse& response) {
  std::vector<std::string> out;
  for (const v1::Violation& w : response.warnings()) {
    out.push_back(absl::StrCat("[", w.rule_id(), "] ", w.message()));
  }
  return absl::StrJoin(out, "; ");
}

void PrintSet(const v1::SetTargetResponse& response) {
  const v1::Target& t = response.target();
  std::cout << t.year() << " " << SubjectLabel(t) << " " << MetricLabel(t.metric()) << ": "
            << TargetValue(t.metric(), t.value()) << " ("
            << EnumLabel(*v1::Outcome_descriptor(), response.outcome()) << ", version "
            << t.version() << ")\n";
  for (const v1::Violation& w : response.warnings()) {
    std::cout << "warning [" << w.rule_id() << "] " << w.message() << "\n";
  }
}

// "  440100 广州市": indented two spaces per level below the root.
std::string NodeLabel(const v1::TargetNode& node) {
  std::string label = node.has_region_group() && node.region().code().empty()
                          ? absl::StrCat(node.region_group().id(), " ", node.region_group().name())
                          : RegionLabel(node.region(), node.region().code());
  return absl::StrCat(std::string(2 * static_cast<size_t>(node.depth()), ' '), label);
}

std::vector<std::string> NodeRow(const v1::TargetNode& node, bool with_metric) {
  const v1::TargetMetric m = node.metric();
  std::vector<std::string> row = {NodeLabel(node)};
  if (with_metric) row.push_back(MetricLabel(m));
  row.push_back(node.has_target() ? TargetValue(m, node.target().value()) : "-");
  const bool leaf = node.children_count() == 0;
  row.push_back(leaf ? "" : absl::StrCat(node.children_with_target(), "/", node.children_count()));
  row.push_back(leaf ? "" : TargetValue(m, node.children_total()));
  row.push_back(node.children_short()
                    ? absl::StrCat("children short by ", TargetValue(m, node.shortfall()))
                    : "");
  return row;
}

}  // namespace

int SetTarget(const GlobalOptions& options, const SetTargetOptions& t) {
  v1::Target target;
  if (!BuildTarget(t, &target)) return kExitUsage;
  auto stub = NewMonitoringStub(options);
  v1::SetTargetResponse response;
  const grpc::Status status = SendTarget(options, *stub, target, &response);
  if (!status.ok()) {
    ReportRpcError(options, status);
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(response) << "\n";
  } else {
    PrintSet(response);
  }
  return kExitOk;
}

int ListTargets(const GlobalOptions& options, const ListTargetsOptions& list) {
  if (list.year == 0) {
    std::cerr << "error: targets list needs --year=Y\n";
    return kExitUsage;
  }
  v1::ListTargetsRequest request;
  request.set_year(list.year);
  const bool all_metrics = list.metric == "all";
  if (!all_metrics) {
    absl::StatusOr<v1::TargetMetric> metric =
        ParseMetric(list.metric.empty() ? "TECH_RENOVATION_INVESTMENT" : list.metric);
    if (!metric.ok()) {
      std::cerr << "error: --metric: " << metric.status().message() << "\n";
      return kExitUsage;
    }
    request.set_metric(*metric);
  }
  request.set_root_region_code(list.root);
  request.set_include_region_groups(list.groups);
  request.set_only_short(list.only_short);
  request.set_page_size(kTargetsPageSize);

  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewMonitoringStub(options);
  std::vector<std::string> header = {"region"};
  if (all_metrics) header.push_back("metric");
  header.insert(header.end(), {"target", "children set", "children total", "flag"});
  Table table(header);
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_token(page_token);
    v1::ListTargetsResponse response;
    const grpc::Status status = stub->ListTargets(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    // Pre-order across pages: each node is followed by its subtree.
    for (const v1::TargetNode& node : response.nodes()) {
      if (json) {
        std::cout << ToJsonLine(node) << "\n";
      } else {
        table.AddRow(NodeRow(node, all_metrics));
      }
    }
    return PageResult{status, response.next_page_token()};
  };
  if (!FollowPages(options, call_page)) return kExitFailure;
  if (!json) {
    if (!all_metrics) std::cout << list.year << " " << MetricLabel(request.metric()) << "\n";
    Emit(options, table, "目标");
  }
  return kExitOk;
}

int SeedPlanTargets(const GlobalOptions& options) {
  auto stub = NewMonitoringStub(options);
  Table table({"year", "region", "metric", "target", "outcome", "version", "warnings"});
  const bool json = options.format == OutputFormat::kJson;
  int exit_code = kExitOk;
  for (const PlanTarget& plan : ThreeYearPlanTargets()) {
    v1::Target target;
    target.set_year(plan.year);
    target.set_region_code(kPlanRegionCode);
    target.set_metric(plan.metric);
    target.set_value(plan.value_fen);
    target.set_note(kPlanNote);
    v1::SetTargetResponse response;
    const grpc::Status status = SendTarget(options, *stub, target, &response);
    if (!status.ok()) {
      ReportRpcError(options, status);
      std::cerr << "stopped at " << plan.year << " " << MetricLabel(plan.metric)
                << "; running seed-plan again is safe (request ids come from the content)\n";
      exit_code = kExitFailure;
      break;
    }
    if (json) std::cout << ToJsonLine(response) << "\n";
    const v1::Target& t = response.target();
    table.AddRow({absl::StrCat(t.year()), SubjectLabel(t), MetricLabel(t.metric()),
                  TargetValue(t.metric(), t.value()),
                  EnumLabel(*v1::Outcome_descriptor(), response.outcome()),
                  absl::StrCat(t.version()), Warnings(response)});
  }
  if (table.size() > 0) table.Print(json ? std::cerr : std::cout);
  return exit_code;
}

}  // namespace techreno::cli
