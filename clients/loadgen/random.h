// The generator's random numbers: SplitMix64 and transforms written out here,
// because the standard library's distributions are not specified bit for bit
// (libstdc++ and libc++ draw different numbers from the same engine), and a
// data set must come out the same from the same seed on every machine.
#ifndef TECHRENO_CLIENTS_LOADGEN_RANDOM_H_
#define TECHRENO_CLIENTS_LOADGEN_RANDOM_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace techreno::loadgen {

// FNV-1a over the text: the same on every machine.
inline uint64_t HashText(absl::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

class Random {
 public:
  // A stream of its own for each (seed, key): a county's data depends on the
  // seed and the county only, so counties can be generated in any order.
  Random(uint64_t seed, absl::string_view key) : state_(seed * 0x9E3779B97F4A7C15ull) {
    for (char c : key) state_ = Mix(state_ ^ static_cast<unsigned char>(c));
  }

  uint64_t Next() { return Mix(state_ += 0x9E3779B97F4A7C15ull); }
  // [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // 0 .. n-1 (n ≥ 1); the modulo bias of a 64-bit draw is negligible here.
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal (Box–Muller).
  double Normal() {
    const double u = 1.0 - Uniform();  // (0, 1]: log(0) never happens
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * Uniform());
  }
  // An index of `weights` with probability proportional to its weight.
  template <typename T>
  size_t Pick(const std::vector<std::pair<T, double>>& weights) {
    double total = 0;
    for (const auto& w : weights) total += w.second;
    double x = Uniform() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if ((x -= weights[i].second) < 0) return i;
    }
    return weights.size() - 1;
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

}  // namespace techreno::loadgen

#endif  // TECHRENO_CLIENTS_LOADGEN_RANDOM_H_
