#include "models/random.hpp"

#include <cmath>

namespace proact {

std::uint64_t Rng::uniform_int(std::uint64_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // largest multiple of n, exclusive
  std::uint64_t r;
  do {
    r = engine_();
  } while (r >= limit);
  return r % n;
}

float Rng::uniform() { return static_cast<float>(engine_() >> 40) * (1.0f / 16777216.0f); }

float Rng::normal() {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const double u1 = 1.0 - static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);
  const double u2 = static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}

std::uint64_t Rng::derive(std::uint64_t seed, std::uint64_t stream) {
  // splitmix64 over (seed, stream): well-mixed, cheap, and independent of any library.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace proact
