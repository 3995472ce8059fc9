#include "services/registry/registry_service.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

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
#include "services/registry/project_writer.h"
#include "services/registry/registry_store.h"

namespace techreno::registry {
namespace {

using auth::Principal;
using google::protobuf::util::MessageDifferencer;

// Registry writes come from county systems (their county) and the province.
absl::Status CheckWriter(const Principal& p) {
  if (p.role == auth::Role::kCounty || p.role == auth::Role::kProvince) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(auth::RoleName(p.role), " principal '", p.name,
                   "' may not write registry records: only county systems and the province do"));
}

// The caller may read records of `county`; banks read nothing here.
absl::Status CheckReader(const Principal& p, const std::string& county) {
  return auth::CheckRead(p, county, store::Reference().regions);
}

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

// A unary write into a county outside the caller's scope is PERMISSION_DENIED
// (its BadRequest still lists every finding); other fatal findings are
// INVALID_ARGUMENT. A bulk push reports the same rules per record instead.
absl::StatusCode UnaryRejectionCode(const Violations& findings) {
  for (const auto& v : findings) {
    if (v.rule_id() == "region.county_code.scope") return absl::StatusCode::kPermissionDenied;
  }
  return absl::StatusCode::kInvalidArgument;
}

// Pre-transaction checks of a unary write: request id, then every field; when
// any fails, the store's checks too (AddStoreRejections), so that every violation
// comes back at once.
absl::Status CheckProjectInput(store::Pool& pool, const Principal& caller,
                               const std::string& request_id, const v1::Project& project,
                               Violations* warnings) {
  Violations all = ValidateProject(project, store::Reference(), caller, "project");
  // A unary write is identified by its request_id: a code-less project needs no
  // source_record_id to be retried safely.
  all.erase(std::remove_if(
                all.begin(), all.end(),
                [](const v1::Violation& v) { return v.rule_id() == "project.identity.required"; }),
            all.end());
  if (absl::Status s = rpc::ValidateRequestId(request_id, "request_id"); !s.ok()) {
    AddViolation(all, v1::SEVERITY_FATAL, "request_id.invalid", "request_id",
                 std::string(s.message()));
  }
  if (HasFatal(all)) {
    rpc::AddStoreFindings(
        pool,
        [&](pqxx::transaction_base& tx, Violations& found) {
          AddStoreRejections(tx, project, found);
        },
        all);
    return RejectionStatus(UnaryRejectionCode(all), all);
  }
  *warnings = std::move(all);
  return absl::OkStatus();
}

// Loads one record by key: NOT_FOUND when absent, PERMISSION_DENIED when its
// county is outside what the caller may read.
template <typename Record>
absl::StatusOr<Record> LoadReadable(store::Pool& pool, const Principal& caller, const char* what,
                                    const std::string& key,
                                    std::optional<Record> (*load)(pqxx::transaction_base&,
                                                                  const std::string&, bool)) {
  std::optional<Record> found;
  absl::Status status = store::RunAutocommit(pool, [&](pqxx::transaction_base& tx) {
    found = load(tx, key, /*for_update=*/false);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value())
    return absl::NotFoundError(absl::StrCat("no ", what, " ", codes::Quote(key)));
  if (absl::Status s = CheckReader(caller, found->county_code()); !s.ok()) return s;
  return *std::move(found);
}

}  // namespace

// ------------------------------------------------------------- enterprises

grpc::Status RegistryService::UpsertEnterprise(grpc::ServerContext* context,
                                               const v1::UpsertEnterpriseRequest* request,
                                               v1::UpsertEnterpriseResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = CheckWriter(*caller); !s.ok()) return Fail(s);
  Violations findings =
      ValidateEnterprise(request->enterprise(), store::Reference(), *caller, "enterprise");
  if (absl::Status s = rpc::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    AddViolation(findings, v1::SEVERITY_FATAL, "request_id.invalid", "request_id",
                 std::string(s.message()));
  }
  if (HasFatal(findings)) return Fail(RejectionStatus(UnaryRejectionCode(findings), findings));
  rpc::IdempotencyKey key{caller->id, "UpsertEnterprise", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  absl::Status status = rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    v1::Enterprise wanted = request->enterprise();
    wanted.clear_version();
    wanted.clear_update_time();
    wanted.clear_county();
    auto stored = LoadEnterprise(tx, wanted.credit_code(), /*for_update=*/true);
    const int64_t current = stored.has_value() ? stored->version() : 0;
    if (stored.has_value()) {
      if (absl::Status s =
              auth::CheckWrite(*caller, stored->county_code(), store::Reference().regions);
          !s.ok()) {
        return absl::PermissionDeniedError(
            absl::StrCat("enterprise ", wanted.credit_code(),
                         " is registered in another county: ", s.message()));
      }
    }
    if (absl::Status s =
            rpc::CheckExpectedVersion(request->expected_version(), current, "the enterprise");
        !s.ok()) {
      return s;
    }
    *response->mutable_warnings() = {findings.begin(), findings.end()};
    if (stored.has_value()) {
      v1::Enterprise stored_content = *stored;
      stored_content.clear_version();
      stored_content.clear_update_time();
      if (MessageDifferencer::Equals(stored_content, wanted)) {
        *response->mutable_enterprise() = *stored;
        response->set_outcome(v1::OUTCOME_UNCHANGED);
        Decorate(*response->mutable_enterprise());
        return absl::OkStatus();
      }
    }
    wanted.set_version(current + 1);
    stored.has_value() ? UpdateEnterprise(tx, wanted) : InsertEnterprise(tx, wanted);
    v1::Enterprise after = *LoadEnterprise(tx, wanted.credit_code(), false);
    store::WriteAudit(
        tx, {caller->id, caller->name, stored.has_value() ? "update" : "create", "enterprise",
             wanted.credit_code(), wanted.county_code(), wanted.version(), request->request_id(),
             stored.has_value() ? &*stored : nullptr, &after});
    *response->mutable_enterprise() = after;
    Decorate(*response->mutable_enterprise());
    response->set_outcome(v1::OUTCOME_ACCEPTED);
    return absl::OkStatus();
  });
  return Fail(status);
}

grpc::Status RegistryService::GetEnterprise(grpc::ServerContext* context,
                                            const v1::GetEnterpriseRequest* request,
                                            v1::Enterprise* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  auto found = LoadReadable(pool_, *caller, "enterprise", request->credit_code(), LoadEnterprise);
  if (!found.ok()) return Fail(found.status());
  *response = *std::move(found);
  Decorate(*response);
  return grpc::Status::OK;
}

// ---------------------------------------------------------------- projects

grpc::Status RegistryService::UpsertProject(grpc::ServerContext* context,
                                            const v1::UpsertProjectRequest* request,
                                            v1::UpsertProjectResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = CheckWriter(*caller); !s.ok()) return Fail(s);
  Violations warnings;
  const v1::Project& input = request->project();
  if (absl::Status s = CheckProjectInput(pool_, *caller, request->request_id(), input, &warnings);
      !s.ok()) {
    return Fail(s);
  }
  rpc::IdempotencyKey key{caller->id, "UpsertProject", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  absl::Status status = rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    ProjectDecision out = std::move(WriteProjectBatch(
        tx, *caller, {{&input, request->expected_version(), request->request_id(), &warnings}})[0]);
    if (out.outcome == v1::OUTCOME_REJECTED) return RejectionStatus(out.code, out.violations);
    *response->mutable_project() = std::move(out.project);
    response->set_outcome(out.outcome);
    *response->mutable_warnings() = {out.violations.begin(), out.violations.end()};
    return absl::OkStatus();
  });
  return Fail(status);
}

grpc::Status RegistryService::GetProject(grpc::ServerContext* context,
                                         const v1::GetProjectRequest* request,
                                         v1::Project* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  auto found = LoadReadable(pool_, *caller, "project", request->project_code(), LoadProject);
  if (!found.ok()) return Fail(found.status());
  *response = *std::move(found);
  Decorate(*response);
  return grpc::Status::OK;
}

grpc::Status RegistryService::ListProjects(grpc::ServerContext* context,
                                           const v1::ListProjectsRequest* request,
                                           v1::ListProjectsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  const auto& regions = store::Reference().regions;
  ProjectQuery query;
  switch (caller->role) {
    case auth::Role::kCounty:
      query.scope_county = caller->scope;
      break;
    case auth::Role::kCity:
      query.scope_city = caller->scope;
      break;
    case auth::Role::kProvince:
    case auth::Role::kAuditor:
      break;
    case auth::Role::kBank:
      return Fail(absl::PermissionDeniedError("banks read projects through BankLink"));
  }
  for (const std::string* region : {&request->county_code(), &request->city_code()}) {
    if (region->empty()) continue;
    if (regions.Find(*region) == nullptr) {
      return Fail(rpc::InvalidField(region == &request->county_code() ? "county_code" : "city_code",
                                    absl::StrCat("unknown region code ", codes::Quote(*region))));
    }
    if (absl::Status s = CheckReader(*caller, *region); !s.ok()) return Fail(s);
  }
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return Fail(page_size.status());
  v1::ListProjectsRequest filter = *request;
  filter.clear_page_size();
  filter.clear_page_token();
  const std::string fingerprint =
      rpc::QueryFingerprint(absl::StrCat(caller->id, "|", filter.SerializeAsString()));
  auto after = rpc::DecodePageToken(request->page_token(), fingerprint);
  if (!after.ok()) return Fail(after.status());
  query.filter = std::move(filter);
  query.after_code = *after;
  query.limit = *page_size + 1;  // one more tells whether another page exists
  std::vector<v1::Project> rows;
  absl::Status status = store::RunInTransaction(pool_, [&](pqxx::transaction_base& tx) {
    rows = QueryProjects(tx, query);
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  const bool more = static_cast<int>(rows.size()) > *page_size;
  if (more) rows.resize(*page_size);
  for (auto& p : rows) {
    Decorate(p);
    *response->add_projects() = std::move(p);
  }
  if (more) {
    response->set_next_page_token(
        rpc::EncodePageToken(response->projects().rbegin()->project_code(), fingerprint));
  }
  return grpc::Status::OK;
}

grpc::Status RegistryService::GetProjectHistory(grpc::ServerContext* context,
                                                const v1::GetProjectHistoryRequest* request,
                                                v1::GetProjectHistoryResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  auto page_size = rpc::ResolvePageSize(request->page_size(), 50, 500);
  if (!page_size.ok()) return Fail(page_size.status());
  const std::string fingerprint = rpc::QueryFingerprint(request->project_code());
  auto after = rpc::DecodePageToken(request->page_token(), fingerprint);
  if (!after.ok()) return Fail(after.status());
  int64_t before_id = 0;
  if (!after->empty() && !absl::SimpleAtoi(*after, &before_id)) {
    return Fail(rpc::InvalidField("page_token", "malformed page token"));
  }
  std::optional<v1::Project> project;
  std::vector<HistoryRow> rows;
  absl::Status status = store::RunInTransaction(pool_, [&](pqxx::transaction_base& tx) {
    project = LoadProject(tx, request->project_code(), false);
    if (project.has_value())
      rows = ProjectHistory(tx, request->project_code(), before_id, *page_size + 1);
    return absl::OkStatus();
  });
  if (!status.ok()) return Fail(status);
  if (!project.has_value()) {
    return Fail(absl::NotFoundError(absl::StrCat("no project ", request->project_code())));
  }
  if (absl::Status s = CheckReader(*caller, project->county_code()); !s.ok()) return Fail(s);
  const bool more = static_cast<int>(rows.size()) > *page_size;
  if (more) rows.resize(*page_size);
  for (auto& row : rows) {
    Decorate(*row.version.mutable_project());
    *response->add_versions() = std::move(row.version);
  }
  if (more) {
    response->set_next_page_token(
        rpc::EncodePageToken(absl::StrCat(rows.back().audit_id), fingerprint));
  }
  return grpc::Status::OK;
}

grpc::Status RegistryService::WithdrawProject(grpc::ServerContext* context,
                                              const v1::WithdrawProjectRequest* request,
                                              v1::Project* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = CheckWriter(*caller); !s.ok()) return Fail(s);
  std::vector<rpc::FieldViolation> bad;
  if (absl::Status s = rpc::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  if (request->project_code().empty()) bad.push_back({"project_code", "project_code is required"});
  const size_t reason_length = Utf8Length(request->reason());
  if (reason_length < 1 || reason_length > 500) {
    bad.push_back({"reason", "a reason of 1-500 characters is required"});
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid WithdrawProject request", bad));
  rpc::IdempotencyKey key{caller->id, "WithdrawProject", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  absl::Status status = rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    auto stored = LoadProject(tx, request->project_code(), /*for_update=*/true);
    if (!stored.has_value()) {
      return absl::NotFoundError(absl::StrCat("no project ", request->project_code()));
    }
    if (absl::Status s =
            auth::CheckWrite(*caller, stored->county_code(), store::Reference().regions);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = rpc::CheckExpectedVersion(request->expected_version(), stored->version(),
                                                   "the project");
        !s.ok()) {
      return s;
    }
    if (stored->status() == v1::PROJECT_STATUS_WITHDRAWN ||
        stored->status() == v1::PROJECT_STATUS_COMPLETED) {
      return rpc::WithFieldViolations(
          absl::StatusCode::kFailedPrecondition,
          absl::StrCat("project ", stored->project_code(), " is ", StatusName(stored->status()),
                       " and cannot be withdrawn"),
          {{"project_code", "only planned, under-construction or suspended projects"}});
    }
    v1::Project after = *stored;
    after.set_status(v1::PROJECT_STATUS_WITHDRAWN);
    after.set_withdraw_reason(request->reason());
    after.set_version(stored->version() + 1);
    after = UpdateProject(tx, after);
    store::WriteAudit(
        tx, {caller->id, caller->name, "withdraw", "project", after.project_code(),
             after.county_code(), after.version(), request->request_id(), &*stored, &after});
    *response = std::move(after);
    Decorate(*response);
    return absl::OkStatus();
  });
  return Fail(status);
}

}  // namespace techreno::registry
