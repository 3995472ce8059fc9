// BankLink's SQL (migration 0011), behind a narrow interface. Every function
// runs inside a transaction the caller owns and may throw pqxx exceptions,
// which store::RunInTransaction maps to absl::Status. Projects are read
// through v_banklink_projects (registry, enterprise, progress and library
// tier in one view).
#ifndef TECHRENO_SERVICES_BANKLINK_BANKLINK_STORE_H_
#define TECHRENO_SERVICES_BANKLINK_BANKLINK_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "techreno/v1/banklink.pb.h"

namespace techreno::banklink {

// A recommendation as stored, with its project as banks see it (always set
// here; views for callers unset it when RETRACTED) and what filters need.
struct RecRow {
  v1::Recommendation rec;  // feedback not filled (FillFeedback does)
  bool all_banks = true;   // audience: every bank, or rec.bank_ids()
  std::string county_code, city_code, industry_code;
};

// One entry of the event log: its audience and the recommendation after it.
struct EventRow {
  int64_t seq = 0;
  v1::RecommendationEventKind kind = v1::RECOMMENDATION_EVENT_KIND_UNSPECIFIED;
  bool to_all = false;
  std::vector<std::string> to_banks, to_except;
  int64_t at_micros = 0;
  RecRow row;
};

// Who sees what (banklink_rules.h ScopeOf): a county or city its region, a
// bank its own, everyone else everything.
struct ReadScopeFilter {
  std::string scope_region;  // "" = every region
  std::string bank_id;       // "" = every bank
};

// A region's code and Chinese name (GB/T 2260), as answers show it.
v1::RegionRef RegionOf(const std::string& code);

// ---- reads
struct RecQuery {
  std::string scope_region;                 // caller's region scope ("" = everything)
  std::string bank_id;                      // a bank caller: only what is addressed to it
  std::string region_code;                  // filter: province, city or county code ("" = any)
  std::vector<std::string> industry_codes;  // division or group prefixes
  std::vector<int> renovation_types;
  int64_t min_financing_need_fen = 0;
  std::string publication_id;
  int64_t updated_since_micros = 0;  // 0 = any
  bool include_retracted = false;
  std::vector<int> feedback_states;  // 0 = no feedback yet
  std::string after_code;            // keyset paging
  int limit = 100;
};
std::vector<RecRow> ListRecs(pqxx::transaction_base& tx, const RecQuery& q);
// The recommendation of `project_code`, locked for update; nullopt if none.
std::optional<RecRow> LockRec(pqxx::transaction_base& tx, const std::string& project_code);
// Fills each recommendation's feedback: every bank's, or only `bank_id`'s.
void FillFeedback(pqxx::transaction_base& tx, const std::string& bank_id,
                  std::vector<v1::Recommendation*>& recs);

// ---- the event log
// The last sequence number committed (what "from now" means).
int64_t LogHead(pqxx::transaction_base& tx);
// Events after `seq`, in sequence order, at most `limit`.
std::vector<EventRow> EventsAfter(pqxx::transaction_base& tx, int64_t seq, int limit);

// ---- banks
absl::flat_hash_map<std::string, std::string> LoadBanks(pqxx::transaction_base& tx);

// ---- publication
struct ProjectConsent {
  std::string county_code;
  int status = 0;
  bool share_with_banks = false;
  int64_t financing_need_fen = 0;
};
// The registry rows of `codes`, locked FOR SHARE in code order (before any
// event is written: the registry's triggers lock in that order too).
absl::flat_hash_map<std::string, ProjectConsent> LockProjects(pqxx::transaction_base& tx,
                                                              std::vector<std::string> codes);
// The next publication id of `year`, "YYYY-NNNN".
std::string NextPublicationId(pqxx::transaction_base& tx, int year);
// Stores the publication, its time the moment of this write (the last
// before the commit: the pair facts are refreshed first, not at the commit);
// returns that time, microseconds since the epoch.
int64_t InsertPublication(pqxx::transaction_base& tx, const v1::Publication& publication,
                          int64_t principal_id);
// Inserts or updates the recommendation (version as given; times now).
void SaveRec(pqxx::transaction_base& tx, const RecRow& row, bool stored);
// A recommendation re-read after a write (times are the store's).
RecRow ReadRec(pqxx::transaction_base& tx, const std::string& project_code);
// Commit-time clock of the transaction, microseconds since the epoch.
int64_t TransactionMicros(pqxx::transaction_base& tx);

// ---- feedback
struct FeedbackRow {
  v1::BankFeedback feedback;
  bool stored = false;
};
std::optional<FeedbackRow> LockFeedback(pqxx::transaction_base& tx, const std::string& project_code,
                                        const std::string& bank_id);
// Stores the feedback (insert or update) and appends it to the history.
void SaveFeedback(pqxx::transaction_base& tx, const FeedbackRow& row,
                  const std::string& county_code, int64_t principal_id,
                  const std::string& request_id);
// When `bank_id` received the project (banklink_receipts: its first
// PUBLISHED event reaching the bank), microseconds; 0 if never.
int64_t FirstReceivedMicros(pqxx::transaction_base& tx, const std::string& project_code,
                            const std::string& bank_id);

// ---- policy (banklink_policies: every version, as BankLinkPolicy JSON)
// The policy of `version`, or the one in force when 0; nullopt if none.
std::optional<v1::BankLinkPolicy> LoadPolicy(pqxx::transaction_base& tx, int64_t version);
// Stores `policy` (its version the next one, set_by filled) and returns it as
// stored (set_time the store's).
v1::BankLinkPolicy InsertPolicy(pqxx::transaction_base& tx, v1::BankLinkPolicy policy,
                                int64_t principal_id, const std::string& request_id);

// ---- candidates (candidate_store.cc)
struct CandidateQuery {
  std::string scope_region;                 // caller's region scope ("" = everything)
  std::vector<std::string> region_codes;    // any of these regions ("" = any)
  std::vector<std::string> industry_codes;  // division or group prefixes
  std::vector<int> renovation_types;
  int min_tier = 0;                                                // LibraryTier
  int64_t min_financing_need_fen = 0, max_financing_need_fen = 0;  // 0 = no bound
  bool on_schedule_only = false;
  bool include_recommended = false;
  int as_of = 0;           // period index: progress as of this month
  std::string after_code;  // keyset paging: projects after this code
  int limit = 2000;
};
// What the score reads of one eligible project.
struct CandidateRow {
  v1::RecommendedProject project;
  int tier = 0;           // highest ACCEPTED library tier, 0 = none
  bool started = false;   // as_of is at or after its start month
  double gap_points = 0;  // behind the straight-line schedule (started only)
  bool recommended = false;
};
// The eligible projects (consent, a financing need, PLANNED or
// UNDER_CONSTRUCTION) matching the filters, by project code: at most `limit`
// after `after_code`.
std::vector<CandidateRow> CandidateRows(pqxx::transaction_base& tx, const CandidateQuery& q);

// ---- deadlines (candidate_store.cc)
struct OverdueQuery {
  ReadScopeFilter scope;
  std::string region_code;
  std::vector<std::string> bank_ids;  // "" = any
  std::string today;                  // "YYYY-MM-DD", China time
  int64_t offset = 0;
  int limit = 100;
};
// Overdue pairs (v_banklink_pairs), by bank, due date, project; at most limit.
// (overdue_store.cc)
std::vector<v1::OverdueRecommendation> OverdueRecs(pqxx::transaction_base& tx,
                                                   const OverdueQuery& q);

// The overdue line on `today` ("YYYY-MM-DD", China time; the SQL function
// banklink_overdue_through): a pair without feedback of an ACTIVE
// recommendation is overdue when its received_ordinal is at most this;
// nullopt outside the calendar (nothing is).
std::optional<int> OverdueThrough(pqxx::transaction_base& tx, const std::string& today);

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_BANKLINK_STORE_H_
