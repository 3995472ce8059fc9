// The (project, bank) pairs GetMatchingStats counts, held in memory and kept
// level with banklink_pair_facts (migration 0013), which triggers maintain at
// the commit of every change to a source.
//
// CatchUp reads only the rows written since the previous call: each row
// carries the id of the transaction that last wrote it, and any transaction a
// snapshot does not see has an id at or above that snapshot's xmin. So after
// CatchUp inside a REPEATABLE READ transaction, the pairs equal exactly what
// that transaction's snapshot sees — as if read whole, at the cost of the rows
// changed since. The first call reads every row, in blocks.
//
// Compact on purpose (×10 is 23,000 projects and 184,000 pairs): a project's
// own figures once, its banks' answers beside them, and the codes the funnel
// groups and filters by as small ids of one dictionary.
//
// Not thread-safe: the caller serialises CatchUp and reads (one mutex).
#ifndef TECHRENO_SERVICES_BANKLINK_PAIR_FACTS_H_
#define TECHRENO_SERVICES_BANKLINK_PAIR_FACTS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace techreno::banklink {

// Texts as small ids, and back.
class Dictionary {
 public:
  uint32_t Id(absl::string_view text);
  std::optional<uint32_t> Find(absl::string_view text) const;
  const std::string& Text(uint32_t id) const { return texts_[id]; }

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> texts_;
};

// One bank's side of a pair.
struct BankPair {
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::min();
  static constexpr int32_t kNoOrdinal = std::numeric_limits<int32_t>::min();
  uint32_t bank = 0;  // dictionary id of bank_id
  int8_t state = 0;   // the latest FeedbackState; 0: no feedback
  int8_t decline_reason = 0;
  int32_t received_ordinal = kNoOrdinal;  // working-day ordinal of the receipt's day
  int64_t first_micros = kNever;          // the bank's first feedback
  int64_t loan_amount_fen = 0;
  int64_t disbursed_fen = 0;
  int64_t subsidy_estimate_fen = 0;
};

// A recommended project with its pairs. Codes are dictionary ids.
struct ProjectPairs {
  uint32_t county = 0, city = 0, industry_division = 0, publish_month = 0;
  std::vector<uint32_t> publications;  // in order, last = latest
  std::vector<int> renovation_types;
  int rec_state = 0;  // RecommendationState
  int64_t publish_micros = 0;
  int64_t financing_need_fen = 0;
  std::vector<BankPair> pairs;  // at least one
};

class PairFacts {
 public:
  // Brings the pairs level with tx's snapshot (tx must be REPEATABLE READ).
  // Throws pqxx exceptions (the caller's transaction maps them).
  void CatchUp(pqxx::transaction_base& tx);

  // Adds or replaces one pair, or removes it (present = false): what CatchUp
  // does with each row read.
  void Apply(absl::string_view project_code, const ProjectPairs& project, const BankPair& pair,
             bool present);

  // Every recommended project with at least one pair, by project code.
  const absl::flat_hash_map<std::string, ProjectPairs>& projects() const { return projects_; }
  Dictionary& dictionary() { return dictionary_; }
  const Dictionary& dictionary() const { return dictionary_; }

 private:
  absl::flat_hash_map<std::string, ProjectPairs> projects_;
  Dictionary dictionary_;
  std::string horizon_ = "0";  // xid8: rows changed at or after it are read
};

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_PAIR_FACTS_H_
