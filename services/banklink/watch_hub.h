// WatchRecommendations' fan-out: one thread per server process follows the
// event log (LISTEN banklink_events, so a publication committed through any
// server process sharing the database arrives within moments; a poll every
// second covers a lost connection) and serves every open stream, each a gRPC
// callback write reactor — no thread is held per watcher.
//
// The hub keeps the newest events, rendered once, in a shared ring of bounded
// size. Each stream has one position (its cursor) and at most one write in
// flight, taking the next event that reaches it from the ring. A stream
// resuming from a cursor older than the ring reads pages of the log from the
// database (one page buffered at a time) until it reaches the ring. So memory
// is bounded per stream (one page) and in all (the ring), a slow stream never
// delays the others, and a stream that falls a whole ring behind while live
// ends with RESOURCE_EXHAUSTED (resume from its cursor). Every event carries
// its cursor; events are delivered in sequence (= commit) order with none
// skipped, so resuming from the last cursor processed loses and repeats
// nothing, across restarts too (the log is in PostgreSQL).
#ifndef TECHRENO_SERVICES_BANKLINK_WATCH_HUB_H_
#define TECHRENO_SERVICES_BANKLINK_WATCH_HUB_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "services/banklink/banklink_rules.h"
#include "services/banklink/banklink_store.h"
#include "techreno/v1/banklink.pb.h"

namespace techreno::banklink {

struct HubOptions {
  std::string dsn;                                // the hub's own connection (LISTEN)
  size_t ring_events = 20'000;                    // newest events kept rendered
  int page_events = 500;                          // catch-up page
  int max_streams_per_principal = 4;              // RESOURCE_EXHAUSTED beyond
  absl::Duration poll = absl::Seconds(1);         // log read without notification
  absl::Duration tick = absl::Milliseconds(100);  // heartbeats and catch-up latency
};

// An event as the hub keeps it: the stored row with every bank's feedback.
struct HubEvent {
  EventRow row;
};
using HubEventPtr = std::shared_ptr<const HubEvent>;

class WatchStream;

// A stream refused before it begins: finishes at once with `status`.
grpc::ServerWriteReactor<v1::RecommendationEvent>* RefusedStream(const absl::Status& status);

class WatchHub {
 public:
  explicit WatchHub(HubOptions options);
  ~WatchHub();  // Stop()
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // A reactor for one call: streams events after `after_seq` that reach
  // `caller` and match `filter`, up to `max_events` a message.
  // Starts the hub's thread on first use; a reactor that finishes at once
  // with the error when the hub cannot start or the caller has too many.
  grpc::ServerWriteReactor<v1::RecommendationEvent>* Open(const auth::Principal& caller,
                                                          RecFilter filter, int64_t after_seq,
                                                          absl::Duration heartbeat,
                                                          int max_events = 1);

  // Ends every stream with UNAVAILABLE (clients resume from their cursor)
  // and stops the thread. Idempotent; call before the server shuts down.
  void Stop();

  // Streams open now (tests and metrics).
  int OpenStreams();

 private:
  friend class WatchStream;

  // A stream refused before it begins: finishes at once with `status`.
  grpc::ServerWriteReactor<v1::RecommendationEvent>* RefusedStream(const absl::Status& status);
  enum class Next { kEvent, kIdle, kCatchUp };
  // The event after `pos` from the ring, or why none.
  Next EventAfter(int64_t pos, HubEventPtr* event);
  void RequestCatchUp(WatchStream* stream);
  void Remove(WatchStream* stream);

  void Run();
  absl::Status EnsureStarted();
  // Reads new events into the ring; serves catch-up pages; pumps streams.
  void ReadLog(pqxx::connection& conn);
  void ServeCatchUps(pqxx::connection& conn);
  void PumpAll();

  const HubOptions options_;
  absl::Mutex start_mu_;
  std::thread thread_;
  bool started_ = false;

  absl::Mutex mu_;
  std::deque<HubEventPtr> ring_ ABSL_GUARDED_BY(mu_);
  int64_t head_ ABSL_GUARDED_BY(mu_) = -1;  // last seq read; -1 until the first read
  absl::flat_hash_set<WatchStream*> streams_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, int> per_principal_ ABSL_GUARDED_BY(mu_);
  std::vector<WatchStream*> catch_up_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Held by the hub's thread while it calls into streams, and by a stream's
  // OnDone before it leaves: a stream is never deleted under the hub's feet.
  absl::Mutex pump_mu_;
};

}  // namespace techreno::banklink

#endif  // TECHRENO_SERVICES_BANKLINK_WATCH_HUB_H_
