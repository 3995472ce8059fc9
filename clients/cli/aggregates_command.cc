// techreno aggregates: the bulletin figures (完成投资, 累计, 同比, 目标完成率,
// 贡献率) grouped by the dimensions asked for, one row per group and period
// bucket, followed page by page. Money in 万元, shares in % and schedule in
// percentage points ahead (+) or behind (−).
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/choices.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/paging.h"
#include "clients/cli/records.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/monitoring.grpc.pb.h"

namespace techreno::cli {
namespace {

constexpr int32_t kAggregatesPageSize = 5000;  // the contract's upper bound

using Dimensions = std::vector<v1::AggregateDimension>;

bool ParseDimensions(const std::string& text, Dimensions* out) {
  static const auto* aliases = new absl::flat_hash_map<std::string, v1::AggregateDimension>{
      {"group", v1::AGGREGATE_DIMENSION_REGION_GROUP},
      {"industry", v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION},
      {"type", v1::AGGREGATE_DIMENSION_RENOVATION_TYPE},
      {"support", v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT},
      {"size", v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE},
      {"stage", v1::AGGREGATE_DIMENSION_PROJECT_STAGE},
  };
  for (const std::string& name : SplitList(text)) {
    v1::AggregateDimension d;
    if (!ParseChoice("group_by", *v1::AggregateDimension_descriptor(), name, *aliases, &d)) {
      return false;
    }
    out->push_back(d);
  }
  return true;
}

// The request from the flags; false (after saying why) when they do not fit.
bool BuildQuery(const AggregatesOptions& q, v1::QueryAggregatesRequest* request) {
  if (q.from.empty() || q.to.empty()) {
    std::cerr << "error: aggregates needs --from=YYYY-MM and --to=YYYY-MM\n";
    return false;
  }
  request->set_from_period(q.from);
  request->set_to_period(q.to);
  static const auto* granularities =
      new absl::flat_hash_map<std::string, v1::Granularity>{{"half", v1::GRANULARITY_HALF_YEAR}};
  v1::Granularity granularity;
  if (!ParseChoice("granularity", *v1::Granularity_descriptor(),
                   q.granularity.empty() ? "month" : q.granularity, *granularities, &granularity)) {
    return false;
  }
  request->set_granularity(granularity);
  Dimensions dimensions;
  if (!ParseDimensions(q.group_by, &dimensions)) return false;
  bool by_region = false;
  for (v1::AggregateDimension d : dimensions) {
    request->add_group_by(d);
    by_region = by_region || d == v1::AGGREGATE_DIMENSION_REGION;
  }
  if (!q.tier.empty()) {
    v1::RegionTier tier;
    if (!ParseChoice("tier", *v1::RegionTier_descriptor(), q.tier, {}, &tier)) return false;
    request->set_region_tier(tier);
  } else if (by_region) {
    std::cerr << "error: --group_by=region needs --tier=province|city|county\n";
    return false;
  }
  for (const std::string& r : SplitList(q.regions)) request->add_region_codes(r);
  for (const std::string& g : SplitList(q.groups)) request->add_region_group_ids(g);
  for (const std::string& i : SplitList(q.industries)) request->add_industry_codes(i);
  // Totals make the contribution column readable (and are what it divides by).
  request->set_include_totals(!dimensions.empty());
  request->set_page_size(kAggregatesPageSize);
  return true;
}

std::string KeyCell(v1::AggregateDimension dimension, const v1::AggregateKey& key) {
  switch (dimension) {
    case v1::AGGREGATE_DIMENSION_REGION:
      return RegionLabel(key.region(), key.region().code());
    case v1::AGGREGATE_DIMENSION_REGION_GROUP:
      return key.region_group().name().empty() ? key.region_group().id()
                                               : key.region_group().name();
    case v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION:
      return IndustryLabel(key.industry_division(), key.industry_division_name());
    case v1::AGGREGATE_DIMENSION_RENOVATION_TYPE:
      return EnumLabel(*v1::RenovationType_descriptor(), key.renovation_type());
    case v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT:
      // The UNSPECIFIED row holds the projects that requested no support.
      return key.support_instrument() == v1::SUPPORT_INSTRUMENT_UNSPECIFIED
                 ? "未申请 none"
                 : EnumLabel(*v1::SupportInstrument_descriptor(), key.support_instrument());
    case v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE:
      return EnumLabel(*v1::RevenueBand_descriptor(), key.revenue_band());
    case v1::AGGREGATE_DIMENSION_PROJECT_STAGE:
      return EnumLabel(*v1::ProjectStage_descriptor(), key.project_stage());
    default:
      return "";
  }
}

std::string DimensionHeader(v1::AggregateDimension dimension) {
  switch (dimension) {
    case v1::AGGREGATE_DIMENSION_REGION:
      return "region";
    case v1::AGGREGATE_DIMENSION_REGION_GROUP:
      return "group";
    case v1::AGGREGATE_DIMENSION_INDUSTRY_DIVISION:
      return "industry";
    case v1::AGGREGATE_DIMENSION_RENOVATION_TYPE:
      return "renovation type";
    case v1::AGGREGATE_DIMENSION_SUPPORT_INSTRUMENT:
      return "support";
    case v1::AGGREGATE_DIMENSION_ENTERPRISE_SIZE:
      return "enterprise size";
    case v1::AGGREGATE_DIMENSION_PROJECT_STAGE:
      return "stage";
    default:
      return "?";
  }
}

// "12.3", or "-" where the server left the figure out (nothing to compare with).
std::string Percent(bool has, double value) { return has ? absl::StrFormat("%.1f", value) : "-"; }
// "+4.2" / "-7.5": percentage points ahead of or behind schedule.
std::string Points(bool has, double value) { return has ? absl::StrFormat("%+.1f", value) : "-"; }

std::vector<std::string> Header(const Dimensions& dimensions) {
  std::vector<std::string> header;
  for (v1::AggregateDimension d : dimensions) header.push_back(DimensionHeader(d));
  header.insert(header.end(),
                {"period", "projects", "completed (万元)", "YTD (万元)", "since start (万元)",
                 "YoY %", "target (万元)", "% of target", "vs schedule (pts)", "contribution %"});
  return header;
}

// A totals row has an empty key: it says so in the first key column.
std::vector<std::string> Row(const Dimensions& dimensions, const v1::AggregateRow& row,
                             bool total) {
  std::vector<std::string> cells;
  for (v1::AggregateDimension d : dimensions) {
    cells.push_back(total ? (cells.empty() ? "合计 total" : "") : KeyCell(d, row.key()));
  }
  cells.insert(
      cells.end(),
      {absl::StrCat(row.period_label(), row.partial() ? "*" : ""),
       absl::StrCat(row.project_count()), FormatWanNumber(row.completed_fen()),
       FormatWanNumber(row.ytd_completed_fen()), FormatWanNumber(row.since_start_completed_fen()),
       Percent(row.has_yoy_growth_pct(), row.yoy_growth_pct()),
       row.has_target_fen() ? FormatWanNumber(row.target_fen()) : "-",
       Percent(row.has_percent_of_target(), row.percent_of_target()),
       Points(row.has_schedule_points(), row.schedule_points()),
       Percent(row.has_growth_contribution_pct(), row.growth_contribution_pct())});
  return cells;
}

}  // namespace

int QueryAggregates(const GlobalOptions& options, const AggregatesOptions& query) {
  v1::QueryAggregatesRequest request;
  if (!BuildQuery(query, &request)) return kExitUsage;
  Dimensions dimensions;
  for (int d : request.group_by()) dimensions.push_back(static_cast<v1::AggregateDimension>(d));
  const bool json = options.format == OutputFormat::kJson;
  auto stub = NewMonitoringStub(options);
  Table table(Header(dimensions));
  std::vector<v1::AggregateRow> totals;  // sent with the first page, shown last
  bool partial = false;
  google::protobuf::Timestamp as_of;
  auto call_page = [&](grpc::ClientContext* context, const std::string& page_token) {
    request.set_page_token(page_token);
    v1::QueryAggregatesResponse response;
    const grpc::Status status = stub->QueryAggregates(context, request, &response);
    if (!status.ok()) return PageResult{status, ""};
    for (const v1::AggregateRow& r : response.rows()) {
      if (json) {  // as they come: a query may span many pages
        std::cout << ToJsonLine(r) << "\n";
      } else {
        table.AddRow(Row(dimensions, r, false));
        partial = partial || r.partial();
      }
    }
    totals.insert(totals.end(), response.totals().begin(), response.totals().end());
    if (page_token.empty()) as_of = response.as_of();  // the first page's
    return PageResult{status, response.next_page_token()};
  };
  if (!FollowPages(options, call_page)) return kExitFailure;
  if (json) {
    for (const v1::AggregateRow& r : totals) std::cout << ToJsonLine(r) << "\n";
    return kExitOk;
  }
  for (const v1::AggregateRow& r : totals) {
    table.AddRow(Row(dimensions, r, true));
    partial = partial || r.partial();
  }
  Emit(options, table, "投资汇总");
  if (partial) {
    std::cout << "* the bucket ends after --to=" << request.to_period()
              << ": figures to that month only\n";
  }
  std::cout << "as of " << FormatTime(as_of) << "\n";
  return kExitOk;
}

}  // namespace techreno::cli
