#include "clients/loadgen/server_check.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/rpc/client_channel.h"
#include "libs/rpc/status.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::loadgen {
namespace {

constexpr size_t kMaxExamples = 10;

void Note(CheckTally* tally, std::string what) {
  ++tally->mismatches;
  if (tally->examples.size() < kMaxExamples) tally->examples.push_back(std::move(what));
}

// code -> completed investment since start, as the server has it, for the
// county's projects whose source_record_id starts with `prefix` (this data
// set's: the county may hold projects of its own).
absl::Status ReadProjects(v1::ProjectRegistry::Stub& stub, const std::string& token,
                          const std::string& county, const std::string& prefix,
                          absl::flat_hash_map<std::string, int64_t>* out) {
  v1::ListProjectsRequest request;
  request.set_county_code(county);
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    rpc::AddBearerToken(token, &context);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::ListProjectsResponse page;
    const grpc::Status s = stub.ListProjects(&context, request, &page);
    if (!s.ok()) {
      return absl::Status(
          static_cast<absl::StatusCode>(s.error_code()),
          absl::StrCat("listing the projects of ", county, ": ", rpc::FromGrpcStatus(s).message()));
    }
    for (const v1::Project& p : page.projects()) {
      if (!absl::StartsWith(p.source_record_id(), prefix)) continue;
      (*out)[p.project_code()] = p.completed_investment_fen();
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

}  // namespace

void CheckTally::Add(const CheckTally& o) {
  projects += o.projects;
  mismatches += o.mismatches;
  for (const std::string& e : o.examples) {
    if (examples.size() < kMaxExamples) examples.push_back(e);
  }
}

absl::Status CheckReachable(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                            const std::string& county) {
  auto stub = v1::ProjectRegistry::NewStub(channel);
  grpc::ClientContext context;
  rpc::AddBearerToken(token, &context);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListProjectsRequest request;
  request.set_county_code(county);
  request.set_page_size(1);
  v1::ListProjectsResponse page;
  const grpc::Status s = stub->ListProjects(&context, request, &page);
  return rpc::FromGrpcStatus(s);
}

absl::Status CheckCounty(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                         const std::string& tag, const CountyData& data, CheckTally* tally) {
  auto stub = v1::ProjectRegistry::NewStub(channel);
  absl::flat_hash_map<std::string, int64_t> stored;
  const std::string prefix = absl::StrCat(tag, "-");
  if (absl::Status s = ReadProjects(*stub, token, data.county_code, prefix, &stored); !s.ok()) {
    return s;
  }
  absl::flat_hash_map<std::string, int64_t> expected;
  for (const v1::Project& p : data.projects) expected[p.project_code()] = 0;
  for (const GeneratedReport& g : data.reports) {
    expected[data.ProjectCode(g)] += g.figures.completed;
  }
  for (const auto& [code, total] : expected) {
    ++tally->projects;
    auto it = stored.find(code);
    if (it == stored.end()) {
      Note(tally, absl::StrCat(code, ": generated, not on the server"));
    } else if (it->second != total) {
      Note(tally, absl::StrCat(code, ": completed since start ", it->second, " fen on the server, ",
                               total, " fen generated"));
    }
  }
  for (const auto& [code, total] : stored) {
    if (!expected.contains(code)) {
      Note(tally, absl::StrCat(code, ": on the server in ", data.county_code,
                               ", not in the generated data"));
    }
  }
  return absl::OkStatus();
}

}  // namespace techreno::loadgen
