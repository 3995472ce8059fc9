// PairFacts::CatchUp: the rows of banklink_pair_facts written since the last
// call (changed_xid at or after the previous snapshot's xmin), read through a
// cursor in blocks so that the first call's 184,000 rows (×10) never sit in
// one result.
#include "services/banklink/pair_facts.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace techreno::banklink {
namespace {

constexpr int kBlockRows = 10'000;

#define US(column) "(extract(epoch from " column ") * 1000000)::bigint"

std::string ChangedSince(pqxx::transaction_base& tx, const std::string& horizon) {
  return absl::StrCat(
      "SELECT project_code, bank_id, present, county_code, city_code, industry_division,"
      "       array_to_string(renovation_types, ','), array_to_string(publication_ids, ','),"
      "       " US("publish_time") ", publish_month, rec_state, financing_need_fen,"
      "       coalesce(state, 0), loan_amount_fen, decline_reason, " US("first_time") ","
      "       disbursed_fen, subsidy_estimate_fen, received_ordinal"
      " FROM banklink_pair_facts WHERE changed_xid >= ",
      tx.quote(horizon), "::xid8");
}

#undef US

void FromRow(const pqxx::row& r, Dictionary& dictionary, ProjectPairs& p, BankPair& b) {
  b.bank = dictionary.Id(r[1].c_str());
  p.county = dictionary.Id(r[3].c_str());
  p.city = dictionary.Id(r[4].c_str());
  p.industry_division = dictionary.Id(r[5].c_str());
  for (absl::string_view t : absl::StrSplit(r[6].c_str(), ',', absl::SkipEmpty())) {
    int type = 0;
    if (absl::SimpleAtoi(t, &type)) p.renovation_types.push_back(type);
  }
  for (absl::string_view id : absl::StrSplit(r[7].c_str(), ',', absl::SkipEmpty())) {
    p.publications.push_back(dictionary.Id(id));
  }
  p.publish_micros = r[8].as<int64_t>();
  p.publish_month = dictionary.Id(r[9].c_str());
  p.rec_state = r[10].as<int>();
  p.financing_need_fen = r[11].as<int64_t>();
  b.state = static_cast<int8_t>(r[12].as<int>());
  b.loan_amount_fen = r[13].as<int64_t>();
  b.decline_reason = static_cast<int8_t>(r[14].as<int>());
  if (!r[15].is_null()) b.first_micros = r[15].as<int64_t>();
  b.disbursed_fen = r[16].as<int64_t>();
  b.subsidy_estimate_fen = r[17].as<int64_t>();
  if (!r[18].is_null()) b.received_ordinal = r[18].as<int32_t>();
}

}  // namespace

uint32_t Dictionary::Id(absl::string_view text) {
  auto [it, added] = ids_.try_emplace(text, static_cast<uint32_t>(texts_.size()));
  if (added) texts_.emplace_back(text);
  return it->second;
}

std::optional<uint32_t> Dictionary::Find(absl::string_view text) const {
  auto it = ids_.find(text);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void PairFacts::Apply(absl::string_view project_code, const ProjectPairs& project,
                      const BankPair& pair, bool present) {
  auto it = projects_.find(project_code);
  if (!present) {
    if (it == projects_.end()) return;
    auto& pairs = it->second.pairs;
    pairs.erase(std::remove_if(pairs.begin(), pairs.end(),
                               [&](const BankPair& b) { return b.bank == pair.bank; }),
                pairs.end());
    if (pairs.empty()) projects_.erase(it);
    return;
  }
  if (it == projects_.end()) it = projects_.emplace(project_code, ProjectPairs{}).first;
  ProjectPairs& p = it->second;
  // The project's own figures are in every row of it, and a change to them
  // rewrites every row: the latest row read is right for all.
  std::vector<BankPair> pairs = std::move(p.pairs);
  p = project;
  p.pairs = std::move(pairs);
  auto same = std::find_if(p.pairs.begin(), p.pairs.end(),
                           [&](const BankPair& b) { return b.bank == pair.bank; });
  if (same != p.pairs.end()) {
    *same = pair;
  } else {
    p.pairs.push_back(pair);
  }
}

void PairFacts::CatchUp(pqxx::transaction_base& tx) {
  // Read first: the next call starts from this snapshot's xmin.
  std::string horizon =
      tx.exec("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")[0][0].c_str();
  pqxx::icursorstream cursor(tx, ChangedSince(tx, horizon_), "banklink_pair_facts", kBlockRows);
  pqxx::result block;
  while (cursor >> block) {
    for (const auto& r : block) {
      ProjectPairs project;
      BankPair pair;
      FromRow(r, dictionary_, project, pair);
      Apply(r[0].c_str(), project, pair, r[2].as<bool>());
    }
  }
  horizon_ = std::move(horizon);
}

}  // namespace techreno::banklink
