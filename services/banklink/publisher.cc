// PublishRecommendations' write path (banklink_writer.h): the registry rows
// first (FOR SHARE, code order), then the event log's head, then each
// recommendation — the order the registry's triggers lock in.
#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"
#include "libs/rpc/violations.h"
#include "libs/store/audit.h"
#include "services/banklink/banklink_store.h"
#include "services/banklink/banklink_writer.h"

namespace techreno::banklink {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kWithdrawn = v1::PROJECT_STATUS_WITHDRAWN;
constexpr int kCompleted = v1::PROJECT_STATUS_COMPLETED;

// Findings that keep a project from banks; warnings are added too.
void CheckProject(const std::string& code,
                  const absl::flat_hash_map<std::string, ProjectConsent>& projects,
                  rpc::Violations& findings) {
  auto it = projects.find(code);
  if (it == projects.end()) {
    rpc::AddViolation(findings, v1::SEVERITY_FATAL, "banklink.project.unknown", "project_code",
                      absl::StrCat("no registered project ", code));
    return;
  }
  if (it->second.status == kWithdrawn) {
    rpc::AddViolation(findings, v1::SEVERITY_FATAL, "banklink.project.withdrawn", "project_code",
                      absl::StrCat(code, " is withdrawn in the registry"));
  }
  if (!it->second.share_with_banks) {
    rpc::AddViolation(
        findings, v1::SEVERITY_FATAL, "banklink.project.consent", "project_code",
        absl::StrCat("the enterprise of ", code, " has not consented to share it with banks"));
  }
  if (it->second.financing_need_fen <= 0) {
    rpc::AddViolation(findings, v1::SEVERITY_FATAL, "banklink.project.no_need", "project_code",
                      absl::StrCat(code, " states no bank financing need"));
  }
  if (it->second.status == kCompleted) {
    rpc::AddViolation(findings, v1::SEVERITY_WARNING, "banklink.project.completed", "project_code",
                      absl::StrCat(code, " is already completed"));
  }
}

// The audience after adding the request's banks (empty = every bank).
void WidenAudience(RecRow& row, const v1::PublishRecommendationsRequest& request) {
  if (row.all_banks || request.bank_ids().empty()) {
    row.all_banks = true;
    row.rec.clear_bank_ids();
    return;
  }
  std::vector<std::string> banks(row.rec.bank_ids().begin(), row.rec.bank_ids().end());
  for (const std::string& b : request.bank_ids()) {
    if (std::find(banks.begin(), banks.end(), b) == banks.end()) banks.push_back(b);
  }
  std::sort(banks.begin(), banks.end());
  *row.rec.mutable_bank_ids() = {banks.begin(), banks.end()};
}

struct Counts {
  int64_t added = 0, updated = 0, unchanged = 0, retracted = 0;
};

store::AuditEntry AuditOf(const auth::Principal& caller, const std::string& request_id,
                          const char* action, const RecRow& after,
                          const v1::Recommendation* before) {
  store::AuditEntry a;
  a.principal_id = caller.id;
  a.principal_name = caller.name;
  a.action = action;
  a.entity = "recommendation";
  a.entity_key = after.rec.project_code();
  a.county_code = after.county_code;
  a.version = after.rec.version();
  a.request_id = request_id;
  a.before = before;
  a.after = &after.rec;
  return a;
}

// One item: recommended anew, updated, or unchanged.
v1::PublishItemResult PublishItem(pqxx::transaction_base& tx, const auth::Principal& caller,
                                  const v1::PublishRecommendationsRequest& request, int index,
                                  const absl::flat_hash_map<std::string, ProjectConsent>& projects,
                                  const std::string& publication_id, Counts& counts) {
  const v1::RecommendationItem& item = request.items(index);
  v1::PublishItemResult result;
  result.set_index(index);
  result.set_project_code(item.project_code());
  rpc::Violations findings;
  CheckProject(item.project_code(), projects, findings);
  *result.mutable_violations() = {findings.begin(), findings.end()};
  if (rpc::HasFatal(findings)) {
    result.set_outcome(v1::OUTCOME_REJECTED);
    return result;
  }
  std::optional<RecRow> stored = LockRec(tx, item.project_code());
  RecRow row;
  v1::Recommendation before;
  if (stored) {
    before = stored->rec;
    row = *stored;
  } else {
    row.county_code = projects.at(item.project_code()).county_code;
    row.rec.set_project_code(item.project_code());
    row.all_banks = false;
  }
  const bool active = stored && row.rec.state() == v1::RECOMMENDATION_STATE_ACTIVE;
  const bool all_before = row.all_banks;
  const auto banks_before = row.rec.bank_ids();
  WidenAudience(row, request);
  const bool same_audience = row.all_banks == all_before &&
                             std::equal(banks_before.begin(), banks_before.end(),
                                        row.rec.bank_ids().begin(), row.rec.bank_ids().end());
  if (active && same_audience && row.rec.note() == item.note()) {
    result.set_outcome(v1::OUTCOME_UNCHANGED);
    ++counts.unchanged;
    return result;
  }
  row.rec.set_note(item.note());
  row.rec.set_state(v1::RECOMMENDATION_STATE_ACTIVE);
  row.rec.set_retract_reason("");
  row.rec.add_publication_ids(publication_id);
  row.rec.set_version(row.rec.version() + 1);
  SaveRec(tx, row, stored.has_value());
  ++(active ? counts.updated : counts.added);
  store::WriteAudit(tx, AuditOf(caller, request.request_id(), active ? "update" : "publish", row,
                                stored ? &before : nullptr));
  result.set_outcome(v1::OUTCOME_ACCEPTED);
  return result;
}

v1::PublishItemResult RetractItem(pqxx::transaction_base& tx, const auth::Principal& caller,
                                  const v1::PublishRecommendationsRequest& request, int index,
                                  Counts& counts) {
  const std::string& code = request.retract_project_codes(index);
  v1::PublishItemResult result;
  result.set_index(index);
  result.set_retraction(true);
  result.set_project_code(code);
  std::optional<RecRow> stored = LockRec(tx, code);
  if (!stored || stored->rec.state() != v1::RECOMMENDATION_STATE_ACTIVE) {
    rpc::Violations findings;
    rpc::AddViolation(findings, v1::SEVERITY_FATAL, "banklink.retract.unknown", "project_code",
                      absl::StrCat(code, " has no active recommendation"));
    *result.mutable_violations() = {findings.begin(), findings.end()};
    result.set_outcome(v1::OUTCOME_REJECTED);
    return result;
  }
  const v1::Recommendation before = stored->rec;
  RecRow row = *std::move(stored);
  row.rec.set_state(v1::RECOMMENDATION_STATE_RETRACTED);
  row.rec.set_retract_reason(request.retract_reason());
  row.rec.set_version(row.rec.version() + 1);
  SaveRec(tx, row, /*stored=*/true);
  store::WriteAudit(tx, AuditOf(caller, request.request_id(), "retract", row, &before));
  ++counts.retracted;
  result.set_outcome(v1::OUTCOME_ACCEPTED);
  return result;
}

// Every item's fatal findings, for the all-rejected answer.
absl::Status AllRejected(const v1::PublishRecommendationsResponse& response) {
  std::vector<rpc::FieldViolation> bad;
  for (const auto& r : response.results()) {
    const std::string field =
        absl::StrCat(r.retraction() ? "retract_project_codes[" : "items[", r.index(), "]");
    for (const auto& v : r.violations()) {
      if (v.severity() == v1::SEVERITY_FATAL) {
        bad.push_back({field, absl::StrCat("[", v.rule_id(), "] ", v.message())});
      }
    }
  }
  return rpc::InvalidArgument("no item could be published and nothing was retracted", bad);
}

}  // namespace

absl::Status Publish(pqxx::transaction_base& tx, const auth::Principal& caller, int year,
                     const v1::PublishRecommendationsRequest& request,
                     v1::PublishRecommendationsResponse& response) {
  const auto banks = LoadBanks(tx);
  std::vector<rpc::FieldViolation> unknown;
  for (int i = 0; i < request.bank_ids_size(); ++i) {
    if (!banks.contains(request.bank_ids(i))) {
      unknown.push_back({absl::StrCat("bank_ids[", i, "]"),
                         absl::StrCat("no partner bank ", request.bank_ids(i))});
    }
  }
  if (!unknown.empty()) return rpc::InvalidArgument("unknown banks", unknown);

  std::vector<std::string> codes;
  for (const auto& item : request.items()) codes.push_back(item.project_code());
  const auto projects = LockProjects(tx, codes);
  const std::string publication_id = NextPublicationId(tx, year);
  Counts counts;
  for (int i = 0; i < request.items_size(); ++i) {
    *response.add_results() = PublishItem(tx, caller, request, i, projects, publication_id, counts);
  }
  for (int i = 0; i < request.retract_project_codes_size(); ++i) {
    *response.add_results() = RetractItem(tx, caller, request, i, counts);
  }
  if (counts.added + counts.updated + counts.unchanged + counts.retracted == 0) {
    return AllRejected(response);
  }
  v1::Publication& p = *response.mutable_publication();
  p.set_publication_id(publication_id);
  p.set_title(request.title());
  std::vector<std::string> sorted(request.bank_ids().begin(), request.bank_ids().end());
  std::sort(sorted.begin(), sorted.end());
  *p.mutable_bank_ids() = {sorted.begin(), sorted.end()};
  p.set_published_by(caller.name);
  p.set_added(counts.added);
  p.set_updated(counts.updated);
  p.set_unchanged(counts.unchanged);
  p.set_retracted(counts.retracted);
  *p.mutable_publish_time() =
      TimeUtil::MicrosecondsToTimestamp(InsertPublication(tx, p, caller.id));
  return absl::OkStatus();
}

}  // namespace techreno::banklink
