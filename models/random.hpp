#pragma once
// The project's one source of randomness. Every random choice takes a seed; the generator
// (mt19937_64) and the transformations below are fully specified here, so the same seed gives
// the same numbers with any standard library and any number of processes.
#include <cstdint>
#include <random>
#include <vector>

namespace proact {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  // Uniform integer in [0, n), unbiased (rejection sampling); n > 0.
  std::uint64_t uniform_int(std::uint64_t n);
  // Uniform float in [0, 1) with 24 random bits.
  float uniform();
  // Standard normal (Box-Muller, one value per call).
  float normal();
  // Fisher-Yates shuffle of `items`.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[uniform_int(i)]);
  }

  // A seed for an independent stream, e.g. one per fault map: derive(seed, index) is a pure
  // function, so shards on different processes draw the same numbers for the same index.
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t stream);

 private:
  std::mt19937_64 engine_;
};

}  // namespace proact
