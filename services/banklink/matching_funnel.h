// GetMatchingStats' figures: the funnel over the (project, bank) pairs
// (PairFacts), grouped by the dimensions asked for. Project figures count each
// project once per group (its need once, "with feedback" if any of the group's
// banks answered, days to first contact from the group's earliest answer);
// pair figures count pairs by their latest state. Medians and p90 are
// continuous percentiles as PostgreSQL's percentile_cont computes them.
//
// Pure: no database, no clock — the caller passes the pairs and the overdue
// line (banklink_overdue_through). Tested against plain SQL over the same data.
#ifndef TECHRENO_SERVICES_BANKLINK_MATCHING_FUNNEL_H_
#define TECHRENO_SERVICES_BANKLINK_MATCHING_FUNNEL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "services/banklink/banklink_store.h"
#include "services/banklink/pair_facts.h"
#include "techreno/v1/banklink.pb.h"

namespace techreno::banklink {

struct StatsQuery {
  std::vector<v1::MatchingDimension> group_by;  // known dimensions, no repeats
  ReadScopeFilter scope;
  std::string from_period, to_period;  // "YYYY-MM" of first publication; "" = open
  std::string region_code;             // "" or the province = everything
  std::vector<std::string> bank_ids;   // empty = every bank
  std::string publication_id;          // "" = any
  bool include_retracted = false;
  // A pair without feedback of an ACTIVE recommendation is overdue when its
  // received_ordinal is at most this; nullopt: none is (outside the calendar).
  std::optional<int> overdue_through;
};

// One row per group, in key order: MatchingRow figures with the key's values
// (bank names, region and industry names left to the caller). A renovation
// type's key is its number, zero-padded to three digits so that keys sort as
// numbers.
struct StatsRow {
  std::vector<std::string> key;  // one value per group_by dimension
  v1::MatchingRow row;
};

// The rows, and the total: everything the filters pass, each project once
// (absent when nothing passes). One pass over the pairs computes both.
struct FunnelResult {
  std::vector<StatsRow> rows;
  std::optional<v1::MatchingRow> total;
};

// `province_code`: a region_code equal to it filters nothing.
FunnelResult Funnel(const PairFacts& facts, const StatsQuery& q, const std::string& province_code);

// percentile_cont(fraction) over `values` (reordered here), as PostgreSQL
// computes it; nullopt when empty.
std::optional<double> ContinuousPercentile(std::vector<double>& values, double fraction);

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_MATCHING_FUNNEL_H_
