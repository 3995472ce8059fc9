#include "services/banklink/banklink_rules.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/violations.h"
#include "libs/store/reference_data.h"

namespace techreno::banklink {
namespace {

using auth::Role;
using google::protobuf::util::TimeUtil;
using rpc::FieldViolation;

void CheckText(const std::string& text, const std::string& field, size_t min, size_t max,
               std::vector<FieldViolation>& bad) {
  const size_t length = rpc::Utf8Length(text);
  if (length < min || length > max) {
    bad.push_back({field, absl::StrCat(field, " must be ", min, "-", max, " characters")});
    return;
  }
  rpc::Violations control;
  rpc::CheckNoControlCharacters(control, text, field);
  if (!control.empty()) bad.push_back({field, control[0].message()});
}

constexpr char kCursorVersion[] = "w1";

}  // namespace

absl::Status Denied(const auth::Principal& caller, const char* what) {
  return absl::PermissionDeniedError(
      absl::StrCat(auth::RoleName(caller.role), " principal '", caller.name, "' may not ", what));
}

absl::Status CheckRegionScope(const auth::Principal& caller, const std::string& region) {
  if (region.empty() || caller.role == auth::Role::kBank) return absl::OkStatus();
  return auth::CheckRead(caller, region, store::Reference().regions);
}

ReadScope ScopeOf(const auth::Principal& caller) {
  switch (caller.role) {
    case Role::kCounty:
    case Role::kCity:
      return {caller.scope, ""};
    case Role::kBank:
      return {"", caller.scope};
    case Role::kProvince:
    case Role::kAuditor:
      break;
  }
  return {};
}

absl::Status CheckWatcher(const auth::Principal& caller) {
  if (caller.role == Role::kCounty || caller.role == Role::kCity) {
    return absl::PermissionDeniedError(
        absl::StrCat(auth::RoleName(caller.role), " principal '", caller.name,
                     "' may not watch recommendations: banks, the province and auditors do"));
  }
  return absl::OkStatus();
}

bool Addresses(bool all_banks, const std::vector<std::string>& bank_ids,
               const std::string& bank_id) {
  return all_banks || std::find(bank_ids.begin(), bank_ids.end(), bank_id) != bank_ids.end();
}

bool EventReaches(const EventRow& event, const auth::Principal& caller) {
  if (caller.role == Role::kProvince || caller.role == Role::kAuditor) return true;
  if (caller.role != Role::kBank) return false;
  const auto& except = event.to_except;
  if (event.to_all) return std::find(except.begin(), except.end(), caller.scope) == except.end();
  return Addresses(false, event.to_banks, caller.scope);
}

bool RecFilter::Matches(const RecRow& row) const {
  if (!region_code.empty() && row.county_code != region_code && row.city_code != region_code &&
      region_code != store::Reference().regions.ProvinceCode()) {
    return false;
  }
  if (!industry_codes.empty() &&
      std::none_of(industry_codes.begin(), industry_codes.end(),
                   [&](const std::string& c) { return absl::StartsWith(row.industry_code, c); })) {
    return false;
  }
  if (!renovation_types.empty()) {
    const auto& types = row.rec.project().renovation_types();
    if (std::none_of(types.begin(), types.end(), [&](int t) {
          return std::find(renovation_types.begin(), renovation_types.end(), t) !=
                 renovation_types.end();
        })) {
      return false;
    }
  }
  return true;
}

void ShapeForCaller(const auth::Principal& caller, v1::Recommendation& rec) {
  if (rec.state() == v1::RECOMMENDATION_STATE_RETRACTED) rec.clear_project();
  if (caller.role != Role::kProvince && caller.role != Role::kAuditor) rec.clear_bank_ids();
}

absl::Status CheckFeedbackTransition(v1::FeedbackState from, v1::FeedbackState to) {
  using S = v1::FeedbackState;
  bool legal = false;
  switch (from) {
    case S::FEEDBACK_STATE_UNSPECIFIED:
      legal = true;
      break;
    case S::FEEDBACK_STATE_CONTACTED:
      legal = to == S::FEEDBACK_STATE_REVIEWING || to == S::FEEDBACK_STATE_LOAN_GRANTED ||
              to == S::FEEDBACK_STATE_DECLINED;
      break;
    case S::FEEDBACK_STATE_REVIEWING:
      legal = to == S::FEEDBACK_STATE_LOAN_GRANTED || to == S::FEEDBACK_STATE_DECLINED;
      break;
    case S::FEEDBACK_STATE_DECLINED:
      legal = to == S::FEEDBACK_STATE_CONTACTED || to == S::FEEDBACK_STATE_REVIEWING;
      break;
    case S::FEEDBACK_STATE_LOAN_GRANTED:
      legal = to == S::FEEDBACK_STATE_LOAN_GRANTED;
      break;
    default:
      break;
  }
  if (legal) return absl::OkStatus();
  return rpc::WithFieldViolations(
      absl::StatusCode::kFailedPrecondition,
      absl::StrCat("feedback cannot go from ", v1::FeedbackState_Name(from), " to ",
                   v1::FeedbackState_Name(to)),
      {{"state", absl::StrCat("[banklink.feedback.transition] ", v1::FeedbackState_Name(from),
                              " → ", v1::FeedbackState_Name(to),
                              " is not a legal transition (see SubmitFeedback)")}});
}

namespace {

// A valid timestamp no later than a minute after `now_micros` (clock skew).
bool PastTime(const google::protobuf::Timestamp& t, int64_t now_micros) {
  const bool valid = t.seconds() >= TimeUtil::kTimestampMinSeconds &&
                     t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
                     t.nanos() < 1'000'000'000;
  return valid && TimeUtil::TimestampToMicroseconds(t) <= now_micros + 60'000'000;
}

// The loan's rate, term and disbursement: LOAN_GRANTED only, each optional.
void CheckLoanTerms(const v1::SubmitFeedbackRequest& r, bool granted, int64_t now_micros,
                    std::vector<FieldViolation>& bad) {
  const bool any = r.interest_rate_bp() != 0 || r.term_months() != 0 || r.disbursed_fen() != 0 ||
                   r.has_disbursement_time();
  if (!granted) {
    if (any) {
      bad.push_back({"interest_rate_bp",
                     "interest_rate_bp, term_months, disbursed_fen and disbursement_time go "
                     "with LOAN_GRANTED only"});
    }
    return;
  }
  if (r.interest_rate_bp() < 0 || r.interest_rate_bp() > 3000) {
    bad.push_back({"interest_rate_bp",
                   "interest_rate_bp is the annual rate in basis points, "
                   "1–3000 (435 = 4.35 %), or 0 when not reported"});
  }
  if (r.term_months() < 0 || r.term_months() > 360) {
    bad.push_back({"term_months", "term_months is 1–360, or 0 when not reported"});
  }
  if (r.disbursed_fen() < 0 || r.disbursed_fen() > r.loan_amount_fen()) {
    bad.push_back({"disbursed_fen", "disbursed_fen is 0 to the loan amount"});
  }
  if (r.disbursed_fen() > 0 && !r.has_disbursement_time()) {
    bad.push_back({"disbursement_time", "a disbursement needs its time"});
  } else if (r.has_disbursement_time() && r.disbursed_fen() == 0) {
    bad.push_back({"disbursement_time", "disbursement_time goes with disbursed_fen > 0"});
  } else if (r.has_disbursement_time() && !PastTime(r.disbursement_time(), now_micros)) {
    bad.push_back({"disbursement_time", "disbursement_time must not be in the future"});
  }
}

}  // namespace

std::vector<FieldViolation> CheckSubmitFeedback(const v1::SubmitFeedbackRequest& r,
                                                int64_t now_micros) {
  std::vector<FieldViolation> bad;
  if (absl::Status s = rpc::ValidateRequestId(r.request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  if (r.project_code().empty() || r.project_code().size() > 64) {
    bad.push_back({"project_code", "project_code is required (at most 64 characters)"});
  }
  const bool known_state =
      v1::FeedbackState_IsValid(r.state()) && r.state() != v1::FEEDBACK_STATE_UNSPECIFIED;
  if (!known_state) {
    bad.push_back({"state", "state is required: CONTACTED, REVIEWING, LOAN_GRANTED or DECLINED"});
  }
  const bool granted = r.state() == v1::FEEDBACK_STATE_LOAN_GRANTED;
  if (granted && r.loan_amount_fen() <= 0) {
    bad.push_back({"loan_amount_fen", "a granted loan needs its amount (fen, > 0)"});
  } else if (!granted && r.loan_amount_fen() != 0) {
    bad.push_back({"loan_amount_fen", "loan_amount_fen goes with LOAN_GRANTED only"});
  }
  const bool declined = r.state() == v1::FEEDBACK_STATE_DECLINED;
  const bool known_reason = v1::DeclineReason_IsValid(r.decline_reason()) &&
                            r.decline_reason() != v1::DECLINE_REASON_UNSPECIFIED;
  if (declined && !known_reason) {
    bad.push_back({"decline_reason", "a decline needs its reason (DeclineReason)"});
  } else if (!declined && r.decline_reason() != v1::DECLINE_REASON_UNSPECIFIED) {
    bad.push_back({"decline_reason", "decline_reason goes with DECLINED only"});
  }
  const bool detail_needed = declined && r.decline_reason() == v1::DECLINE_REASON_OTHER;
  CheckText(r.decline_detail(), "decline_detail", detail_needed ? 1 : 0, 500, bad);
  if (!declined && !r.decline_detail().empty()) {
    bad.push_back({"decline_detail", "decline_detail goes with DECLINED only"});
  }
  CheckText(r.note(), "note", 0, 500, bad);
  if (r.has_effective_time() && !PastTime(r.effective_time(), now_micros)) {
    bad.push_back({"effective_time", "effective_time must not be in the future"});
  }
  if (r.expected_version() < 0) bad.push_back({"expected_version", "must not be negative"});
  CheckLoanTerms(r, granted, now_micros, bad);
  return bad;
}

std::vector<FieldViolation> CheckPublishRequest(const v1::PublishRecommendationsRequest& r) {
  std::vector<FieldViolation> bad;
  if (absl::Status s = rpc::ValidateRequestId(r.request_id(), "request_id"); !s.ok()) {
    bad.push_back({"request_id", std::string(s.message())});
  }
  CheckText(r.title(), "title", 1, 200, bad);
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < r.items_size(); ++i) {
    const auto& item = r.items(i);
    const std::string at = absl::StrCat("items[", i, "]");
    if (item.project_code().empty() || item.project_code().size() > 64) {
      bad.push_back({at + ".project_code", "project_code is required (at most 64 characters)"});
    } else if (!seen.insert(item.project_code()).second) {
      bad.push_back({at + ".project_code", absl::StrCat(item.project_code(), " is listed twice")});
    }
    CheckText(item.note(), at + ".note", 0, 1000, bad);
  }
  absl::flat_hash_set<std::string> banks;
  for (int i = 0; i < r.bank_ids_size(); ++i) {
    if (!banks.insert(r.bank_ids(i)).second) {
      bad.push_back({absl::StrCat("bank_ids[", i, "]"), "bank listed twice"});
    }
  }
  absl::flat_hash_set<std::string> retract;
  for (int i = 0; i < r.retract_project_codes_size(); ++i) {
    const std::string& code = r.retract_project_codes(i);
    if (code.empty() || code.size() > 64 || !retract.insert(code).second || seen.contains(code)) {
      bad.push_back({absl::StrCat("retract_project_codes[", i, "]"),
                     "a project code, listed once and not also among items"});
    }
  }
  if (r.retract_project_codes_size() > 0) {
    CheckText(r.retract_reason(), "retract_reason", 1, 500, bad);
  } else if (!r.retract_reason().empty()) {
    bad.push_back({"retract_reason", "retract_reason goes with retract_project_codes"});
  }
  return bad;
}

std::string EncodeCursor(int64_t principal_id, int64_t seq) {
  return absl::WebSafeBase64Escape(absl::StrCat(kCursorVersion, ":", principal_id, ":", seq));
}

absl::StatusOr<int64_t> DecodeCursor(const std::string& cursor, int64_t principal_id) {
  std::string raw;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(cursor, &raw)) parts = absl::StrSplit(raw, ':');
  int64_t owner = 0, seq = 0;
  if (parts.size() != 3 || parts[0] != kCursorVersion || !absl::SimpleAtoi(parts[1], &owner) ||
      !absl::SimpleAtoi(parts[2], &seq) || seq < 0) {
    return rpc::InvalidField("cursor", "malformed cursor; pass a cursor you received unchanged");
  }
  if (owner != principal_id) {
    return rpc::InvalidField("cursor", "this cursor was issued to another principal");
  }
  return seq;
}

absl::StatusOr<int> ResolveHeartbeat(int seconds) {
  if (seconds == 0) return 30;
  if (seconds < 5 || seconds > 300) {
    return rpc::InvalidField("heartbeat_seconds", "heartbeat_seconds must be 5-300 (0: 30)");
  }
  return seconds;
}

absl::StatusOr<int> ResolveMaxEvents(int events) {
  if (events == 0) return 1;
  if (events < 1 || events > 500) {
    return rpc::InvalidField("max_events_per_message",
                             "max_events_per_message must be 1-500 (0: 1)");
  }
  return events;
}

void CheckFilters(const std::string& region_code, const std::vector<std::string>& industry_codes,
                  const std::vector<int>& renovation_types, std::vector<FieldViolation>& bad) {
  const auto& ref = store::Reference();
  if (!region_code.empty() && ref.regions.Find(region_code) == nullptr) {
    bad.push_back({"region_code", absl::StrCat("unknown region code ", region_code)});
  }
  for (size_t i = 0; i < industry_codes.size(); ++i) {
    const codes::Industry* industry = ref.industries.Find(industry_codes[i]);
    if (industry == nullptr || (industry->level != "division" && industry->level != "group")) {
      bad.push_back({absl::StrCat("industry_codes[", i, "]"),
                     absl::StrCat(industry_codes[i], " is not a GB/T 4754 division or group")});
    }
  }
  for (size_t i = 0; i < renovation_types.size(); ++i) {
    if (!v1::RenovationType_IsValid(renovation_types[i]) || renovation_types[i] == 0) {
      bad.push_back({absl::StrCat("renovation_types[", i, "]"), "unknown renovation type"});
    }
  }
}

}  // namespace techreno::banklink
