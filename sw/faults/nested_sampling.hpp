#pragma once
// Random subsets that nest across rates (common random numbers for fault maps).
//
// for_each_nested: every index i of [0, count) owns a uniform number u_i in [0, 1) fixed by the
// seed alone; at rate p the chosen indices are those with u_i < p. So the set at a rate is a subset
// of the set at every higher rate, and each index is chosen with probability exactly p,
// independently. The cost grows with p * count, never with count: [0, 1) is cut into the bands
// [0, 2^-kBands) and [2^-(k+1), 2^-k); the indices of a band come from a Bernoulli pass of its own
// stream with the band's probability conditional on the lower bands (an index already in a lower
// band stays there), and only the bands below p are visited.
//
// nested_prefix: the first `count` positions of one seeded random permutation of [0, positions):
// the positions for a count are a prefix of those for every larger count.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/random.hpp"

namespace proact {

// A uniform double in [0, 1) with 53 random bits.
inline double uniform01(Rng& rng) { return static_cast<double>(rng.next() >> 11) * (1.0 / 9007199254740992.0); }

// Calls visit(i) for every i in [0, count) chosen independently with probability p, in increasing
// order, drawing one geometric gap per chosen index.
template <typename Visit>
void for_each_bernoulli(Rng& rng, std::uint64_t count, double p, Visit&& visit) {
  if (p <= 0.0 || count == 0) return;
  if (p >= 1.0) {
    for (std::uint64_t i = 0; i < count; ++i) visit(i);
    return;
  }
  const double log_q = std::log1p(-p);
  std::uint64_t i = 0;
  while (true) {
    const double gap = std::floor(std::log(1.0 - uniform01(rng)) / log_q);
    if (gap >= static_cast<double>(count - i)) return;
    i += static_cast<std::uint64_t>(gap);
    visit(i);
    if (++i >= count) return;
  }
}

// The lowest band is [0, 2^-kNestedBands); the others double up to [1/2, 1).
inline constexpr int kNestedBands = 52;

// Calls visit(i, attributes) for every i in [0, count) with u_i < p (bands from low u to high,
// increasing i within a band). draw(rng) is called once for every candidate of every visited band,
// chosen or not, and may use only `rng`, so that the stream, and with it an index's attributes (a
// fault's polarity, a burst's start), depend on the seed alone and stay the same at every rate.
template <typename Draw, typename Visit>
void for_each_nested(std::uint64_t seed, std::uint64_t count, double p, Draw&& draw, Visit&& visit) {
  if (!(p > 0.0) || count == 0) return;
  std::unordered_set<std::uint64_t> lower;  // candidates of the bands already visited
  for (int band = 0; band <= kNestedBands; ++band) {
    const double low = band == 0 ? 0.0 : std::ldexp(1.0, band - 1 - kNestedBands);
    const double high = std::ldexp(1.0, band - kNestedBands);
    if (low >= p) return;
    Rng rng(Rng::derive(seed, static_cast<std::uint64_t>(band)));
    const bool last = high >= p;
    for_each_bernoulli(rng, count, (high - low) / (1.0 - low), [&](std::uint64_t i) {
      const double u = low + (high - low) * uniform01(rng);
      const auto attributes = draw(rng);
      if (lower.count(i) != 0) return;
      if (!last) lower.insert(i);
      if (u < p) visit(i, attributes);
    });
  }
}

// The first `count` positions (count <= positions) of the random permutation of [0, positions)
// that a partial Fisher-Yates shuffle with `seed` makes, in increasing order.
inline std::vector<std::uint64_t> nested_prefix(std::uint64_t positions, std::uint64_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::unordered_map<std::uint64_t, std::uint64_t> moved;  // position j -> value there, where it differs from j
  const auto at = [&](std::uint64_t j) {
    const auto it = moved.find(j);
    return it == moved.end() ? j : it->second;
  };
  std::vector<std::uint64_t> prefix;
  prefix.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t j = i + rng.uniform_int(positions - i);
    const std::uint64_t value = at(j);
    moved[j] = at(i);
    prefix.push_back(value);
  }
  std::sort(prefix.begin(), prefix.end());
  return prefix;
}

}  // namespace proact
