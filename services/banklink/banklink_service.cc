// BankLink's handlers but GetMatchingStats (matching_stats.cc): each checks
// its caller and fields, then runs one write path, read, or stream.
#include "services/banklink/banklink_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "libs/codes/codes.h"
#include "libs/rpc/call.h"
#include "libs/rpc/idempotency.h"
#include "libs/rpc/page_token.h"
#include "libs/rpc/status.h"
#include "libs/store/reference_data.h"
#include "libs/store/transaction.h"
#include "services/banklink/banklink_rules.h"
#include "services/banklink/banklink_store.h"
#include "services/banklink/banklink_writer.h"

namespace techreno::banklink {
namespace {

using google::protobuf::util::TimeUtil;
using rpc::FieldViolation;

grpc::Status Fail(const absl::Status& status) { return rpc::ToGrpcStatus(status); }

HubOptions WithDsn(HubOptions hub, const store::Pool& pool) {
  if (hub.dsn.empty()) hub.dsn = pool.options().dsn;
  return hub;
}

template <typename Repeated>
std::vector<int> IntsOf(const Repeated& values) {
  return {values.begin(), values.end()};
}

}  // namespace

BankLinkService::BankLinkService(store::Pool& pool, BankLinkOptions options)
    : pool_(pool), options_(std::move(options)), hub_(WithDsn(options_.hub, pool)) {}

BankLinkService::~BankLinkService() { hub_.Stop(); }

grpc::Status BankLinkService::PublishRecommendations(
    grpc::ServerContext* context, const v1::PublishRecommendationsRequest* request,
    v1::PublishRecommendationsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role != auth::Role::kProvince) return Fail(Denied(*caller, "publish to banks"));
  if (request->items_size() > kMaxPublishItems) {
    return Fail(absl::ResourceExhaustedError(
        absl::StrCat("at most ", kMaxPublishItems, " items per publication")));
  }
  std::vector<FieldViolation> bad = CheckPublishRequest(*request);
  if (request->items_size() == 0 && request->retract_project_codes_size() == 0) {
    bad.push_back({"items", "nothing to publish: give items or retract_project_codes"});
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid PublishRecommendations", bad));
  const int year = absl::ToCivilYear(options_.clock(), codes::ChinaStandardTime()).year();
  rpc::IdempotencyKey key{caller->id, "BankLink.PublishRecommendations", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  return Fail(rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    return Publish(tx, *caller, year, *request, *response);
  }));
}

grpc::Status BankLinkService::ListRecommendations(grpc::ServerContext* context,
                                                  const v1::ListRecommendationsRequest* request,
                                                  v1::ListRecommendationsResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  const std::vector<std::string> industries(request->industry_codes().begin(),
                                            request->industry_codes().end());
  std::vector<FieldViolation> bad;
  CheckFilters(request->region_code(), industries, IntsOf(request->renovation_types()), bad);
  if (request->min_financing_need_fen() < 0) {
    bad.push_back({"min_financing_need_fen", "must not be negative"});
  }
  for (int s : request->feedback_states()) {
    if (!v1::FeedbackState_IsValid(s)) bad.push_back({"feedback_states", "unknown state"});
  }
  if (!bad.empty()) return Fail(rpc::InvalidArgument("invalid ListRecommendations", bad));
  if (absl::Status s = CheckRegionScope(*caller, request->region_code()); !s.ok()) return Fail(s);
  auto page_size = rpc::ResolvePageSize(request->page_size());
  if (!page_size.ok()) return Fail(page_size.status());
  v1::ListRecommendationsRequest query = *request;
  query.clear_page_size();
  query.clear_page_token();
  const std::string fingerprint =
      rpc::QueryFingerprint(absl::StrCat(caller->id, ":", query.SerializeAsString()));
  auto after = rpc::DecodePageToken(request->page_token(), fingerprint);
  if (!after.ok()) return Fail(after.status());

  const ReadScope scope = ScopeOf(*caller);
  RecQuery q;
  q.scope_region = scope.scope_region;
  q.bank_id = scope.bank_id;
  q.region_code = request->region_code();
  q.industry_codes = industries;
  q.renovation_types = IntsOf(request->renovation_types());
  q.min_financing_need_fen = request->min_financing_need_fen();
  q.publication_id = request->publication_id();
  if (request->has_updated_since()) {
    q.updated_since_micros = TimeUtil::TimestampToMicroseconds(request->updated_since());
  }
  q.include_retracted = request->include_retracted();
  q.feedback_states = IntsOf(request->feedback_states());
  q.after_code = *after;
  q.limit = *page_size + 1;
  return Fail(store::RunReadOnly(pool_, [&](pqxx::transaction_base& tx) {
    response->Clear();
    response->set_watch_cursor(EncodeCursor(caller->id, LogHead(tx)));
    std::vector<RecRow> rows = ListRecs(tx, q);
    const bool more = rows.size() > static_cast<size_t>(*page_size);
    if (more) rows.pop_back();
    std::vector<v1::Recommendation*> recs;
    for (RecRow& row : rows) {
      v1::Recommendation* rec = response->add_recommendations();
      *rec = std::move(row.rec);
      recs.push_back(rec);
    }
    FillFeedback(tx, scope.bank_id, recs);
    for (v1::Recommendation* rec : recs) ShapeForCaller(*caller, *rec);
    if (more) {
      response->set_next_page_token(rpc::EncodePageToken(recs.back()->project_code(), fingerprint));
    }
    return absl::OkStatus();
  }));
}

grpc::ServerWriteReactor<v1::RecommendationEvent>* BankLinkService::WatchRecommendations(
    grpc::CallbackServerContext* context, const v1::WatchRecommendationsRequest* request) {
  const auto refuse = RefusedStream;
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return refuse(caller.status());
  if (absl::Status s = CheckWatcher(*caller); !s.ok()) return refuse(s);
  RecFilter filter;
  filter.region_code = request->region_code();
  filter.industry_codes.assign(request->industry_codes().begin(), request->industry_codes().end());
  filter.renovation_types = IntsOf(request->renovation_types());
  std::vector<FieldViolation> bad;
  CheckFilters(filter.region_code, filter.industry_codes, filter.renovation_types, bad);
  if (!bad.empty()) return refuse(rpc::InvalidArgument("invalid WatchRecommendations", bad));
  auto heartbeat = ResolveHeartbeat(request->heartbeat_seconds());
  if (!heartbeat.ok()) return refuse(heartbeat.status());
  auto max_events = ResolveMaxEvents(request->max_events_per_message());
  if (!max_events.ok()) return refuse(max_events.status());
  int64_t after = 0;
  if (request->cursor().empty()) {
    absl::Status s = store::RunAutocommit(pool_, [&](pqxx::transaction_base& tx) {
      after = LogHead(tx);
      return absl::OkStatus();
    });
    if (!s.ok()) return refuse(s);
  } else {
    auto decoded = DecodeCursor(request->cursor(), caller->id);
    if (!decoded.ok()) return refuse(decoded.status());
    after = *decoded;
  }
  return hub_.Open(*caller, std::move(filter), after, absl::Seconds(*heartbeat), *max_events);
}

grpc::Status BankLinkService::SubmitFeedback(grpc::ServerContext* context,
                                             const v1::SubmitFeedbackRequest* request,
                                             v1::SubmitFeedbackResponse* response) {
  auto caller = rpc::AuthenticateCall(pool_, *context);
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role != auth::Role::kBank) return Fail(Denied(*caller, "submit bank feedback"));
  const int64_t now = absl::ToUnixMicros(options_.clock());
  if (auto bad = CheckSubmitFeedback(*request, now); !bad.empty()) {
    return Fail(rpc::InvalidArgument("invalid SubmitFeedback", bad));
  }
  rpc::IdempotencyKey key{caller->id, "BankLink.SubmitFeedback", request->request_id(),
                          rpc::RequestFingerprint(*request)};
  return Fail(rpc::RunIdempotent(pool_, key, response, [&](pqxx::transaction_base& tx) {
    return SubmitBankFeedback(tx, *caller, *request, *response);
  }));
}

}  // namespace techreno::banklink
