// The funnel: each recommended project that passes the filters, with its
// banks that pass them, adds to the group(s) its keys name — once per
// renovation type when grouped by type, once per bank when grouped by bank —
// its project figures once and its pairs' figures each; then each group's row
// is finished (rates, percentiles) and the rows sorted by their keys' text.
#include "services/banklink/matching_funnel.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_format.h"

namespace techreno::banklink {
namespace {

constexpr uint32_t kUnknown = UINT32_MAX;  // no pair has it
constexpr size_t kMaxDimensions = 7;
using GroupKey = std::array<uint32_t, kMaxDimensions>;
constexpr double kMicrosPerDay = 86400.0 * 1e6;

// The query's codes as dictionary ids.
struct Filter {
  std::optional<uint32_t> scope_region, region, publication;
  std::vector<uint32_t> banks;  // empty: every bank
  bool no_bank = false;         // the banks named are none the pairs have

  Filter(const StatsQuery& q, const Dictionary& d, const std::string& province_code) {
    auto id = [&](const std::string& code) { return d.Find(code).value_or(kUnknown); };
    if (!q.scope.scope_region.empty()) scope_region = id(q.scope.scope_region);
    if (!q.region_code.empty() && q.region_code != province_code) region = id(q.region_code);
    if (!q.publication_id.empty()) publication = id(q.publication_id);
    std::vector<std::string> named = q.bank_ids;
    if (!q.scope.bank_id.empty()) {
      // A bank sees only itself, whatever it named.
      named = {q.scope.bank_id};
    }
    for (const auto& b : named) {
      if (auto found = d.Find(b)) banks.push_back(*found);
    }
    no_bank = !named.empty() && banks.empty();
  }

  bool Project(const ProjectPairs& p, const StatsQuery& q, const Dictionary& d) const {
    auto in = [&](const std::optional<uint32_t>& region) {
      return !region || p.county == *region || p.city == *region;
    };
    const std::string& month = d.Text(p.publish_month);
    return in(scope_region) && in(region) &&
           (!publication ||
            std::count(p.publications.begin(), p.publications.end(), *publication) > 0) &&
           (q.include_retracted || p.rec_state == v1::RECOMMENDATION_STATE_ACTIVE) &&
           (q.from_period.empty() || month >= q.from_period) &&
           (q.to_period.empty() || month <= q.to_period);
  }

  bool Bank(const BankPair& b) const {
    return banks.empty() || std::count(banks.begin(), banks.end(), b.bank) > 0;
  }
};

struct Group {
  int64_t projects = 0, need_fen = 0, with_feedback = 0, financed = 0;
  std::vector<double> days;  // to first contact, per project with feedback
  int64_t contacted = 0, reviewing = 0, granted = 0, declined = 0;
  int64_t loan_fen = 0, disbursed_fen = 0, subsidy_fen = 0, overdue = 0;
  std::array<int64_t, 8> decline_reasons{};  // by DeclineReason (0–7)
};

bool Overdue(const ProjectPairs& p, const BankPair& b, const StatsQuery& q) {
  return b.state == 0 && p.rec_state == v1::RECOMMENDATION_STATE_ACTIVE &&
         b.received_ordinal != BankPair::kNoOrdinal && q.overdue_through &&
         b.received_ordinal <= *q.overdue_through;
}

// Project `p` with these of its pairs adds to group `g`.
void Add(const ProjectPairs& p, const std::vector<const BankPair*>& pairs, const StatsQuery& q,
         Group& g) {
  bool with_feedback = false, financed = false;
  int64_t first = BankPair::kNever;
  for (const BankPair* b : pairs) {
    switch (b->state) {
      case v1::FEEDBACK_STATE_CONTACTED:
        ++g.contacted;
        break;
      case v1::FEEDBACK_STATE_REVIEWING:
        ++g.reviewing;
        break;
      case v1::FEEDBACK_STATE_LOAN_GRANTED:
        ++g.granted;
        g.loan_fen += b->loan_amount_fen;
        financed = true;
        break;
      case v1::FEEDBACK_STATE_DECLINED:
        ++g.declined;
        ++g.decline_reasons[static_cast<size_t>(b->decline_reason) % 8];
        break;
      default:
        break;
    }
    if (b->state != 0) with_feedback = true;
    if (b->first_micros != BankPair::kNever &&
        (first == BankPair::kNever || b->first_micros < first)) {
      first = b->first_micros;
    }
    g.disbursed_fen += b->disbursed_fen;
    g.subsidy_fen += b->subsidy_estimate_fen;
    if (Overdue(p, *b, q)) ++g.overdue;
  }
  ++g.projects;
  g.need_fen += p.financing_need_fen;
  if (financed) ++g.financed;
  if (with_feedback) {
    ++g.with_feedback;
    g.days.push_back((first - p.publish_micros) / kMicrosPerDay);
  }
}

v1::MatchingRow Finish(Group& g) {
  v1::MatchingRow m;
  m.set_recommended_projects(g.projects);
  m.set_financing_need_fen(g.need_fen);
  m.set_projects_with_feedback(g.with_feedback);
  m.set_projects_without_feedback(g.projects - g.with_feedback);
  m.set_projects_financed(g.financed);
  if (auto v = ContinuousPercentile(g.days, 0.5)) m.set_median_days_to_first_contact(*v);
  if (auto v = ContinuousPercentile(g.days, 0.9)) m.set_p90_days_to_first_contact(*v);
  m.set_contacted(g.contacted);
  m.set_reviewing(g.reviewing);
  m.set_loans_granted(g.granted);
  m.set_declined(g.declined);
  m.set_loan_amount_fen(g.loan_fen);
  for (size_t reason = 0; reason < g.decline_reasons.size(); ++reason) {
    if (g.decline_reasons[reason] == 0) continue;
    auto* c = m.add_decline_reasons();
    c->set_reason(static_cast<v1::DeclineReason>(reason));
    c->set_count(g.decline_reasons[reason]);
  }
  m.set_disbursed_fen(g.disbursed_fen);
  m.set_overdue(g.overdue);
  m.set_subsidy_estimate_fen(g.subsidy_fen);
  if (g.projects > 0) {
    m.set_contact_rate_pct(100.0 * g.with_feedback / g.projects);
    m.set_financed_rate_pct(100.0 * g.financed / g.projects);
  }
  if (g.need_fen > 0) m.set_need_covered_pct(100.0 * g.loan_fen / g.need_fen);
  return m;
}

// The project's value of a dimension other than BANK and RENOVATION_TYPE.
uint32_t ProjectKey(const ProjectPairs& p, v1::MatchingDimension d) {
  switch (d) {
    case v1::MATCHING_DIMENSION_CITY:
      return p.city;
    case v1::MATCHING_DIMENSION_COUNTY:
      return p.county;
    case v1::MATCHING_DIMENSION_INDUSTRY_DIVISION:
      return p.industry_division;
    case v1::MATCHING_DIMENSION_PUBLICATION:
      return p.publications.empty() ? kUnknown : p.publications.back();
    case v1::MATCHING_DIMENSION_PUBLISH_MONTH:
      return p.publish_month;
    default:
      return kUnknown;
  }
}

std::string KeyText(const Dictionary& d, v1::MatchingDimension dim, uint32_t value) {
  if (dim == v1::MATCHING_DIMENSION_RENOVATION_TYPE) return absl::StrFormat("%03d", value);
  return value == kUnknown ? "" : d.Text(value);
}

}  // namespace

std::optional<double> ContinuousPercentile(std::vector<double>& values, double fraction) {
  if (values.empty()) return std::nullopt;
  // PostgreSQL's percentile_cont_final_common and float8_lerp, step by step;
  // the two rows found by selection (linear) instead of a sort.
  const double position = fraction * static_cast<double>(values.size() - 1);
  const double first_row = std::floor(position);
  const auto lo_at = values.begin() + static_cast<ptrdiff_t>(first_row);
  std::nth_element(values.begin(), lo_at, values.end());
  const double lo = *lo_at;
  const double hi =
      std::ceil(position) == first_row ? lo : *std::min_element(lo_at + 1, values.end());
  return lo + (hi - lo) * (position - first_row);
}

FunnelResult Funnel(const PairFacts& facts, const StatsQuery& q, const std::string& province_code) {
  const Dictionary& dictionary = facts.dictionary();
  const Filter filter(q, dictionary, province_code);
  if (filter.no_bank) return {};
  const size_t dims = std::min(q.group_by.size(), kMaxDimensions);
  const auto at = [&](v1::MatchingDimension d) {
    return static_cast<size_t>(std::find(q.group_by.begin(), q.group_by.end(), d) -
                               q.group_by.begin());
  };
  const size_t type_at = at(v1::MATCHING_DIMENSION_RENOVATION_TYPE);
  const size_t bank_at = at(v1::MATCHING_DIMENSION_BANK);

  // Groups by the project's keys, then (when grouped by bank) by bank within:
  // one hash lookup a project, not one a pair.
  absl::flat_hash_map<GroupKey, std::vector<std::pair<uint32_t, Group>>> groups;
  auto bank_group = [](std::vector<std::pair<uint32_t, Group>>& banks, uint32_t bank) -> Group& {
    for (auto& [id, g] : banks) {
      if (id == bank) return g;
    }
    return banks.emplace_back(bank, Group{}).second;
  };
  Group total;
  bool any = false;
  std::vector<const BankPair*> selected, one(1);
  const std::vector<int> no_type = {0};  // the one pass when not grouped by type
  for (const auto& [code, p] : facts.projects()) {
    if (!filter.Project(p, q, dictionary)) continue;
    selected.clear();
    for (const BankPair& b : p.pairs) {
      if (filter.Bank(b)) selected.push_back(&b);
    }
    if (selected.empty()) continue;
    any = true;
    Add(p, selected, q, total);
    if (dims == 0) continue;
    GroupKey key{};
    for (size_t i = 0; i < dims; ++i) key[i] = ProjectKey(p, q.group_by[i]);
    // A project without renovation types is in no group by type.
    for (int type : type_at < dims ? p.renovation_types : no_type) {
      if (type_at < dims) key[type_at] = static_cast<uint32_t>(type);
      auto& banks = groups[key];
      if (bank_at >= dims) {
        Add(p, selected, q, bank_group(banks, kUnknown));
        continue;
      }
      for (const BankPair* b : selected) {
        one[0] = b;
        Add(p, one, q, bank_group(banks, b->bank));
      }
    }
  }

  FunnelResult out;
  if (!any) return out;
  out.total = Finish(total);
  if (dims == 0) {
    out.rows.push_back({{}, *out.total});  // grouped by nothing: one row, the total
    return out;
  }
  for (auto& [project_key, banks] : groups) {
    for (auto& [bank, g] : banks) {
      GroupKey key = project_key;
      if (bank_at < dims) key[bank_at] = bank;
      StatsRow row;
      for (size_t i = 0; i < dims; ++i) {
        row.key.push_back(KeyText(dictionary, q.group_by[i], key[i]));
      }
      row.row = Finish(g);
      out.rows.push_back(std::move(row));
    }
  }
  std::sort(out.rows.begin(), out.rows.end(),
            [](const StatsRow& a, const StatsRow& b) { return a.key < b.key; });
  return out;
}

}  // namespace techreno::banklink
