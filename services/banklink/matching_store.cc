// The SQL over (project, bank) pairs (v_banklink_pairs: every bank a
// recommendation is addressed to, when it received it, its feedback if any):
// GetMatchingStats' funnel, grouped by the dimensions asked for — project
// figures count each project once per group, pair figures count pairs by
// their latest state — and ListOverdueRecommendations' pairs.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/store/arrays.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/banklink/banklink_store.h"

namespace techreno::banklink {
namespace {

// The key expression of a dimension over the pairs `x`.
const char* KeyExpression(v1::MatchingDimension d) {
  switch (d) {
    case v1::MATCHING_DIMENSION_BANK:
      return "x.bank_id";
    case v1::MATCHING_DIMENSION_CITY:
      return "x.city_code";
    case v1::MATCHING_DIMENSION_COUNTY:
      return "x.county_code";
    case v1::MATCHING_DIMENSION_INDUSTRY_DIVISION:
      return "left(x.industry_code, 2)";
    case v1::MATCHING_DIMENSION_RENOVATION_TYPE:
      return "t.type::text";
    case v1::MATCHING_DIMENSION_PUBLICATION:
      return "x.publication_ids[cardinality(x.publication_ids)]";
    case v1::MATCHING_DIMENSION_PUBLISH_MONTH:
      return "to_char(x.publish_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')";
    default:
      return "''";
  }
}

std::string BuildSql(const StatsQuery& q) {
  std::vector<std::string> keys, names;
  for (size_t i = 0; i < q.group_by.size(); ++i) {
    keys.push_back(absl::StrCat(KeyExpression(q.group_by[i]), " AS k", i));
    names.push_back(absl::StrCat("k", i));
  }
  if (names.empty()) {
    keys.push_back("''::text AS k0");
    names.push_back("k0");
  }
  const bool by_type =
      std::count(q.group_by.begin(), q.group_by.end(), v1::MATCHING_DIMENSION_RENOVATION_TYPE) > 0;
  const std::string k = absl::StrJoin(names, ", ");
  return absl::StrCat(
      "WITH pairs AS ("
      "  SELECT x.project_code, x.publication_ids, x.publish_time, p.county_code, p.city_code,"
      "         p.industry_code, p.renovation_types, p.financing_need_fen, x.bank_id,"
      "         x.state, x.loan_amount_fen, x.decline_reason, x.first_time,"
      "         coalesce(l.disbursed_fen, 0) AS disbursed_fen,"
      "         coalesce(l.subsidy_estimate_fen, 0) AS subsidy_fen,"
      "         (x.state IS NULL AND x.rec_state = 1 AND x.received_ordinal"
      "            + (SELECT response_days FROM v_banklink_terms)"
      "            <= (SELECT ordinal FROM cn_workday_index WHERE day = $9::date - 1))"
      "           AS overdue"
      "  FROM v_banklink_pairs x"
      "  JOIN registry_projects p USING (project_code)"
      "  LEFT JOIN v_banklink_loans l USING (project_code, bank_id)"
      "  WHERE ($1 = '' OR p.county_code = $1 OR p.city_code = $1)"
      "    AND ($2 = '' OR x.bank_id = $2)"
      "    AND ($3 = '' OR $3 = $10 OR p.county_code = $3 OR p.city_code = $3)"
      "    AND (cardinality($4::text[]) = 0 OR x.bank_id = ANY ($4::text[]))"
      "    AND ($5 = '' OR $5 = ANY (x.publication_ids))"
      "    AND ($6::boolean OR x.rec_state = 1)"
      "    AND ($7 = '' OR to_char(x.publish_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') >= $7)"
      "    AND ($8 = '' OR to_char(x.publish_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') <= $8)"
      "), keyed AS ("
      "  SELECT ",
      absl::StrJoin(keys, ", "), ", x.* FROM pairs x",
      by_type ? " CROSS JOIN LATERAL unnest(x.renovation_types) AS t(type)" : "",
      "), per_project AS ("
      "  SELECT ",
      k,
      ", project_code, max(financing_need_fen) AS need,"
      "         bool_or(state IS NOT NULL) AS with_feedback, bool_or(state = 3) AS financed,"
      "         extract(epoch FROM min(first_time) - min(publish_time)) / 86400.0 AS days"
      "  FROM keyed GROUP BY ",
      k,
      ", project_code"
      "), projects AS ("
      "  SELECT ",
      k,
      ", count(*) AS recommended, sum(need)::bigint AS need,"
      "         count(*) FILTER (WHERE with_feedback) AS with_feedback,"
      "         count(*) FILTER (WHERE financed) AS financed,"
      "         percentile_cont(0.5) WITHIN GROUP (ORDER BY days)"
      "           FILTER (WHERE with_feedback) AS median_days,"
      "         percentile_cont(0.9) WITHIN GROUP (ORDER BY days)"
      "           FILTER (WHERE with_feedback) AS p90_days"
      "  FROM per_project GROUP BY ",
      k,
      "), pair_figures AS ("
      "  SELECT ",
      k,
      ", count(*) FILTER (WHERE state = 1) AS contacted,"
      "         count(*) FILTER (WHERE state = 2) AS reviewing,"
      "         count(*) FILTER (WHERE state = 3) AS granted,"
      "         count(*) FILTER (WHERE state = 4) AS declined,"
      "         coalesce(sum(loan_amount_fen) FILTER (WHERE state = 3), 0)::bigint AS loans,"
      "         coalesce(array_to_string(array_agg(decline_reason) FILTER (WHERE state = 4),"
      "                                  ','), '') AS reasons,"
      "         sum(disbursed_fen)::bigint AS disbursed, count(*) FILTER (WHERE overdue) AS "
      "overdue,"
      "         sum(subsidy_fen)::bigint AS subsidy"
      "  FROM keyed GROUP BY ",
      k,
      ")"
      " SELECT ",
      k,
      ", recommended, need, with_feedback, financed, coalesce(median_days, -1),"
      "        contacted, reviewing, granted, declined, loans, reasons,"
      "        coalesce(p90_days, -1), disbursed, overdue, subsidy"
      " FROM projects JOIN pair_figures USING (",
      k, ") ORDER BY ", k);
}

}  // namespace

std::vector<StatsRow> MatchingStats(pqxx::transaction_base& tx, const StatsQuery& q) {
  const size_t dims = std::max<size_t>(q.group_by.size(), 1);
  pqxx::result rows = tx.exec_params(BuildSql(q), q.scope.scope_region, q.scope.bank_id,
                                     q.region_code, store::TextArray(q.bank_ids), q.publication_id,
                                     q.include_retracted, q.from_period, q.to_period, q.today,
                                     store::Reference().regions.ProvinceCode());
  std::vector<StatsRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    StatsRow s;
    for (size_t i = 0; i < q.group_by.size(); ++i) s.key.push_back(r[static_cast<int>(i)].c_str());
    v1::MatchingRow& m = s.row;
    auto at = [&](int i) { return r[static_cast<int>(dims) + i]; };
    m.set_recommended_projects(at(0).as<int64_t>());
    m.set_financing_need_fen(at(1).as<int64_t>());
    m.set_projects_with_feedback(at(2).as<int64_t>());
    m.set_projects_without_feedback(m.recommended_projects() - m.projects_with_feedback());
    m.set_projects_financed(at(3).as<int64_t>());
    if (double days = at(4).as<double>(); days >= 0) m.set_median_days_to_first_contact(days);
    m.set_contacted(at(5).as<int64_t>());
    m.set_reviewing(at(6).as<int64_t>());
    m.set_loans_granted(at(7).as<int64_t>());
    m.set_declined(at(8).as<int64_t>());
    m.set_loan_amount_fen(at(9).as<int64_t>());
    std::map<int, int64_t> reasons;
    for (absl::string_view part : absl::StrSplit(at(10).c_str(), ',', absl::SkipEmpty())) {
      int reason = 0;
      if (absl::SimpleAtoi(part, &reason)) ++reasons[reason];
    }
    for (const auto& [reason, count] : reasons) {
      auto* c = m.add_decline_reasons();
      c->set_reason(static_cast<v1::DeclineReason>(reason));
      c->set_count(count);
    }
    if (double days = at(11).as<double>(); days >= 0) m.set_p90_days_to_first_contact(days);
    m.set_disbursed_fen(at(12).as<int64_t>());
    m.set_overdue(at(13).as<int64_t>());
    m.set_subsidy_estimate_fen(at(14).as<int64_t>());
    if (m.recommended_projects() > 0) {
      m.set_contact_rate_pct(100.0 * m.projects_with_feedback() / m.recommended_projects());
      m.set_financed_rate_pct(100.0 * m.projects_financed() / m.recommended_projects());
    }
    if (m.financing_need_fen() > 0) {
      m.set_need_covered_pct(100.0 * m.loan_amount_fen() / m.financing_need_fen());
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<v1::OverdueRecommendation> OverdueRecs(pqxx::transaction_base& tx,
                                                   const OverdueQuery& q) {
  pqxx::result rows = store::Exec(
      tx, "banklink_overdue",
      "WITH terms AS (SELECT response_days AS n FROM v_banklink_terms),"
      " today AS (SELECT ordinal FROM cn_workday_index WHERE day = $1::date)"
      " SELECT x.project_code, p.name, p.county_code, x.bank_id, x.bank_name,"
      "        (extract(epoch FROM x.received_at) * 1000000)::bigint,"
      "        (SELECT min(w.day) FROM cn_workday_index w"
      "          WHERE w.ordinal = x.received_ordinal + terms.n)::text AS due,"
      "        today.ordinal - x.received_ordinal - terms.n, p.financing_need_fen"
      " FROM v_banklink_pairs x JOIN registry_projects p USING (project_code)"
      " CROSS JOIN terms CROSS JOIN today"
      " WHERE x.state IS NULL AND x.rec_state = 1"
      "   AND x.received_ordinal + terms.n"
      "       <= (SELECT ordinal FROM cn_workday_index WHERE day = $1::date - 1)"
      "   AND ($2 = '' OR p.county_code = $2 OR p.city_code = $2)"
      "   AND ($3 = '' OR x.bank_id = $3)"
      "   AND ($4 = '' OR $4 = $5 OR p.county_code = $4 OR p.city_code = $4)"
      "   AND (cardinality($6::text[]) = 0 OR x.bank_id = ANY ($6::text[]))"
      " ORDER BY x.bank_id, due, x.project_code OFFSET $7 LIMIT $8",
      q.today, q.scope.scope_region, q.scope.bank_id, q.region_code,
      store::Reference().regions.ProvinceCode(), store::TextArray(q.bank_ids), q.offset, q.limit);
  std::vector<v1::OverdueRecommendation> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    v1::OverdueRecommendation& o = out.emplace_back();
    o.set_project_code(r[0].c_str());
    o.set_project_name(r[1].c_str());
    *o.mutable_county() = RegionOf(r[2].c_str());
    o.set_bank_id(r[3].c_str());
    o.set_bank_name(r[4].c_str());
    *o.mutable_received_time() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r[5].as<int64_t>());
    o.set_due_date(r[6].c_str());
    o.set_working_days_overdue(r[7].as<int>());
    o.set_financing_need_fen(r[8].as<int64_t>());
  }
  return out;
}

}  // namespace techreno::banklink
