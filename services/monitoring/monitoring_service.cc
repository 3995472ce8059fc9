#include "services/monitoring/monitoring_service.h"

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/rpc/call.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/status.h"
#include "libs/store/audit.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/monitoring/monitoring_store.h"
#include "services/monitoring/report_batch.h"
#include "services/monitoring/report_rules.h"

namespace techreno::monitoring {
namespace {

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

absl::Status RequireRole(const auth::Principal& p, std::initializer_list<auth::Role> roles,
                         const char* what) {
  for (auth::Role r : roles) {
    if (p.role == r) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat(auth::RoleName(p.role), " principal '", p.name, "' may not ", what));
}

// The request id's own finding, added to the others.
void CheckRequestId(const std::string& request_id, rpc::Violations& findings) {
  if (absl::Status s = rpc::ValidateRequestId(request_id, "request_id"); !s.ok()) {
    rpc::AddViolation(findings, v1::SEVERITY_FATAL, "request_id.invalid", "request_id",
                      std::string(s.message()));
  }
}

}  // namespace

grpc::Status MonitoringService::SubmitProgress(grpc::ServerContext* context,
                                               const v1::SubmitProgressRequest* request,
                                               v1::SubmitProgressResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = RequireRole(*caller, {auth::Role::kCounty, auth::Role::kProvince},
                                   "submit progress reports");
      !s.ok()) {
    return Fail(s);
  }
  const absl::Time now = options_.clock();
  rpc::Violations findings = ValidateReport(request->report(), CurrentPeriod(now), "report");
  CheckRequestId(request->request_id(), findings);
  if (rpc::HasFatal(findings)) {
    rpc::AddStoreFindings(
        pool_,
        [&](pqxx::transaction_base& tx, rpc::Violations& found) {
          AddReportStoreFindings(tx, *caller, request->report(), found);
        },
        findings);
    return Fail(rpc::RejectionStatus(absl::StatusCode::kInvalidArgument, findings));
  }
  rpc::IdempotencyKey key{caller->id, "SubmitProgress", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  return Fail(rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    ReportDecision out = std::move(WriteReportBatch(
        tx, *caller,
        {{&request->report(), request->expected_version(), request->request_id(), &findings}}, now,
        /*with_totals=*/true)[0]);
    if (out.outcome == v1::OUTCOME_REJECTED) return rpc::RejectionStatus(out.code, out.violations);
    *response->mutable_report() = std::move(out.report);
    response->set_outcome(out.outcome);
    response->set_corrected(out.corrected);
    *response->mutable_warnings() = {out.violations.begin(), out.violations.end()};
    return absl::OkStatus();
  }));
}

grpc::Status MonitoringService::LockPeriod(grpc::ServerContext* context,
                                           const v1::LockPeriodRequest* request,
                                           v1::LockPeriodResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (absl::Status s = RequireRole(*caller, {auth::Role::kProvince}, "lock or unlock periods");
      !s.ok()) {
    return Fail(s);
  }
  std::vector<rpc::FieldViolation> bad;
  if (absl::Status s = rpc::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  auto period = codes::ParsePeriod(request->period());
  if (!period.ok()) {
    bad.push_back({"period", std::string(period.status().message())});
  } else if (CurrentPeriod(options_.clock()) < *period) {
    bad.push_back({"period", absl::StrCat(request->period(), " is in the future")});
  }
  const size_t reason_length = rpc::Utf8Length(request->reason());
  if (reason_length > 500 || (!request->lock() && reason_length == 0)) {
    bad.push_back({"reason", "1-500 characters; a reason is required to unlock"});
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid LockPeriod request", bad));
  rpc::IdempotencyKey key{caller->id, "LockPeriod", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  return Fail(rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    std::optional<v1::PeriodLock> stored = LoadLock(tx, request->period(), /*for_update=*/true);
    const int64_t version = stored.has_value() ? stored->version() : 0;
    if (absl::Status s =
            rpc::CheckExpectedVersion(request->expected_version(), version, "the lock state");
        !s.ok()) {
      return s;
    }
    const bool was_locked = stored.has_value() && stored->locked();
    if (was_locked == request->lock()) {
      response->set_outcome(v1::OUTCOME_UNCHANGED);
      *response->mutable_lock() = stored.value_or(v1::PeriodLock());
      response->mutable_lock()->set_period(request->period());
      return absl::OkStatus();
    }
    v1::PeriodLock lock;
    lock.set_period(request->period());
    lock.set_locked(request->lock());
    lock.set_reason(request->reason());
    lock.set_changed_by(caller->name);
    lock.set_version(version + 1);
    SaveLock(tx, lock, /*insert=*/!stored.has_value());
    v1::PeriodLock after = *LoadLock(tx, request->period(), false);
    store::WriteAudit(tx, {caller->id, caller->name, request->lock() ? "lock" : "unlock",
                           "period_lock", request->period(), "", after.version(),
                           request->request_id(), stored.has_value() ? &*stored : nullptr, &after});
    *response->mutable_lock() = std::move(after);
    response->set_outcome(v1::OUTCOME_ACCEPTED);
    return absl::OkStatus();
  }));
}

}  // namespace techreno::monitoring
