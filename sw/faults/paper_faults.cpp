#include "sw/faults/paper_faults.hpp"

#include <stdexcept>
#include <string>

#include "sw/faults/fault_models.hpp"

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
  std::vector<std::size_t> numels;
  for (const std::vector<std::uint32_t>& words : clean_) numels.push_back(words.size());
  const std::vector<StoredFlip> flips = paper_flips(numels, ber, seed);
  for (std::size_t i = 0; i < clean_.size(); ++i) deployment_.parameters()[i].stored.words = clean_[i];
  for (const StoredFlip& f : flips) deployment_.parameters()[f.tensor].stored.words[f.element] ^= 1u << f.bit;
  deployment_.apply_all();
  return flips.size();
}

}  // namespace proact
