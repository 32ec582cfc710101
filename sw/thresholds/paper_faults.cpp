#include "sw/thresholds/paper_faults.hpp"

#include <cmath>
#include <stdexcept>
#include <unordered_set>

#include "models/random.hpp"

namespace proact {

PaperFaultInjector::PaperFaultInjector(Deployment& deployment) : deployment_(deployment) {
  if (deployment.format() != Format::q15_16) {
    throw std::invalid_argument("the paper fault protocol stores weights as q15.16, this deployment uses " +
                                format_name(deployment.format()));
  }
  for (const StoredParameter& p : deployment.parameters()) clean_.push_back(p.stored.words);
}

void PaperFaultInjector::restore() {
  for (std::size_t i = 0; i < clean_.size(); ++i) deployment_.parameters()[i].stored.words = clean_[i];
  deployment_.apply_all();
}

std::size_t PaperFaultInjector::inject(double ber, std::uint64_t seed) {
  if (!(ber >= 0.0 && ber <= 1.0)) throw std::invalid_argument("bit error rate must lie in [0, 1], got " + std::to_string(ber));
  constexpr int kBits = 32;
  std::size_t total = 0;
  for (std::size_t i = 0; i < clean_.size(); ++i) {
    std::vector<std::uint32_t>& words = deployment_.parameters()[i].stored.words;
    words = clean_[i];
    const std::uint64_t positions = static_cast<std::uint64_t>(words.size()) * kBits;
    const auto flips = static_cast<std::uint64_t>(std::floor(static_cast<double>(positions) * ber));
    Rng rng(Rng::derive(seed, i));
    std::unordered_set<std::uint64_t> chosen;
    while (chosen.size() < flips) {
      const std::uint64_t position = rng.uniform_int(positions);
      if (!chosen.insert(position).second) continue;
      std::uint32_t& word = words[position / kBits];
      word = flip_bit(Format::q15_16, word, static_cast<int>(position % kBits));
    }
    total += flips;
  }
  deployment_.apply_all();
  return total;
}

}  // namespace proact
