// BankLink's pure rules (no I/O): who reads what, what a caller is shown of a
// recommendation, which feedback transitions are legal, the checks of each
// request's fields, and the watch cursor. Unit-tested in
// tests/unit/banklink_rules_test.cc.
//
// Rule ids (docs/RULES.md): banklink.project.consent, banklink.project.withdrawn,
// banklink.project.unknown, banklink.project.no_need,
// banklink.project.completed (warning),
// banklink.retract.unknown, banklink.feedback.transition,
// banklink.feedback.retracted, banklink.loan_amount.above_need (warning),
// banklink.cursor.expired.
#ifndef TECHRENO_SERVICES_BANKLINK_BANKLINK_RULES_H_
#define TECHRENO_SERVICES_BANKLINK_BANKLINK_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/rpc/status.h"
#include "services/banklink/banklink_store.h"
#include "techreno/v1/banklink.pb.h"

namespace techreno::banklink {

inline constexpr int kMaxPublishItems = 10'000;

// ---- scope
// What a caller reads in ListRecommendations and GetMatchingStats: a county
// or city its own projects (scope_region), a bank what is addressed to it
// (bank_id), the province and auditors everything.
using ReadScope = ReadScopeFilter;
ReadScope ScopeOf(const auth::Principal& caller);
// PERMISSION_DENIED "<role> principal '<name>' may not <what>".
absl::Status Denied(const auth::Principal& caller, const char* what);
// A region filter of a county or city caller must lie within its scope
// (PERMISSION_DENIED otherwise); banks' reads are scoped by bank instead.
absl::Status CheckRegionScope(const auth::Principal& caller, const std::string& region);
// Watchers: banks, the province and auditors (PERMISSION_DENIED otherwise).
absl::Status CheckWatcher(const auth::Principal& caller);

// Whether an audience (every bank, or `bank_ids`) includes `bank_id`.
bool Addresses(bool all_banks, const std::vector<std::string>& bank_ids,
               const std::string& bank_id);
// Whether `event` reaches `caller` (banks: its audience; province, auditors: all).
bool EventReaches(const EventRow& event, const auth::Principal& caller);

// The stream's filters, as in ListRecommendations.
struct RecFilter {
  std::string region_code;
  std::vector<std::string> industry_codes;
  std::vector<int> renovation_types;
  bool Matches(const RecRow& row) const;
};

// What `caller` is shown: without the project when RETRACTED, without the
// audience unless province or auditor. (Feedback is filled per caller by the
// store.)
void ShapeForCaller(const auth::Principal& caller, v1::Recommendation& rec);

// ---- feedback
// Legal transitions (banklink.proto SubmitFeedback); `from` UNSPECIFIED means
// no feedback yet. FAILED_PRECONDITION (banklink.feedback.transition) otherwise.
absl::Status CheckFeedbackTransition(v1::FeedbackState from, v1::FeedbackState to);
// Every bad field of a SubmitFeedback request; `now_micros` bounds
// effective_time.
std::vector<rpc::FieldViolation> CheckSubmitFeedback(const v1::SubmitFeedbackRequest& r,
                                                     int64_t now_micros);

// ---- publication
// Every bad field that needs no store (ids, title, notes, duplicates).
std::vector<rpc::FieldViolation> CheckPublishRequest(const v1::PublishRecommendationsRequest& r);

// ---- watch
std::string EncodeCursor(int64_t principal_id, int64_t seq);
// The sequence number after which to resume; INVALID_ARGUMENT (field
// "cursor") when malformed or issued to another principal.
absl::StatusOr<int64_t> DecodeCursor(const std::string& cursor, int64_t principal_id);
// heartbeat_seconds: 0 → 30; else 5–300 (INVALID_ARGUMENT otherwise).
absl::StatusOr<int> ResolveHeartbeat(int seconds);
// max_events_per_message: 0 → 1; else 1–500 (INVALID_ARGUMENT otherwise).
absl::StatusOr<int> ResolveMaxEvents(int events);
// The checks shared by ListRecommendations and WatchRecommendations filters.
void CheckFilters(const std::string& region_code, const std::vector<std::string>& industry_codes,
                  const std::vector<int>& renovation_types, std::vector<rpc::FieldViolation>& bad);

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_BANKLINK_RULES_H_
