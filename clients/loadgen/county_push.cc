#include "clients/loadgen/county_push.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "libs/rpc/client_channel.h"
#include "libs/rpc/status.h"
#include "techreno/v1/monitoring.grpc.pb.h"
#include "techreno/v1/registry.grpc.pb.h"

namespace techreno::loadgen {
namespace {

constexpr int kChunkRecords = 500;  // the server's transaction: one answer a chunk
constexpr size_t kMaxRejectionsKept = 10;

// Worth waiting for: the server is away (restarting, its database
// restarting), busy, slow to answer, or gave up on a write under
// contention. With the same request id a retry is safe in every case;
// anything else a retry would only repeat.
bool Transient(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::ABORTED;
}

// Waits before the next try: 100 ms doubling to 3 s. False when the county
// has been trying for longer than it will.
class Backoff {
 public:
  explicit Backoff(absl::Duration give_up_after) : deadline_(absl::Now() + give_up_after) {}
  bool Wait() {
    if (absl::Now() + delay_ > deadline_) return false;
    absl::SleepFor(delay_);
    delay_ = std::min(delay_ * 2, absl::Seconds(3));
    return true;
  }
  void Reset(absl::Duration give_up_after) {
    deadline_ = absl::Now() + give_up_after;
    delay_ = absl::Milliseconds(100);
  }

 private:
  absl::Time deadline_;
  absl::Duration delay_ = absl::Milliseconds(100);
};

template <typename Result>
void Count(const Result& r, PushTally* tally) {
  ++tally->records;
  switch (r.outcome()) {
    case v1::OUTCOME_ACCEPTED:
      ++tally->accepted;
      break;
    case v1::OUTCOME_UNCHANGED:
      ++tally->unchanged;
      if (r.replayed()) ++tally->replayed;
      break;
    default:
      ++tally->rejected;
      if (tally->rejections.size() < kMaxRejectionsKept) {
        std::string why = r.project_code();
        for (const v1::Violation& v : r.violations()) {
          absl::StrAppend(&why, " [", v.rule_id(), "] ", v.field(), ": ", v.message());
        }
        tally->rejections.push_back(why);
      }
  }
}

void NoteRetry(const PushSettings& s, PushTally* tally) {
  ++tally->retries;
  if (s.live != nullptr) ++s.live->retries;
}

absl::Status PushEnterprises(const PushSettings& s, const CountyData& data, PushTally* tally) {
  auto stub = v1::ProjectRegistry::NewStub(s.channel);
  Backoff backoff(s.give_up_after);
  for (const v1::Enterprise& e : data.enterprises) {
    v1::UpsertEnterpriseRequest request;
    request.set_request_id(EnterpriseRequestId(s.tag, e));
    *request.mutable_enterprise() = e;
    for (;;) {
      grpc::ClientContext context;
      rpc::AddBearerToken(s.token, &context);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      v1::UpsertEnterpriseResponse response;
      const grpc::Status status = stub->UpsertEnterprise(&context, request, &response);
      if (status.ok()) {
        ++tally->enterprises;
        if (s.live != nullptr) ++s.live->answered;
        backoff.Reset(s.give_up_after);
        break;
      }
      if (!Transient(status.error_code()) || !backoff.Wait()) return rpc::FromGrpcStatus(status);
      NoteRetry(s, tally);
    }
  }
  return absl::OkStatus();
}

// One chunked push of `records`, started again from the first unanswered
// chunk whenever the server goes away. Chunk answers come in chunk order,
// so the records answered so far are always a prefix.
template <typename Chunk, typename Response, typename Request, typename OpenFn>
absl::Status PushInChunks(const PushSettings& s, const std::vector<Request>& records, OpenFn open,
                          PushTally* tally) {
  size_t answered = 0;
  Backoff backoff(s.give_up_after);
  while (answered < records.size()) {
    grpc::ClientContext context;
    rpc::AddBearerToken(s.token, &context);
    auto stream = open(&context);
    const size_t from = answered;
    std::thread writer([&] {
      Chunk chunk;
      for (size_t i = from; i < records.size(); ++i) {
        *chunk.add_records() = records[i];
        if (chunk.records_size() == kChunkRecords || i + 1 == records.size()) {
          if (!stream->Write(chunk)) return;  // the call ended; Finish() says why
          chunk.Clear();
        }
      }
      stream->WritesDone();
    });
    Response answer;
    while (stream->Read(&answer)) {
      for (const auto& r : answer.results()) Count(r, tally);
      answered += answer.results_size();
      if (s.live != nullptr) s.live->answered += answer.results_size();
    }
    writer.join();
    const grpc::Status status = stream->Finish();
    if (status.ok() && answered >= records.size()) break;
    if (answered > from) backoff.Reset(s.give_up_after);  // progress: a fresh allowance
    if (status.ok()) {
      return absl::DataLossError("the server ended the push before answering every record");
    }
    if (!Transient(status.error_code()) || !backoff.Wait()) return rpc::FromGrpcStatus(status);
    NoteRetry(s, tally);
  }
  return absl::OkStatus();
}

}  // namespace

void PushTally::Add(const PushTally& o) {
  enterprises += o.enterprises;
  records += o.records;
  accepted += o.accepted;
  unchanged += o.unchanged;
  replayed += o.replayed;
  rejected += o.rejected;
  retries += o.retries;
  for (const std::string& r : o.rejections) {
    if (rejections.size() < kMaxRejectionsKept) rejections.push_back(r);
  }
}

std::vector<v1::PushProgressRequest> FilingOrder(const std::string& tag, const CountyData& data) {
  std::vector<v1::PushProgressRequest> out;
  out.reserve(data.reports.size());
  for (const GeneratedReport& g : data.reports) {
    v1::PushProgressRequest& r = out.emplace_back();
    *r.mutable_report() = data.Report(g, /*first_filing=*/true);
    r.set_request_id(ReportRequestId(tag, r.report(), false));
  }
  for (const GeneratedReport& g : data.reports) {
    if (!g.corrected) continue;
    v1::PushProgressRequest& r = out.emplace_back();
    *r.mutable_report() = data.Report(g);
    r.set_request_id(ReportRequestId(tag, r.report(), true));
  }
  return out;
}

absl::Status PushCounty(const PushSettings& s, const CountyData& data, PushTally* tally) {
  if (absl::Status st = PushEnterprises(s, data, tally); !st.ok()) return st;

  std::vector<v1::PushProjectsRequest> projects;
  for (const v1::Project& p : data.projects) {
    v1::PushProjectsRequest& r = projects.emplace_back();
    r.set_request_id(ProjectRequestId(s.tag, p));
    *r.mutable_project() = p;
  }
  auto registry = v1::ProjectRegistry::NewStub(s.channel);
  absl::Status st = PushInChunks<v1::PushProjectsChunk, v1::PushProjectsResponse>(
      s, projects, [&](grpc::ClientContext* c) { return registry->PushProjectsChunks(c); }, tally);
  if (!st.ok()) return st;

  auto monitoring = v1::InvestmentMonitoring::NewStub(s.channel);
  return PushInChunks<v1::PushProgressChunk, v1::PushProgressResponse>(
      s, FilingOrder(s.tag, data),
      [&](grpc::ClientContext* c) { return monitoring->PushProgressChunks(c); }, tally);
}

}  // namespace techreno::loadgen
