// "12,345 records read" on stderr while a push streams a file, only for a
// person watching a terminal (never in logs or pipes).
#ifndef TECHRENO_CLIENTS_CLI_READ_METER_H_
#define TECHRENO_CLIENTS_CLI_READ_METER_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>

namespace techreno::cli {

class ReadMeter {
 public:
  ReadMeter() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void Record(int64_t records) {
    if (!enabled_ || records % kEvery != 0) return;
    std::fprintf(stderr, "\r%lld records read", static_cast<long long>(records));
    shown_ = true;
  }
  // The file is sent; the server answers once every batch is committed.
  void Waiting(int64_t records) {
    if (!shown_) return;
    std::fprintf(stderr, "\r%lld records read; waiting for the server to commit\n",
                 static_cast<long long>(records));
  }

 private:
  static constexpr int64_t kEvery = 10'000;
  bool enabled_;
  bool shown_ = false;
};

}  // namespace techreno::cli

#endif  // TECHRENO_CLIENTS_CLI_READ_METER_H_
