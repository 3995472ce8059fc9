// GetMatchingStats (services/banklink/matching_stats.cc) against its
// definition in plain SQL over the views (v_banklink_pairs, v_banklink_loans),
// for every dimension, pairs of dimensions and every filter, as the data
// changes: the server answers from pairs it keeps in memory and catches up
// with the database at each call (pair_facts.h), so each comparison after a
// change also checks that the change reached it. Every comparison is limited
// to this test's own publication: other tests write to the same database at
// the same time.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "libs/codes/codes.h"
#include "libs/store/arrays.h"
#include "libs/store/transaction.h"
#include "techreno/v1/banklink.grpc.pb.h"
#include "tests/integration/banklink_fixture.h"
#include "tests/integration/harness.h"

namespace techreno::testing {
namespace {

constexpr char kLiwan[] = "440103";    // 广州市荔湾区
constexpr char kYuexiu[] = "440104";   // 广州市越秀区
constexpr char kNanshan[] = "440305";  // 深圳市南山区

// The figures' definition: plain SQL over the views, grouped by the key
// expressions of `dims`. Columns: k0..kn-1, then the figures.
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

std::string PlainSql(const std::vector<v1::MatchingDimension>& dims) {
  std::vector<std::string> keys, names;
  for (size_t i = 0; i < dims.size(); ++i) {
    keys.push_back(absl::StrCat(KeyExpression(dims[i]), " AS k", i));
    names.push_back(absl::StrCat("k", i));
  }
  if (names.empty()) {
    keys.push_back("''::text AS k0");
    names.push_back("k0");
  }
  const bool by_type =
      std::count(dims.begin(), dims.end(), v1::MATCHING_DIMENSION_RENOVATION_TYPE) > 0;
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
      "            <= (SELECT ordinal FROM cn_workday_index WHERE day = $7::date - 1))"
      "           AS overdue"
      "  FROM v_banklink_pairs x"
      "  JOIN registry_projects p USING (project_code)"
      "  LEFT JOIN v_banklink_loans l USING (project_code, bank_id)"
      "  WHERE ($1 IN ('', '440000') OR p.county_code = $1 OR p.city_code = $1)"
      "    AND (cardinality($2::text[]) = 0 OR x.bank_id = ANY ($2::text[]))"
      "    AND $3 = ANY (x.publication_ids)"
      "    AND ($4::boolean OR x.rec_state = 1)"
      "    AND ($5 = '' OR to_char(x.publish_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') >= $5)"
      "    AND ($6 = '' OR to_char(x.publish_time AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') <= $6)"
      "), keyed AS (SELECT ",
      absl::StrJoin(keys, ", "), ", x.* FROM pairs x",
      by_type ? " CROSS JOIN LATERAL unnest(x.renovation_types) AS t(type)" : "",
      "), per_project AS (SELECT ", k,
      ", project_code, max(financing_need_fen) AS need,"
      "         bool_or(state IS NOT NULL) AS with_feedback, bool_or(state = 3) AS financed,"
      "         extract(epoch FROM min(first_time) - min(publish_time)) / 86400.0 AS days"
      "  FROM keyed GROUP BY ",
      k,
      ", project_code"
      "), projects AS (SELECT ",
      k,
      ", count(*) AS recommended, sum(need)::bigint AS need,"
      "         count(*) FILTER (WHERE with_feedback) AS with_feedback,"
      "         count(*) FILTER (WHERE financed) AS financed,"
      "         percentile_cont(0.5) WITHIN GROUP (ORDER BY days)"
      "           FILTER (WHERE with_feedback) AS median_days,"
      "         percentile_cont(0.9) WITHIN GROUP (ORDER BY days)"
      "           FILTER (WHERE with_feedback) AS p90_days"
      "  FROM per_project GROUP BY ",
      k, "), pair_figures AS (SELECT ", k,
      ", count(*) FILTER (WHERE state = 1) AS contacted,"
      "         count(*) FILTER (WHERE state = 2) AS reviewing,"
      "         count(*) FILTER (WHERE state = 3) AS granted,"
      "         count(*) FILTER (WHERE state = 4) AS declined,"
      "         coalesce(sum(loan_amount_fen) FILTER (WHERE state = 3), 0)::bigint AS loans,"
      "         coalesce(string_agg(decline_reason::text, ',' ORDER BY decline_reason)"
      "                  FILTER (WHERE state = 4), '') AS reasons,"
      "         sum(disbursed_fen)::bigint AS disbursed,"
      "         count(*) FILTER (WHERE overdue) AS overdue, sum(subsidy_fen)::bigint AS subsidy"
      "  FROM keyed GROUP BY ",
      k, ") SELECT ", k,
      ", recommended, need, with_feedback, financed, coalesce(median_days, -1),"
      "        contacted, reviewing, granted, declined, loans, reasons,"
      "        coalesce(p90_days, -1), disbursed, overdue, subsidy"
      " FROM projects JOIN pair_figures USING (",
      k, ")");
}

// A response row's key in the SQL's text form, dimension by dimension.
std::string KeyText(const std::vector<v1::MatchingDimension>& dims, const v1::MatchingKey& k) {
  std::vector<std::string> parts;
  for (auto d : dims) {
    switch (d) {
      case v1::MATCHING_DIMENSION_BANK:
        parts.push_back(k.bank_id());
        break;
      case v1::MATCHING_DIMENSION_CITY:
        parts.push_back(k.city().code());
        break;
      case v1::MATCHING_DIMENSION_COUNTY:
        parts.push_back(k.county().code());
        break;
      case v1::MATCHING_DIMENSION_INDUSTRY_DIVISION:
        parts.push_back(k.industry_division());
        break;
      case v1::MATCHING_DIMENSION_RENOVATION_TYPE:
        parts.push_back(absl::StrCat(static_cast<int>(k.renovation_type())));
        break;
      case v1::MATCHING_DIMENSION_PUBLICATION:
        parts.push_back(k.publication_id());
        break;
      case v1::MATCHING_DIMENSION_PUBLISH_MONTH:
        parts.push_back(k.publish_month());
        break;
      default:
        break;
    }
  }
  return absl::StrJoin(parts, "|");
}

std::string ReasonsText(const v1::MatchingRow& m) {
  std::vector<std::string> out;
  for (const auto& c : m.decline_reasons()) {
    for (int64_t i = 0; i < c.count(); ++i)
      out.push_back(absl::StrCat(static_cast<int>(c.reason())));
  }
  return absl::StrJoin(out, ",");
}

struct Filters {
  std::string region_code;
  std::vector<std::string> bank_ids;
  bool include_retracted = false;
  std::string from_period, to_period;
  std::string Describe() const {
    return absl::StrCat("region=", region_code, " banks=", absl::StrJoin(bank_ids, ","),
                        " retracted=", include_retracted, " from=", from_period, " to=", to_period);
  }
};

class MatchingStatsTest : public BankLinkFixture {
 protected:
  std::string Publish(const std::vector<std::string>& codes, const std::vector<std::string>& banks,
                      const std::vector<std::string>& retract = {}) {
    v1::PublishRecommendationsRequest req;
    req.set_request_id(absl::StrCat("ms-pub-", Next()));
    req.set_title("2026年技术改造优质项目推荐名单（统计测试）");
    for (const auto& c : codes) req.add_items()->set_project_code(c);
    for (const auto& b : banks) req.add_bank_ids(b);
    for (const auto& c : retract) req.add_retract_project_codes(c);
    if (!retract.empty()) req.set_retract_reason("项目暂缓实施");
    v1::PublishRecommendationsResponse resp;
    grpc::Status s = bank_->PublishRecommendations(TestEnv::Context(Province()).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.publication().publication_id();
  }

  void Feedback(const std::string& bank, const std::string& code, v1::FeedbackState state,
                int64_t amount = 0, v1::DeclineReason reason = v1::DECLINE_REASON_UNSPECIFIED) {
    v1::SubmitFeedbackRequest req;
    req.set_request_id(absl::StrCat("ms-fb-", Next()));
    req.set_project_code(code);
    req.set_state(state);
    req.set_loan_amount_fen(amount);
    req.set_decline_reason(reason);
    if (reason == v1::DECLINE_REASON_OTHER) req.set_decline_detail("企业暂缓融资计划");
    if (state == v1::FEEDBACK_STATE_LOAN_GRANTED) {
      req.set_interest_rate_bp(435);
      req.set_term_months(36);
    }
    v1::SubmitFeedbackResponse resp;
    grpc::Status s = bank_->SubmitFeedback(TestEnv::Context(Bank(bank)).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << bank << " " << code << ": " << s.error_message();
  }

  // Test-only SQL: a change the server has no call for (a receipt in the
  // past, so that deadlines pass; a first answer days after publication).
  void Sql(const std::string& sql) {
    ASSERT_TRUE(store::RunInTransaction(env_->pool(),
                                        [&](pqxx::transaction_base& tx) {
                                          tx.exec(sql);
                                          return absl::OkStatus();
                                        })
                    .ok())
        << sql;
  }

  // GetMatchingStats as the province, filtered to `publication`, against
  // the plain SQL: every row and the total, every figure.
  void ExpectEqualToPlainSql(const std::string& publication,
                             const std::vector<v1::MatchingDimension>& dims, const Filters& f) {
    SCOPED_TRACE(absl::StrCat("dims=", dims.size() > 0 ? dims[0] : 0, ",",
                              dims.size() > 1 ? dims[1] : 0, " ", f.Describe()));
    v1::GetMatchingStatsRequest req;
    for (auto d : dims) req.add_group_by(d);
    req.set_publication_id(publication);
    req.set_region_code(f.region_code);
    for (const auto& b : f.bank_ids) req.add_bank_ids(b);
    req.set_include_retracted(f.include_retracted);
    req.set_from_period(f.from_period);
    req.set_to_period(f.to_period);
    req.set_page_size(1000);
    v1::GetMatchingStatsResponse resp;
    grpc::Status s = bank_->GetMatchingStats(TestEnv::Context(Province()).get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    std::map<std::string, v1::MatchingRow> got;
    for (const auto& r : resp.rows()) got[KeyText(dims, r.key())] = r;
    if (resp.has_total()) got["(total)"] = resp.total();

    std::map<std::string, pqxx::row> want;
    pqxx::result grouped, total;
    ASSERT_TRUE(store::RunReadOnly(env_->pool(), [&](pqxx::transaction_base& tx) {
                  auto run = [&](const std::vector<v1::MatchingDimension>& d) {
                    return tx.exec_params(PlainSql(d), f.region_code, store::TextArray(f.bank_ids),
                                          publication, f.include_retracted, f.from_period,
                                          f.to_period, codes::ChinaDate(absl::Now()));
                  };
                  grouped = run(dims);
                  total = run({});
                  return absl::OkStatus();
                }).ok());
    const size_t n = dims.size();
    for (const auto& row : grouped) {
      std::vector<std::string> parts;
      for (size_t i = 0; i < n; ++i) parts.push_back(row[static_cast<int>(i)].c_str());
      want.emplace(absl::StrJoin(parts, "|"), row);
    }
    for (const auto& row : total) want.emplace("(total)", row);
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [key, row] : want) {
      SCOPED_TRACE(key);
      ASSERT_EQ(got.count(key), 1u);
      const v1::MatchingRow& m = got[key];
      const int at = key == "(total)" ? 1 : static_cast<int>(std::max<size_t>(n, 1));
      auto c = [&](int i) { return row[at + i]; };
      EXPECT_EQ(m.recommended_projects(), c(0).as<int64_t>());
      EXPECT_EQ(m.financing_need_fen(), c(1).as<int64_t>());
      EXPECT_EQ(m.projects_with_feedback(), c(2).as<int64_t>());
      EXPECT_EQ(m.projects_without_feedback(), c(0).as<int64_t>() - c(2).as<int64_t>());
      EXPECT_EQ(m.projects_financed(), c(3).as<int64_t>());
      EXPECT_EQ(m.has_median_days_to_first_contact(), c(4).as<double>() >= 0);
      EXPECT_NEAR(m.median_days_to_first_contact(), std::max(0.0, c(4).as<double>()), 1e-9);
      EXPECT_EQ(m.contacted(), c(5).as<int64_t>());
      EXPECT_EQ(m.reviewing(), c(6).as<int64_t>());
      EXPECT_EQ(m.loans_granted(), c(7).as<int64_t>());
      EXPECT_EQ(m.declined(), c(8).as<int64_t>());
      EXPECT_EQ(m.loan_amount_fen(), c(9).as<int64_t>());
      EXPECT_EQ(ReasonsText(m), c(10).c_str());
      EXPECT_EQ(m.has_p90_days_to_first_contact(), c(11).as<double>() >= 0);
      EXPECT_NEAR(m.p90_days_to_first_contact(), std::max(0.0, c(11).as<double>()), 1e-9);
      EXPECT_EQ(m.disbursed_fen(), c(12).as<int64_t>());
      EXPECT_EQ(m.overdue(), c(13).as<int64_t>());
      EXPECT_EQ(m.subsidy_estimate_fen(), c(14).as<int64_t>());
    }
  }

  void ExpectEverythingEqual(const std::string& publication) {
    const std::vector<std::vector<v1::MatchingDimension>> groupings = {
        {},
        {v1::MATCHING_DIMENSION_BANK},
        {v1::MATCHING_DIMENSION_CITY},
        {v1::MATCHING_DIMENSION_COUNTY},
        {v1::MATCHING_DIMENSION_INDUSTRY_DIVISION},
        {v1::MATCHING_DIMENSION_RENOVATION_TYPE},
        {v1::MATCHING_DIMENSION_PUBLICATION},
        {v1::MATCHING_DIMENSION_PUBLISH_MONTH},
        {v1::MATCHING_DIMENSION_BANK, v1::MATCHING_DIMENSION_CITY},
        {v1::MATCHING_DIMENSION_RENOVATION_TYPE, v1::MATCHING_DIMENSION_BANK},
    };
    const std::string month = codes::ChinaDate(absl::Now()).substr(0, 7);
    const std::vector<Filters> filters = {
        {},
        {"", {}, true, "", ""},
        {"440100", {}, false, "", ""},
        {kNanshan, {}, true, "", ""},
        {"440000", {"icbc-gd", "abc-gd"}, false, "", ""},
        {"", {"ccb-gd"}, true, month, month},
        {"", {}, false, "2015-01", "2015-12"},  // nothing
    };
    for (const auto& dims : groupings) {
      for (const auto& f : filters) ExpectEqualToPlainSql(publication, dims, f);
    }
  }
};

TEST_F(MatchingStatsTest, EqualToPlainSqlAsTheDataChanges) {
  const std::string a = Project(kLiwan), b = Project(kLiwan), c = Project(kYuexiu),
                    d = Project(kNanshan, true, 900'000'000), e = Project(kNanshan);
  const std::string first = Publish({a, b, c, d}, {"icbc-gd", "abc-gd", "ccb-gd"});
  ASSERT_FALSE(first.empty());
  ExpectEverythingEqual(first);  // the server's first call reads every pair

  // Answers in every state; the first answers dated days after publication,
  // receipts dated weeks back so that deadlines pass.
  Feedback("icbc-gd", a, v1::FEEDBACK_STATE_CONTACTED);
  Feedback("abc-gd", a, v1::FEEDBACK_STATE_REVIEWING);
  Feedback("ccb-gd", a, v1::FEEDBACK_STATE_LOAN_GRANTED, 300'000'000);
  Feedback("icbc-gd", b, v1::FEEDBACK_STATE_DECLINED, 0, v1::DECLINE_REASON_CREDIT_RISK);
  Feedback("abc-gd", b, v1::FEEDBACK_STATE_DECLINED, 0, v1::DECLINE_REASON_CREDIT_RISK);
  Feedback("ccb-gd", c, v1::FEEDBACK_STATE_DECLINED, 0, v1::DECLINE_REASON_OTHER);
  Feedback("icbc-gd", d, v1::FEEDBACK_STATE_LOAN_GRANTED, 800'000'000);
  Sql(absl::StrCat(
      "UPDATE banklink_feedback SET first_time = first_time + interval '3 days 5 hours'"
      " WHERE project_code IN ('",
      a, "', '", c, "')"));
  Sql(
      absl::StrCat("UPDATE banklink_feedback SET first_time = first_time + interval '11 days'"
                   " WHERE project_code = '",
                   b, "' AND bank_id = 'abc-gd'"));
  Sql(
      absl::StrCat("UPDATE banklink_receipts SET received_at = received_at - interval '40 days'"
                   " WHERE project_code IN ('",
                   c, "', '", d, "')"));
  ExpectEverythingEqual(first);  // caught up: only the changed pairs were read

  // A second publication adds a bank to some and a new project; one is
  // retracted, and its need then changes in the registry.
  const std::string second = Publish({d, e}, {"gdrcu"}, {c});
  ASSERT_FALSE(second.empty());
  Feedback("gdrcu", e, v1::FEEDBACK_STATE_CONTACTED);
  Sql(
      absl::StrCat("UPDATE registry_projects SET financing_need_fen = 700000000"
                   " WHERE project_code = '",
                   c, "'"));
  ExpectEverythingEqual(first);
  ExpectEverythingEqual(second);

  // A pair no longer addressed (test-only SQL: the server only ever widens an
  // audience) leaves the stats.
  Sql(
      absl::StrCat("UPDATE banklink_recommendations SET all_banks = false,"
                   " bank_ids = '{icbc-gd}' WHERE project_code = '",
                   a, "'"));
  ExpectEverythingEqual(first);
}

// Banks answering one project at the same moment (four threads): every answer
// reaches the stats — each commit refreshes the project's pairs from what is
// committed, one after the other.
TEST_F(MatchingStatsTest, ConcurrentAnswersToOneProjectAreAllCounted) {
  std::vector<std::string> codes;
  for (int i = 0; i < 12; ++i) codes.push_back(Project(i % 2 ? kLiwan : kNanshan));
  const std::vector<std::string> banks = {"icbc-gd", "abc-gd", "boc-gd", "ccb-gd"};
  const std::string publication = Publish(codes, banks);
  ASSERT_FALSE(publication.empty());
  ExpectEqualToPlainSql(publication, {v1::MATCHING_DIMENSION_BANK}, {});
  std::vector<std::thread> answering;
  for (size_t b = 0; b < banks.size(); ++b) {
    answering.emplace_back([&, b] {
      for (const auto& code : codes) {
        Feedback(banks[b], code,
                 b % 2 ? v1::FEEDBACK_STATE_LOAN_GRANTED : v1::FEEDBACK_STATE_CONTACTED,
                 b % 2 ? 100'000'000 : 0);
      }
    });
  }
  for (auto& t : answering) t.join();
  for (auto dims : std::vector<std::vector<v1::MatchingDimension>>{
           {v1::MATCHING_DIMENSION_BANK}, {v1::MATCHING_DIMENSION_CITY}, {}}) {
    ExpectEqualToPlainSql(publication, dims, {});
  }
  v1::GetMatchingStatsRequest req;
  req.set_publication_id(publication);
  v1::GetMatchingStatsResponse resp;
  ASSERT_TRUE(bank_->GetMatchingStats(TestEnv::Context(Province()).get(), req, &resp).ok());
  EXPECT_EQ(resp.total().contacted(), 24);
  EXPECT_EQ(resp.total().loans_granted(), 24);
}

}  // namespace
}  // namespace techreno::testing
