// techreno get project CODE / get enterprise CREDIT_CODE: one record as
// "key: value" lines, money in 万元 and codes next to their Chinese names.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/client.h"
#include "clients/cli/commands.h"
#include "clients/cli/format.h"
#include "clients/cli/table_output.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string YesNo(bool value) { return value ? "是 yes" : "否 no"; }

// "设备更新 EQUIPMENT_RENEWAL, 信息化 INFORMATIZATION"
template <typename Repeated>
std::string EnumList(const google::protobuf::EnumDescriptor& type, const Repeated& values) {
  std::vector<std::string> labels;
  for (int v : values) labels.push_back(EnumLabel(type, v));
  return labels.empty() ? "-" : absl::StrJoin(labels, ", ");
}

Fields ProjectFields(const v1::Project& p) {
  Fields f = {
      {"project_code", p.project_code()},
      {"name", p.name()},
      {"enterprise_credit_code", p.enterprise_credit_code()},
      {"county", RegionLabel(p.county(), p.county_code())},
      {"city", RegionLabel(p.city(), p.city().code())},
      {"industry", IndustryLabel(p.industry_code(), p.industry_name())},
      {"renovation_types", EnumList(*v1::RenovationType_descriptor(), p.renovation_types())},
      {"requested_support", EnumList(*v1::SupportInstrument_descriptor(), p.requested_support())},
      {"planned_investment", FormatWan(p.planned_investment_fen())},
      {"planned_equipment_investment", FormatWan(p.planned_equipment_investment_fen())},
      {"financing_need", FormatWan(p.financing_need_fen())},
      {"completed_investment", FormatWan(p.completed_investment_fen())},
      {"start_period", p.start_period()},
      {"planned_completion_period", p.planned_completion_period()},
      {"status", EnumLabel(*v1::ProjectStatus_descriptor(), p.status())},
      {"share_with_banks", YesNo(p.share_with_banks())},
      {"source_record_id", p.source_record_id()},
      {"description", p.description()},
  };
  if (!p.withdraw_reason().empty()) f.emplace_back("withdraw_reason", p.withdraw_reason());
  f.emplace_back("version", absl::StrCat(p.version()));
  f.emplace_back("create_time", FormatTime(p.create_time()));
  f.emplace_back("update_time", FormatTime(p.update_time()));
  return f;
}

Fields EnterpriseFields(const v1::Enterprise& e) {
  return {
      {"credit_code", e.credit_code()},
      {"name", e.name()},
      {"county", RegionLabel(e.county(), e.county_code())},
      {"industry", IndustryLabel(e.industry_code(), "")},
      {"above_designated_size", YesNo(e.above_designated_size())},
      {"revenue_band", EnumLabel(*v1::RevenueBand_descriptor(), e.revenue_band())},
      {"integration_pilot", YesNo(e.integration_pilot())},
      {"integration_certified", YesNo(e.integration_certified())},
      {"version", absl::StrCat(e.version())},
      {"update_time", FormatTime(e.update_time())},
  };
}

// Prints a fetched message as JSON or as fields; the exit code of the call.
template <typename Message>
int Show(const GlobalOptions& options, const grpc::Status& status, const Message& message,
         Fields (*fields)(const Message&)) {
  if (!status.ok()) {
    ReportRpcError(options, status);
    return kExitFailure;
  }
  if (options.format == OutputFormat::kJson) {
    std::cout << ToJsonLine(message) << "\n";
  } else {
    EmitFields(options, fields(message), "详情");
  }
  return kExitOk;
}

}  // namespace

int GetProject(const GlobalOptions& options, const std::string& project_code) {
  auto stub = NewRegistryStub(options);
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::GetProjectRequest request;
  request.set_project_code(project_code);
  v1::Project project;
  const grpc::Status status = stub->GetProject(&context, request, &project);
  return Show(options, status, project, &ProjectFields);
}

int GetEnterprise(const GlobalOptions& options, const std::string& credit_code) {
  auto stub = NewRegistryStub(options);
  grpc::ClientContext context;
  PrepareContext(options, kCallTimeout, &context);
  v1::GetEnterpriseRequest request;
  request.set_credit_code(credit_code);
  v1::Enterprise enterprise;
  const grpc::Status status = stub->GetEnterprise(&context, request, &enterprise);
  return Show(options, status, enterprise, &EnterpriseFields);
}

}  // namespace techreno::cli
