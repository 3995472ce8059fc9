#include "services/banklink/banklink_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <stdexcept>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/store/arrays.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"

namespace techreno::banklink {
namespace {

using google::protobuf::util::TimeUtil;
using store::Exec;

#define US(column) "(extract(epoch from " column ") * 1000000)::bigint"

// A project `p` as banks see it (v_banklink_projects).
#define PROJECT_COLUMNS                                                                      \
  "p.project_code, p.name, p.enterprise_credit_code, p.enterprise_name, p.county_code, "     \
  "p.city_code, p.industry_code, p.renovation_types, p.requested_support, "                  \
  "p.planned_investment_fen, p.planned_equipment_investment_fen, p.financing_need_fen, "     \
  "p.completed_fen, p.start_period, p.planned_completion_period, p.status, p.revenue_band, " \
  "p.above_designated_size, p.integration_pilot, p.integration_certified, p.description, "   \
  "p.provincial_key_project"
constexpr int kProjectColumns = 22;

// A recommendation `r` joined with its project `p`; valid over
// banklink_recommendations and banklink_events alike.
#define REC_COLUMNS \
  "r.state, r.note, r.all_banks, array_to_string(r.bank_ids, ','), "                            \
  "array_to_string(r.publication_ids, ','), " US("r.publish_time") ", " US("r.update_time") \
  ", coalesce(" US("r.retract_time") ", 0), r.retract_reason, r.version, " PROJECT_COLUMNS

std::vector<std::string> SplitIds(const char* text) {
  return absl::StrSplit(text, ',', absl::SkipEmpty());
}

// Reads PROJECT_COLUMNS starting at column `at` into `p`, and the codes
// filters need into `out`.
void ProjectFromRow(const pqxx::row& row, int at, v1::RecommendedProject& p, RecRow& out) {
  auto c = [&](int i) { return row[at + i]; };
  p.set_project_code(c(0).c_str());
  p.set_name(c(1).c_str());
  p.set_enterprise_credit_code(c(2).c_str());
  p.set_enterprise_name(c(3).c_str());
  out.county_code = c(4).c_str();
  out.city_code = c(5).c_str();
  out.industry_code = c(6).c_str();
  *p.mutable_county() = RegionOf(out.county_code);
  *p.mutable_city() = RegionOf(out.city_code);
  p.set_industry_code(out.industry_code);
  if (const codes::Industry* i = store::Reference().industries.Find(out.industry_code)) {
    p.set_industry_name(i->name);
  }
  store::ParseIntArray(c(7).c_str(), p.mutable_renovation_types());
  store::ParseIntArray(c(8).c_str(), p.mutable_requested_support());
  p.set_planned_investment_fen(c(9).as<int64_t>());
  p.set_planned_equipment_investment_fen(c(10).as<int64_t>());
  p.set_financing_need_fen(c(11).as<int64_t>());
  p.set_completed_investment_fen(c(12).as<int64_t>());
  p.set_start_period(c(13).c_str());
  p.set_planned_completion_period(c(14).c_str());
  p.set_status(static_cast<v1::ProjectStatus>(c(15).as<int>()));
  p.set_revenue_band(static_cast<v1::RevenueBand>(c(16).as<int>()));
  p.set_above_designated_size(c(17).as<bool>());
  p.set_integration_pilot(c(18).as<bool>());
  p.set_integration_certified(c(19).as<bool>());
  p.set_description(c(20).c_str());
  p.set_provincial_key_project(c(21).as<bool>());
}

// Reads REC_COLUMNS starting at column `at`.
RecRow RecFromRow(const pqxx::row& row, int at) {
  auto c = [&](int i) { return row[at + i]; };
  RecRow out;
  v1::Recommendation& rec = out.rec;
  rec.set_state(static_cast<v1::RecommendationState>(c(0).as<int>()));
  rec.set_note(c(1).c_str());
  out.all_banks = c(2).as<bool>();
  for (std::string& id : SplitIds(c(3).c_str())) rec.add_bank_ids(std::move(id));
  for (std::string& id : SplitIds(c(4).c_str())) rec.add_publication_ids(std::move(id));
  *rec.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(c(5).as<int64_t>());
  *rec.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(c(6).as<int64_t>());
  if (int64_t retract = c(7).as<int64_t>(); retract != 0) {
    *rec.mutable_retract_time() = TimeUtil::MicrosecondsToTimestamp(retract);
  }
  rec.set_retract_reason(c(8).c_str());
  rec.set_version(c(9).as<int64_t>());
  ProjectFromRow(row, at + 10, *rec.mutable_project(), out);
  rec.set_project_code(rec.project().project_code());
  return out;
}
constexpr int kRecColumns = 10 + kProjectColumns;

// A bank's feedback `f` with its bank `b` and its loan's subsidy estimate.
#define FEEDBACK_COLUMNS \
  "f.project_code, f.bank_id, b.name, f.state, f.loan_amount_fen, f.decline_reason, "       \
  "f.decline_detail, f.note, " US("f.effective_time") ", " US("f.first_time") ", " US(      \
      "f.update_time") ", f.submitted_by, f.version, f.interest_rate_bp, f.term_months, "   \
                       "f.disbursed_fen, coalesce(" US("f.disbursement_time") ", 0), "       \
                       "coalesce((SELECT l.subsidy_estimate_fen FROM v_banklink_loans l"     \
                       "  WHERE l.project_code = f.project_code AND l.bank_id = f.bank_id), 0)"

v1::BankFeedback FeedbackFromRow(const pqxx::row& row) {
  v1::BankFeedback f;
  f.set_project_code(row[0].c_str());
  f.set_bank_id(row[1].c_str());
  f.set_bank_name(row[2].c_str());
  f.set_state(static_cast<v1::FeedbackState>(row[3].as<int>()));
  f.set_loan_amount_fen(row[4].as<int64_t>());
  f.set_decline_reason(static_cast<v1::DeclineReason>(row[5].as<int>()));
  f.set_decline_detail(row[6].c_str());
  f.set_note(row[7].c_str());
  *f.mutable_effective_time() = TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
  *f.mutable_first_time() = TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
  *f.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[10].as<int64_t>());
  f.set_submitted_by(row[11].c_str());
  f.set_version(row[12].as<int64_t>());
  f.set_interest_rate_bp(row[13].as<int>());
  f.set_term_months(row[14].as<int>());
  f.set_disbursed_fen(row[15].as<int64_t>());
  if (int64_t at = row[16].as<int64_t>(); at != 0) {
    *f.mutable_disbursement_time() = TimeUtil::MicrosecondsToTimestamp(at);
  }
  f.set_subsidy_estimate_fen(row[17].as<int64_t>());
  return f;
}

}  // namespace

v1::RegionRef RegionOf(const std::string& code) {
  v1::RegionRef ref;
  ref.set_code(code);
  if (const codes::Region* r = store::Reference().regions.Find(code)) ref.set_name(r->name);
  return ref;
}

std::vector<RecRow> ListRecs(pqxx::transaction_base& tx, const RecQuery& q) {
  pqxx::result rows = Exec(
      tx, "banklink_list",
      "SELECT " REC_COLUMNS
      " FROM banklink_recommendations r JOIN v_banklink_projects p USING (project_code)"
      " WHERE r.project_code > $1"
      "   AND ($2 = '' OR p.county_code = $2 OR p.city_code = $2)"
      "   AND ($3 = '' OR r.all_banks OR $3 = ANY (r.bank_ids))"
      "   AND ($4 = '' OR $4 = $13 OR p.county_code = $4 OR p.city_code = $4)"
      "   AND (cardinality($5::text[]) = 0"
      "        OR p.industry_code LIKE ANY (SELECT x || '%' FROM unnest($5::text[]) x))"
      "   AND (cardinality($6::smallint[]) = 0 OR p.renovation_types && $6::smallint[])"
      "   AND p.financing_need_fen >= $7::bigint"
      "   AND ($8 = '' OR $8 = ANY (r.publication_ids))"
      "   AND ($9::bigint = 0 OR r.update_time >= to_timestamp($9::bigint / 1000000.0))"
      "   AND ($10::boolean OR r.state = 1)"
      "   AND (cardinality($11::smallint[]) = 0 OR coalesce("
      "          (SELECT f.state FROM banklink_feedback f WHERE f.project_code = r.project_code"
      "             AND ($3 = '' OR f.bank_id = $3) ORDER BY f.update_time DESC LIMIT 1), 0)"
      "        = ANY ($11::smallint[]))"
      " ORDER BY r.project_code LIMIT $12",
      q.after_code, q.scope_region, q.bank_id, q.region_code, store::TextArray(q.industry_codes),
      store::NumberArray(q.renovation_types), q.min_financing_need_fen, q.publication_id,
      q.updated_since_micros, q.include_retracted, store::NumberArray(q.feedback_states), q.limit,
      store::Reference().regions.ProvinceCode());
  std::vector<RecRow> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(RecFromRow(row, 0));
  return out;
}

std::optional<RecRow> LockRec(pqxx::transaction_base& tx, const std::string& project_code) {
  pqxx::result rows =
      Exec(tx, "banklink_lock_rec",
           "SELECT " REC_COLUMNS
           " FROM banklink_recommendations r JOIN v_banklink_projects p USING (project_code)"
           " WHERE r.project_code = $1 FOR UPDATE OF r",
           project_code);
  if (rows.empty()) return std::nullopt;
  return RecFromRow(rows[0], 0);
}

std::vector<CandidateRow> CandidateRows(pqxx::transaction_base& tx, const CandidateQuery& q) {
  pqxx::result rows =
      Exec(tx, "banklink_candidates",
           "SELECT " PROJECT_COLUMNS
           ", p.library_tier, coalesce(f.start_index <= $9::int, false), coalesce(s.gap_points, 0),"
           " EXISTS (SELECT 1 FROM banklink_recommendations r"
           "          WHERE r.project_code = p.project_code AND r.state = 1)"
           " FROM v_banklink_projects p LEFT JOIN v_project_progress f USING (project_code)"
           " CROSS JOIN LATERAL monitoring_progress_as_of(p.project_code, $9::int) a"
           " LEFT JOIN LATERAL monitoring_schedule(p.planned_investment_fen, f.start_index,"
           "   f.planned_completion_index, a.completed, a.last_reported, $9::int) s ON true"
           " WHERE p.share_with_banks AND p.financing_need_fen > 0 AND p.status IN (1, 2)"
           "   AND ($1 = '' OR p.county_code = $1 OR p.city_code = $1)"
           "   AND (cardinality($2::text[]) = 0 OR p.county_code = ANY ($2::text[])"
           "        OR p.city_code = ANY ($2::text[]) OR $10 = ANY ($2::text[]))"
           "   AND (cardinality($3::text[]) = 0"
           "        OR p.industry_code LIKE ANY (SELECT x || '%' FROM unnest($3::text[]) x))"
           "   AND (cardinality($4::smallint[]) = 0 OR p.renovation_types && $4::smallint[])"
           "   AND p.library_tier >= $5::int"
           "   AND p.financing_need_fen >= $6::bigint"
           "   AND ($7::bigint = 0 OR p.financing_need_fen <= $7::bigint)"
           "   AND ($8::boolean OR NOT EXISTS (SELECT 1 FROM banklink_recommendations r"
           "          WHERE r.project_code = p.project_code AND r.state = 1))"
           "   AND (NOT $11::boolean OR coalesce(f.start_index > $9::int, true)"
           "        OR coalesce(s.gap_points, 0) <= 0)"
           "   AND p.project_code > $12"
           " ORDER BY p.project_code LIMIT $13",
           q.scope_region, store::TextArray(q.region_codes), store::TextArray(q.industry_codes),
           store::NumberArray(q.renovation_types), q.min_tier, q.min_financing_need_fen,
           q.max_financing_need_fen, q.include_recommended, q.as_of,
           store::Reference().regions.ProvinceCode(), q.on_schedule_only, q.after_code, q.limit);
  std::vector<CandidateRow> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    CandidateRow c;
    RecRow codes;
    ProjectFromRow(row, 0, c.project, codes);
    c.tier = row[kProjectColumns].as<int>();
    c.started = row[kProjectColumns + 1].as<bool>();
    c.gap_points = c.started ? row[kProjectColumns + 2].as<double>() : 0;
    c.recommended = row[kProjectColumns + 3].as<bool>();
    out.push_back(std::move(c));
  }
  return out;
}

RecRow ReadRec(pqxx::transaction_base& tx, const std::string& project_code) {
  pqxx::result rows =
      Exec(tx, "banklink_read_rec",
           "SELECT " REC_COLUMNS
           " FROM banklink_recommendations r JOIN v_banklink_projects p USING (project_code)"
           " WHERE r.project_code = $1",
           project_code);
  return RecFromRow(rows.at(0), 0);
}

void FillFeedback(pqxx::transaction_base& tx, const std::string& bank_id,
                  std::vector<v1::Recommendation*>& recs) {
  if (recs.empty()) return;
  std::vector<std::string> codes;
  absl::flat_hash_map<std::string, v1::Recommendation*> by_code;
  for (v1::Recommendation* r : recs) {
    codes.push_back(r->project_code());
    by_code[r->project_code()] = r;
  }
  pqxx::result rows =
      Exec(tx, "banklink_feedback_of",
           "SELECT " FEEDBACK_COLUMNS
           " FROM banklink_feedback f JOIN banklink_banks b USING (bank_id)"
           " WHERE f.project_code = ANY ($1::text[]) AND ($2 = '' OR f.bank_id = $2)"
           " ORDER BY f.project_code, f.bank_id",
           store::TextArray(codes), bank_id);
  for (const auto& row : rows) {
    *by_code[row[0].c_str()]->add_feedback() = FeedbackFromRow(row);
  }
}

int64_t LogHead(pqxx::transaction_base& tx) {
  return Exec(tx, "banklink_log_head", "SELECT seq FROM banklink_log_head")[0][0].as<int64_t>();
}

std::vector<EventRow> EventsAfter(pqxx::transaction_base& tx, int64_t seq, int limit) {
  pqxx::result rows =
      Exec(tx, "banklink_events_after",
           "SELECT r.seq, r.kind, r.to_all, array_to_string(r.to_banks, ','),"
           "       array_to_string(r.to_except, ','), " US(
               "r.at") ", " REC_COLUMNS
                       " FROM banklink_events r JOIN v_banklink_projects p USING (project_code)"
                       " WHERE r.seq > $1 ORDER BY r.seq LIMIT $2",
           seq, limit);
  std::vector<EventRow> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    EventRow e;
    e.seq = row[0].as<int64_t>();
    e.kind = static_cast<v1::RecommendationEventKind>(row[1].as<int>());
    e.to_all = row[2].as<bool>();
    e.to_banks = SplitIds(row[3].c_str());
    e.to_except = SplitIds(row[4].c_str());
    e.at_micros = row[5].as<int64_t>();
    e.row = RecFromRow(row, 6);
    out.push_back(std::move(e));
  }
  static_assert(kRecColumns == 32);
  return out;
}

absl::flat_hash_map<std::string, std::string> LoadBanks(pqxx::transaction_base& tx) {
  absl::flat_hash_map<std::string, std::string> banks;
  for (const auto& row : Exec(tx, "banklink_banks", "SELECT bank_id, name FROM banklink_banks")) {
    banks[row[0].c_str()] = row[1].c_str();
  }
  return banks;
}

absl::flat_hash_map<std::string, ProjectConsent> LockProjects(pqxx::transaction_base& tx,
                                                              std::vector<std::string> codes) {
  std::sort(codes.begin(), codes.end());
  pqxx::result rows =
      Exec(tx, "banklink_lock_projects",
           "SELECT project_code, county_code, status, share_with_banks, financing_need_fen"
           " FROM registry_projects WHERE project_code = ANY ($1::text[])"
           " ORDER BY project_code FOR SHARE",
           store::TextArray(codes));
  absl::flat_hash_map<std::string, ProjectConsent> out;
  for (const auto& row : rows) {
    out[row[0].c_str()] = {row[1].c_str(), row[2].as<int>(), row[3].as<bool>(),
                           row[4].as<int64_t>()};
  }
  return out;
}

std::string NextPublicationId(pqxx::transaction_base& tx, int year) {
  // Serialised by the event log's head, which every publication locks first.
  Exec(tx, "banklink_lock_head", "SELECT seq FROM banklink_log_head FOR UPDATE");
  const int serial = Exec(tx, "banklink_next_publication",
                          "SELECT coalesce(max(serial), 0) + 1 FROM banklink_publications"
                          " WHERE year = $1",
                          year)[0][0]
                         .as<int>();
  return absl::StrFormat("%04d-%04d", year, serial);
}

int64_t InsertPublication(pqxx::transaction_base& tx, const v1::Publication& p,
                          int64_t principal_id) {
  // The pair facts' refresh (migration 0013) would run at the commit, after
  // publish_time; run it now, so that this write stays the last.
  tx.exec("SET CONSTRAINTS banklink_refresh_dirty IMMEDIATE");
  std::vector<std::string> banks(p.bank_ids().begin(), p.bank_ids().end());
  int year = 0, serial = 0;
  absl::SimpleAtoi(p.publication_id().substr(0, 4), &year);
  absl::SimpleAtoi(p.publication_id().substr(5), &serial);
  // clock_timestamp(): the last write before the commit, so the publication's
  // time is its commit's, not its transaction's start (a large one takes a second).
  return Exec(tx, "banklink_insert_publication",
              "INSERT INTO banklink_publications (publication_id, year, serial, title, bank_ids,"
              " principal_id, published_by, added, updated, unchanged, retracted, publish_time)"
              " VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11, clock_timestamp())"
              " RETURNING " US("publish_time"),
              p.publication_id(), year, serial, p.title(), store::TextArray(banks), principal_id,
              p.published_by(), p.added(), p.updated(), p.unchanged(), p.retracted())[0][0]
      .as<int64_t>();
}

void SaveRec(pqxx::transaction_base& tx, const RecRow& row, bool stored) {
  const v1::Recommendation& r = row.rec;
  std::vector<std::string> banks(r.bank_ids().begin(), r.bank_ids().end());
  std::vector<std::string> pubs(r.publication_ids().begin(), r.publication_ids().end());
  const bool retracted = r.state() == v1::RECOMMENDATION_STATE_RETRACTED;
  if (!stored) {
    Exec(tx, "banklink_insert_rec",
         "INSERT INTO banklink_recommendations (project_code, county_code, state, note,"
         " all_banks, bank_ids, publication_ids, version)"
         " VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8)",
         r.project_code(), row.county_code, static_cast<int>(r.state()), r.note(), row.all_banks,
         store::TextArray(banks), store::TextArray(pubs), r.version());
    return;
  }
  Exec(tx, "banklink_update_rec",
       "UPDATE banklink_recommendations SET state = $2, note = $3, all_banks = $4,"
       " bank_ids = $5::text[], publication_ids = $6::text[], version = $7, update_time = now(),"
       " retract_time = CASE WHEN $8 THEN coalesce(retract_time, now()) END,"
       " retract_reason = CASE WHEN $8 THEN $9 ELSE '' END"
       " WHERE project_code = $1",
       r.project_code(), static_cast<int>(r.state()), r.note(), row.all_banks,
       store::TextArray(banks), store::TextArray(pubs), r.version(), retracted, r.retract_reason());
}

int64_t TransactionMicros(pqxx::transaction_base& tx) {
  return Exec(tx, "banklink_now", "SELECT " US("now()"))[0][0].as<int64_t>();
}

std::optional<FeedbackRow> LockFeedback(pqxx::transaction_base& tx, const std::string& project_code,
                                        const std::string& bank_id) {
  pqxx::result rows = Exec(tx, "banklink_lock_feedback",
                           "SELECT " FEEDBACK_COLUMNS
                           " FROM banklink_feedback f JOIN banklink_banks b USING (bank_id)"
                           " WHERE f.project_code = $1 AND f.bank_id = $2 FOR UPDATE OF f",
                           project_code, bank_id);
  if (rows.empty()) return std::nullopt;
  return FeedbackRow{FeedbackFromRow(rows[0]), true};
}

void SaveFeedback(pqxx::transaction_base& tx, const FeedbackRow& row,
                  const std::string& county_code, int64_t principal_id,
                  const std::string& request_id) {
  const v1::BankFeedback& f = row.feedback;
  const int64_t effective = TimeUtil::TimestampToMicroseconds(f.effective_time());
  const int64_t first = TimeUtil::TimestampToMicroseconds(f.first_time());
  const int64_t disbursed_at =
      f.has_disbursement_time() ? TimeUtil::TimestampToMicroseconds(f.disbursement_time()) : 0;
  Exec(
      tx, "banklink_save_feedback",
      "INSERT INTO banklink_feedback (project_code, bank_id, county_code, state,"
      " loan_amount_fen, decline_reason, decline_detail, note, effective_time, first_time,"
      " update_time, submitted_by, version, interest_rate_bp, term_months, disbursed_fen,"
      " disbursement_time)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9::bigint / 1000000.0),"
      "         to_timestamp($10::bigint / 1000000.0), now(), $11, $12, $13, $14, $15,"
      "         CASE WHEN $16::bigint = 0 THEN NULL ELSE to_timestamp($16::bigint / 1000000.0) END)"
      " ON CONFLICT (project_code, bank_id) DO UPDATE SET state = EXCLUDED.state,"
      "  loan_amount_fen = EXCLUDED.loan_amount_fen, decline_reason = EXCLUDED.decline_reason,"
      "  decline_detail = EXCLUDED.decline_detail, note = EXCLUDED.note,"
      "  effective_time = EXCLUDED.effective_time, update_time = now(),"
      "  submitted_by = EXCLUDED.submitted_by, version = EXCLUDED.version,"
      "  interest_rate_bp = EXCLUDED.interest_rate_bp, term_months = EXCLUDED.term_months,"
      "  disbursed_fen = EXCLUDED.disbursed_fen, disbursement_time = EXCLUDED.disbursement_time",
      f.project_code(), f.bank_id(), county_code, static_cast<int>(f.state()), f.loan_amount_fen(),
      static_cast<int>(f.decline_reason()), f.decline_detail(), f.note(), effective, first,
      f.submitted_by(), f.version(), f.interest_rate_bp(), f.term_months(), f.disbursed_fen(),
      disbursed_at);
  Exec(tx, "banklink_feedback_history",
       "INSERT INTO banklink_feedback_history (project_code, bank_id, version, state,"
       " loan_amount_fen, decline_reason, decline_detail, note, effective_time, principal_id,"
       " submitted_by, request_id, interest_rate_bp, term_months, disbursed_fen,"
       " disbursement_time)"
       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9::bigint / 1000000.0), $10, $11,"
       "         $12, $13, $14, $15,"
       "         CASE WHEN $16::bigint = 0 THEN NULL ELSE to_timestamp($16::bigint / 1000000.0) "
       "END)",
       f.project_code(), f.bank_id(), f.version(), static_cast<int>(f.state()), f.loan_amount_fen(),
       static_cast<int>(f.decline_reason()), f.decline_detail(), f.note(), effective, principal_id,
       f.submitted_by(), request_id, f.interest_rate_bp(), f.term_months(), f.disbursed_fen(),
       disbursed_at);
}

int64_t FirstReceivedMicros(pqxx::transaction_base& tx, const std::string& project_code,
                            const std::string& bank_id) {
  pqxx::result rows = Exec(tx, "banklink_first_received",
                           "SELECT " US("received_at") " FROM banklink_receipts"
                           " WHERE project_code = $1 AND bank_id = $2",
                           project_code, bank_id);
  return rows.empty() ? 0 : rows[0][0].as<int64_t>();
}

std::optional<v1::BankLinkPolicy> LoadPolicy(pqxx::transaction_base& tx, int64_t version) {
  pqxx::result rows = Exec(tx, "banklink_policy",
                           "SELECT version, policy::text, principal_name, " US("at")
                           " FROM banklink_policies WHERE $1::bigint = 0 OR version = $1"
                           " ORDER BY version DESC LIMIT 1",
                           version);
  if (rows.empty()) return std::nullopt;
  v1::BankLinkPolicy policy;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a newer server's fields, read by an older one
  if (!google::protobuf::util::JsonStringToMessage(rows[0][1].c_str(), &policy, options).ok()) {
    throw std::runtime_error("banklink_policies holds a policy that does not parse");
  }
  policy.set_version(rows[0][0].as<int64_t>());
  policy.set_set_by(rows[0][2].c_str());
  *policy.mutable_set_time() = TimeUtil::MicrosecondsToTimestamp(rows[0][3].as<int64_t>());
  return policy;
}

v1::BankLinkPolicy InsertPolicy(pqxx::transaction_base& tx, v1::BankLinkPolicy policy,
                                int64_t principal_id, const std::string& request_id) {
  policy.clear_set_time();
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;  // SQL reads every term (v_banklink_terms)
  (void)google::protobuf::util::MessageToJsonString(policy, &json, options);
  Exec(tx, "banklink_insert_policy",
       "INSERT INTO banklink_policies (version, policy, principal_id, principal_name, request_id)"
       " VALUES ($1, $2::jsonb, $3, $4, $5)",
       policy.version(), json, principal_id, policy.set_by(), request_id);
  return *LoadPolicy(tx, policy.version());
}

}  // namespace techreno::banklink
