// SubmitFeedback's write path (banklink_writer.h): the recommendation, then
// the bank's feedback row, both locked; scope, state and version checked
// before anything is written.
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"
#include "libs/rpc/violations.h"
#include "libs/store/audit.h"
#include "services/banklink/banklink_rules.h"
#include "services/banklink/banklink_store.h"
#include "services/banklink/banklink_writer.h"

namespace techreno::banklink {
namespace {

using google::protobuf::util::TimeUtil;

bool SameFigures(const v1::BankFeedback& stored, const v1::SubmitFeedbackRequest& r) {
  using google::protobuf::util::MessageDifferencer;
  return stored.state() == r.state() && stored.loan_amount_fen() == r.loan_amount_fen() &&
         stored.decline_reason() == r.decline_reason() &&
         stored.decline_detail() == r.decline_detail() && stored.note() == r.note() &&
         stored.interest_rate_bp() == r.interest_rate_bp() &&
         stored.term_months() == r.term_months() && stored.disbursed_fen() == r.disbursed_fen() &&
         MessageDifferencer::Equals(stored.disbursement_time(), r.disbursement_time()) &&
         (!r.has_effective_time() ||
          MessageDifferencer::Equals(stored.effective_time(), r.effective_time()));
}

absl::Status NotAddressed(const std::string& code) {
  return absl::NotFoundError(
      absl::StrCat("no recommendation of ", code, " is addressed to your bank"));
}

}  // namespace

absl::Status SubmitBankFeedback(pqxx::transaction_base& tx, const auth::Principal& caller,
                                const v1::SubmitFeedbackRequest& request,
                                v1::SubmitFeedbackResponse& response) {
  const std::string& bank = caller.scope;
  std::optional<RecRow> rec = LockRec(tx, request.project_code());
  if (!rec) return NotAddressed(request.project_code());
  std::vector<std::string> audience(rec->rec.bank_ids().begin(), rec->rec.bank_ids().end());
  if (!Addresses(rec->all_banks, audience, bank)) return NotAddressed(request.project_code());

  std::optional<FeedbackRow> stored = LockFeedback(tx, request.project_code(), bank);
  if (rec->rec.state() == v1::RECOMMENDATION_STATE_RETRACTED && !stored) {
    return rpc::WithFieldViolations(
        absl::StatusCode::kFailedPrecondition, "the recommendation was retracted",
        {{"project_code", absl::StrCat("[banklink.feedback.retracted] ", request.project_code(),
                                       " was retracted before your bank reported on it")}});
  }
  const v1::FeedbackState from = stored ? stored->feedback.state() : v1::FEEDBACK_STATE_UNSPECIFIED;
  if (absl::Status s = rpc::CheckExpectedVersion(
          request.expected_version(), stored ? stored->feedback.version() : 0, "the feedback");
      !s.ok()) {
    return s;
  }
  if (stored && SameFigures(stored->feedback, request)) {
    *response.mutable_feedback() = stored->feedback;
    response.set_outcome(v1::OUTCOME_UNCHANGED);
    return absl::OkStatus();
  }
  if (absl::Status s = CheckFeedbackTransition(from, request.state()); !s.ok()) return s;

  const int64_t now = TransactionMicros(tx);
  const int64_t effective = request.has_effective_time()
                                ? TimeUtil::TimestampToMicroseconds(request.effective_time())
                                : now;
  const int64_t received = FirstReceivedMicros(tx, request.project_code(), bank);
  if (effective < received) {
    return rpc::InvalidField("effective_time",
                             "effective_time is before the project was recommended to your bank");
  }
  const int64_t need = rec->rec.project().financing_need_fen();
  if (request.state() == v1::FEEDBACK_STATE_LOAN_GRANTED && request.loan_amount_fen() > need) {
    rpc::Violations warnings;
    rpc::AddViolation(
        warnings, v1::SEVERITY_WARNING, "banklink.loan_amount.above_need", "loan_amount_fen",
        absl::StrCat("the loan ", rpc::FormatFen(request.loan_amount_fen()),
                     " is above the project's financing need ", rpc::FormatFen(need)));
    *response.mutable_warnings() = {warnings.begin(), warnings.end()};
  }

  FeedbackRow row = stored ? *stored : FeedbackRow{};
  const v1::BankFeedback before = row.feedback;
  v1::BankFeedback& f = row.feedback;
  f.set_project_code(request.project_code());
  f.set_bank_id(bank);
  f.set_state(request.state());
  f.set_loan_amount_fen(request.loan_amount_fen());
  f.set_decline_reason(request.decline_reason());
  f.set_decline_detail(request.decline_detail());
  f.set_note(request.note());
  f.set_interest_rate_bp(request.interest_rate_bp());
  f.set_term_months(request.term_months());
  f.set_disbursed_fen(request.disbursed_fen());
  if (request.has_disbursement_time()) {
    *f.mutable_disbursement_time() = request.disbursement_time();
  } else {
    f.clear_disbursement_time();
  }
  *f.mutable_effective_time() = TimeUtil::MicrosecondsToTimestamp(effective);
  if (!stored) *f.mutable_first_time() = f.effective_time();
  f.set_submitted_by(caller.name);
  f.set_version(f.version() + 1);
  SaveFeedback(tx, row, rec->county_code, caller.id, request.request_id());

  std::optional<FeedbackRow> saved = LockFeedback(tx, request.project_code(), bank);
  *response.mutable_feedback() = saved->feedback;
  response.set_outcome(v1::OUTCOME_ACCEPTED);
  store::AuditEntry audit;
  audit.principal_id = caller.id;
  audit.principal_name = caller.name;
  audit.action = stored ? "update" : "create";
  audit.entity = "bank_feedback";
  audit.entity_key = absl::StrCat(request.project_code(), "/", bank);
  audit.county_code = rec->county_code;
  audit.version = saved->feedback.version();
  audit.request_id = request.request_id();
  audit.before = stored ? &before : nullptr;
  audit.after = &saved->feedback;
  store::WriteAudit(tx, audit);
  return absl::OkStatus();
}

}  // namespace techreno::banklink
