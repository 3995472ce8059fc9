// The response deadline's SQL: the overdue line (banklink_overdue_through,
// migration 0013, shared with GetMatchingStats' overdue count) and
// ListOverdueRecommendations' pairs over v_banklink_pairs.
#include <google/protobuf/util/time_util.h>

#include "libs/store/arrays.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/banklink/banklink_store.h"

namespace techreno::banklink {

std::optional<int> OverdueThrough(pqxx::transaction_base& tx, const std::string& today) {
  pqxx::result r = store::Exec(tx, "banklink_overdue_through",
                               "SELECT banklink_overdue_through($1::date)", today);
  if (r.empty() || r[0][0].is_null()) return std::nullopt;
  return r[0][0].as<int>();
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
      "   AND x.received_ordinal <= (SELECT banklink_overdue_through($1::date))"
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
