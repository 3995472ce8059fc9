// A push's progress and its Ctrl-C.
//
// Progress: on a terminal, one line redrawn twice a second — records, records
// a second, share of the file read and the time left; otherwise (a log, a
// pipe) a plain line every 10 seconds, so that a long push shows it is alive.
//
// Ctrl-C: the first one stops reading the file; what was read is sent and
// committed (the server commits whole chunks, so nothing is left half-done),
// and the command says from which line to go on. A second Ctrl-C ends the
// process at once, as usual.
#ifndef TECHRENO_CLIENTS_CLI_PUSH_METER_H_
#define TECHRENO_CLIENTS_CLI_PUSH_METER_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace techreno::cli {

class PushMeter {
 public:
  // `total_bytes`: the file's size, 0 when unknown (standard input).
  explicit PushMeter(int64_t total_bytes);
  // `records` read so far, `bytes` of the file read so far.
  void Update(int64_t records, int64_t bytes);
  // The file is sent; the server answers once every chunk is committed.
  void Waiting(int64_t records);

 private:
  void Show(int64_t records, int64_t bytes, absl::Time now);

  const bool terminal_;
  const int64_t total_bytes_;
  const absl::Time start_;
  absl::Time last_shown_;
  bool shown_ = false;
};

// Catches the first SIGINT from construction to destruction (then restores
// the previous handler).
class InterruptCatcher {
 public:
  InterruptCatcher();
  ~InterruptCatcher();
  InterruptCatcher(const InterruptCatcher&) = delete;
  InterruptCatcher& operator=(const InterruptCatcher&) = delete;
  // A Ctrl-C came.
  static bool Interrupted();
};

// After a push Ctrl-C stopped at file line `line` (0: it was not stopped):
// what is committed and the command that goes on (`command` is e.g.
// "techreno push projects FILE"); false when it was not stopped.
bool ReportInterrupted(int64_t line, const std::string& command);

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_PUSH_METER_H_
