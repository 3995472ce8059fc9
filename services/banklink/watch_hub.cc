#include "services/banklink/watch_hub.h"

#include <google/protobuf/util/time_util.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "libs/rpc/status.h"
#include "libs/store/transaction.h"

namespace techreno::banklink {
namespace {

using google::protobuf::util::TimeUtil;

class Listener final : public pqxx::notification_receiver {
 public:
  Listener(pqxx::connection_base& conn, bool* notified)
      : pqxx::notification_receiver(conn, "banklink_events"), notified_(notified) {}
  void operator()(const std::string&, int) override { *notified_ = true; }

 private:
  bool* notified_;
};

// Events after `after`, with every bank's feedback, ready to share.
std::vector<HubEventPtr> LoadEvents(pqxx::connection& conn, int64_t after, int limit) {
  pqxx::read_transaction tx(conn);
  std::vector<EventRow> rows = EventsAfter(tx, after, limit);
  std::vector<v1::Recommendation*> recs;
  for (EventRow& row : rows) recs.push_back(&row.row.rec);
  FillFeedback(tx, "", recs);
  tx.commit();
  std::vector<HubEventPtr> out;
  out.reserve(rows.size());
  for (EventRow& row : rows) out.push_back(std::make_shared<HubEvent>(HubEvent{std::move(row)}));
  return out;
}

class FailedStream final : public grpc::ServerWriteReactor<v1::RecommendationEvent> {
 public:
  explicit FailedStream(const absl::Status& status) { Finish(rpc::ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<v1::RecommendationEvent>* RefusedStream(const absl::Status& status) {
  return new FailedStream(status);
}

// One WatchRecommendations call. At most one write in flight; the next event
// is taken when it completes (OnWriteDone) or when the hub has news (Pump).
class WatchStream final : public grpc::ServerWriteReactor<v1::RecommendationEvent> {
 public:
  WatchStream(WatchHub* hub, auth::Principal caller, RecFilter filter, int64_t pos,
              absl::Duration heartbeat, int max_events)
      : hub_(hub),
        caller_(std::move(caller)),
        filter_(std::move(filter)),
        heartbeat_(heartbeat),
        max_events_(max_events),
        pos_(pos),
        last_write_(absl::Now()) {}

  const auth::Principal& caller() const { return caller_; }
  // Where a catch-up page starts: after the stream's position.
  int64_t CatchUpFrom() {
    absl::MutexLock lock(&mu_);
    return pos_;
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
    }
    if (!ok) {
      End(grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away"));
      return;
    }
    Pump();
  }
  void OnCancel() override { End(grpc::Status::CANCELLED); }
  void OnDone() override {
    hub_->Remove(this);
    delete this;
  }

  // Writes the next event that reaches the caller, or a heartbeat when due.
  void Pump() {
    grpc::Status end;
    bool ending = false;
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || writing_) return;
      ending = !NextWrite(&end);
      if (ending) finished_ = true;
    }
    if (ending) {
      Finish(end);
    } else if (writing_now_) {
      writing_now_ = false;
      StartWrite(&out_);
    }
  }

  // A catch-up page from the log (the hub's thread).
  void TakePage(std::vector<HubEventPtr> page) {
    {
      absl::MutexLock lock(&mu_);
      page_.assign(page.begin(), page.end());
      page_empty_ = page.empty();
      catch_up_pending_ = false;
    }
    Pump();
  }

  void End(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(status);
  }

 private:
  // Under mu_: prepares out_ (writing_now_) or decides to wait; false with
  // `end` set when the stream must end.
  bool NextWrite(grpc::Status* end) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (int scanned = 0; scanned < 10'000; ++scanned) {
      HubEventPtr event;
      if (!page_.empty()) {
        event = page_.front();
        page_.pop_front();
        if (event->row.seq <= pos_) continue;
        if (event->row.seq != pos_ + 1) return Expired(end);
      } else {
        switch (hub_->EventAfter(pos_, &event)) {
          case WatchHub::Next::kIdle:
            if (absl::Now() - last_write_ >= heartbeat_) Heartbeat();
            return true;
          case WatchHub::Next::kCatchUp:
            if (live_) {
              *end = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                  "this stream fell too far behind the event log; resume from "
                                  "the last cursor you processed");
              return false;
            }
            if (page_empty_) return Expired(end);
            if (!catch_up_pending_) {
              catch_up_pending_ = true;
              hub_->RequestCatchUp(this);
            }
            return true;
          case WatchHub::Next::kEvent:
            live_ = true;
            break;
        }
      }
      pos_ = event->row.seq;
      if (!EventReaches(event->row, caller_) || !filter_.Matches(event->row.row)) continue;
      Render(*event);
      return true;
    }
    return true;  // a long run of events for others: the hub's next tick goes on
  }

  bool Expired(grpc::Status* end) {
    *end = rpc::ToGrpcStatus(rpc::WithFieldViolations(
        absl::StatusCode::kFailedPrecondition, "the cursor is older than the retained event log",
        {{"cursor", "[banklink.cursor.expired] resynchronise with ListRecommendations"}}));
    return false;
  }

  // Writes `event` into out_, then, up to max_events_ in all, the events for
  // this watcher already at hand (the catch-up page, else the ring) into
  // out_.more: a burst, or a resumption, travels in few messages.
  void Render(const HubEvent& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    out_.Clear();
    RenderInto(event, out_);
    Wrote();
    while (out_.more_size() + 1 < max_events_) {
      HubEventPtr next;
      while (!page_.empty() && page_.front()->row.seq <= pos_) page_.pop_front();
      if (!page_.empty()) {
        if (page_.front()->row.seq != pos_ + 1) return;  // NextWrite says why
        next = page_.front();
        page_.pop_front();
      } else if (hub_->EventAfter(pos_, &next) != WatchHub::Next::kEvent) {
        return;
      }
      pos_ = next->row.seq;
      if (EventReaches(next->row, caller_) && filter_.Matches(next->row.row)) {
        RenderInto(*next, *out_.add_more());
      }
    }
  }

  // One event as this caller sees it, with the cursor after it (pos_).
  void RenderInto(const HubEvent& event, v1::RecommendationEvent& e)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    e.set_cursor(EncodeCursor(caller_.id, pos_));
    e.set_kind(event.row.kind);
    *e.mutable_event_time() = TimeUtil::MicrosecondsToTimestamp(event.row.at_micros);
    v1::Recommendation& rec = *e.mutable_recommendation();
    rec = event.row.row.rec;
    if (caller_.role == auth::Role::kBank) {
      rec.clear_feedback();
      for (const auto& f : event.row.row.rec.feedback()) {
        if (f.bank_id() == caller_.scope) *rec.add_feedback() = f;
      }
    }
    ShapeForCaller(caller_, rec);
  }

  void Heartbeat() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    out_.Clear();
    out_.set_cursor(EncodeCursor(caller_.id, pos_));
    out_.set_kind(v1::RECOMMENDATION_EVENT_KIND_HEARTBEAT);
    *out_.mutable_event_time() = TimeUtil::GetCurrentTime();
    Wrote();
  }

  void Wrote() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    writing_ = true;
    writing_now_ = true;
    last_write_ = absl::Now();
  }

  WatchHub* const hub_;
  const auth::Principal caller_;
  const RecFilter filter_;
  const absl::Duration heartbeat_;
  const int max_events_;  // in one message (max_events_per_message)

  absl::Mutex mu_;
  int64_t pos_ ABSL_GUARDED_BY(mu_);  // the last event considered: the cursor
  absl::Time last_write_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool live_ ABSL_GUARDED_BY(mu_) = false;  // served from the ring at least once
  bool catch_up_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool page_empty_ ABSL_GUARDED_BY(mu_) = false;  // the last page had nothing
  std::deque<HubEventPtr> page_ ABSL_GUARDED_BY(mu_);
  // Set under mu_ by NextWrite, used by the same Pump call just after: only
  // one Pump gets past `writing_`, so out_ has one writer at a time.
  bool writing_now_ = false;
  v1::RecommendationEvent out_;
};

WatchHub::WatchHub(HubOptions options) : options_(std::move(options)) {}

WatchHub::~WatchHub() { Stop(); }

absl::Status WatchHub::EnsureStarted() {
  absl::MutexLock lock(&start_mu_);
  if (started_) return absl::OkStatus();
  {
    absl::MutexLock l(&mu_);
    if (stopping_) return absl::UnavailableError("the server is shutting down");
  }
  thread_ = std::thread([this] { Run(); });
  started_ = true;
  return absl::OkStatus();
}

grpc::ServerWriteReactor<v1::RecommendationEvent>* WatchHub::Open(const auth::Principal& caller,
                                                                  RecFilter filter,
                                                                  int64_t after_seq,
                                                                  absl::Duration heartbeat,
                                                                  int max_events) {
  if (absl::Status s = EnsureStarted(); !s.ok()) return new FailedStream(s);
  auto* stream = new WatchStream(this, caller, std::move(filter), after_seq, heartbeat, max_events);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      delete stream;
      return new FailedStream(absl::UnavailableError("the server is shutting down"));
    }
    int& open = per_principal_[caller.id];
    if (open >= options_.max_streams_per_principal) {
      delete stream;
      return new FailedStream(absl::ResourceExhaustedError(absl::StrCat(
          "at most ", options_.max_streams_per_principal, " open streams per principal")));
    }
    ++open;
    streams_.insert(stream);
  }
  stream->Pump();
  return stream;
}

WatchHub::Next WatchHub::EventAfter(int64_t pos, HubEventPtr* event) {
  absl::MutexLock lock(&mu_);
  if (head_ < 0 || pos >= head_) return Next::kIdle;
  if (ring_.empty() || pos + 1 < ring_.front()->row.seq) return Next::kCatchUp;
  *event = ring_[pos + 1 - ring_.front()->row.seq];
  return Next::kEvent;
}

void WatchHub::RequestCatchUp(WatchStream* stream) {
  absl::MutexLock lock(&mu_);
  catch_up_.push_back(stream);
}

void WatchHub::Remove(WatchStream* stream) {
  absl::MutexLock pump(&pump_mu_);
  absl::MutexLock lock(&mu_);
  if (streams_.erase(stream) == 0) return;
  if (--per_principal_[stream->caller().id] == 0) per_principal_.erase(stream->caller().id);
  catch_up_.erase(std::remove(catch_up_.begin(), catch_up_.end(), stream), catch_up_.end());
}

int WatchHub::OpenStreams() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(streams_.size());
}

void WatchHub::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  {
    absl::MutexLock pump(&pump_mu_);
    std::vector<WatchStream*> open;
    {
      absl::MutexLock lock(&mu_);
      open.assign(streams_.begin(), streams_.end());
    }
    for (WatchStream* s : open) {
      s->End(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the server is shutting down; resume from your last cursor"));
    }
  }
  // Streams leave in their OnDone; give them a moment before the thread goes.
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (OpenStreams() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  absl::MutexLock lock(&start_mu_);
  if (thread_.joinable()) thread_.join();
}

void WatchHub::Run() {
  auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  while (!stopping()) {
    try {
      pqxx::connection conn(options_.dsn);
      bool notified = true;
      Listener listener(conn, &notified);
      absl::Time last_read = absl::InfinitePast();
      while (!stopping()) {
        if (notified || absl::Now() - last_read >= options_.poll) {
          notified = false;
          last_read = absl::Now();
          ReadLog(conn);
        }
        ServeCatchUps(conn);
        PumpAll();
        conn.await_notification(0, absl::ToInt64Microseconds(options_.tick));
      }
    } catch (const std::exception& e) {
      store::LogStoreIncident(e);  // the log is read again by sequence: nothing is lost
      absl::SleepFor(absl::Seconds(1));
    }
  }
}

void WatchHub::ReadLog(pqxx::connection& conn) {
  int64_t head;
  {
    absl::MutexLock lock(&mu_);
    head = head_;
  }
  if (head < 0) {
    pqxx::read_transaction tx(conn);
    head = LogHead(tx);
    tx.commit();
    absl::MutexLock lock(&mu_);
    head_ = head;
    return;
  }
  for (;;) {
    std::vector<HubEventPtr> events = LoadEvents(conn, head, 1000);
    if (events.empty()) return;
    absl::MutexLock lock(&mu_);
    // A ring that does not follow on (the log restarted) begins again.
    if (!ring_.empty() && ring_.back()->row.seq + 1 != events.front()->row.seq) ring_.clear();
    for (HubEventPtr& e : events) ring_.push_back(std::move(e));
    while (ring_.size() > options_.ring_events) ring_.pop_front();
    head_ = head = ring_.back()->row.seq;
    if (events.size() < 1000) return;
  }
}

void WatchHub::ServeCatchUps(pqxx::connection& conn) {
  std::vector<WatchStream*> waiting;
  {
    absl::MutexLock lock(&mu_);
    waiting.swap(catch_up_);
  }
  absl::MutexLock pump(&pump_mu_);
  for (WatchStream* stream : waiting) {
    {
      absl::MutexLock lock(&mu_);
      if (!streams_.contains(stream)) continue;  // left meanwhile
    }
    stream->TakePage(LoadEvents(conn, stream->CatchUpFrom(), options_.page_events));
  }
}

void WatchHub::PumpAll() {
  absl::MutexLock pump(&pump_mu_);
  std::vector<WatchStream*> open;
  {
    absl::MutexLock lock(&mu_);
    open.assign(streams_.begin(), streams_.end());
  }
  for (WatchStream* s : open) s->Pump();
}

}  // namespace techreno::banklink
