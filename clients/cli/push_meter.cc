// PushMeter and InterruptCatcher.
#include "clients/cli/push_meter.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace techreno::cli {
namespace {

std::atomic<bool> interrupted{false};
struct sigaction previous;

void OnInterrupt(int) {
  interrupted = true;
  sigaction(SIGINT, &previous, nullptr);  // a second Ctrl-C acts as before
}

std::string Duration(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
}

}  // namespace

PushMeter::PushMeter(int64_t total_bytes)
    : terminal_(isatty(STDERR_FILENO) == 1),
      total_bytes_(total_bytes),
      start_(absl::Now()),
      last_shown_(start_) {}

void PushMeter::Update(int64_t records, int64_t bytes) {
  if (records % 256 != 0) return;  // the clock is not free
  const absl::Time now = absl::Now();
  if (now - last_shown_ < (terminal_ ? absl::Milliseconds(500) : absl::Seconds(10))) return;
  Show(records, bytes, now);
}

void PushMeter::Show(int64_t records, int64_t bytes, absl::Time now) {
  last_shown_ = now;
  const double elapsed = absl::ToDoubleSeconds(now - start_);
  std::string line =
      absl::StrFormat("%d records, %.0f records/s", records, elapsed > 0 ? records / elapsed : 0.0);
  if (total_bytes_ > 0 && bytes > 0) {
    const double done = static_cast<double>(bytes) / static_cast<double>(total_bytes_);
    absl::StrAppendFormat(&line, ", %.0f %%", 100 * done);
    if (done > 0.01)
      absl::StrAppendFormat(&line, ", ETA %s", Duration(elapsed * (1 - done) / done));
  }
  if (terminal_) {
    std::fprintf(stderr, "\r%s   ", line.c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  shown_ = true;
}

void PushMeter::Waiting(int64_t records) {
  if (!shown_) return;
  std::fprintf(stderr, "%s%lld records read; waiting for the server to commit\n",
               terminal_ ? "\r" : "", static_cast<long long>(records));
}

InterruptCatcher::InterruptCatcher() {
  interrupted = false;
  struct sigaction on_interrupt {};
  on_interrupt.sa_handler = OnInterrupt;
  on_interrupt.sa_flags = SA_RESTART;  // a read waiting for input goes on, then sees the flag
  sigemptyset(&on_interrupt.sa_mask);
  sigaction(SIGINT, &on_interrupt, &previous);
}

InterruptCatcher::~InterruptCatcher() {
  if (!interrupted) sigaction(SIGINT, &previous, nullptr);
}

bool InterruptCatcher::Interrupted() { return interrupted; }

bool ReportInterrupted(int64_t line, const std::string& command) {
  if (line == 0) return false;
  std::fprintf(stderr,
               "interrupted (Ctrl-C): every record before line %lld was sent and is committed (or "
               "rejected, as shown); none from there on was sent. Go on with:\n  %s "
               "--from_line=%lld\n",
               static_cast<long long>(line), command.c_str(), static_cast<long long>(line));
  return true;
}

}  // namespace techreno::cli
