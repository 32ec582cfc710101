#pragma once
// A small seeded injector of the paper's weight-fault protocol (DESIGN.md section 2,
// `proact-paper`), enough to score FT-ClipAct's threshold candidates: every stored conv/dense
// weight and bias tensor of a Q15.16 deployment gets exactly floor(numel * 32 * BER) bit flips at
// distinct uniform (element, bit) positions. The fault-campaign issue builds the full fault-model
// library; this one only serves threshold search.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/net/deployment.hpp"

namespace proact {

class PaperFaultInjector {
 public:
  // Remembers the deployment's clean words; throws std::invalid_argument unless it stores Q15.16.
  explicit PaperFaultInjector(Deployment& deployment);

  // Restores the clean words, then flips floor(numel * 32 * ber) distinct positions of every
  // stored tensor, drawn from Rng(Rng::derive(seed, tensor index)), and decodes them into the
  // network. Returns the total number of flips. Throws std::invalid_argument unless 0 <= ber <= 1.
  std::size_t inject(double ber, std::uint64_t seed);
  // Puts the clean words back and decodes them.
  void restore();

 private:
  Deployment& deployment_;
  std::vector<std::vector<std::uint32_t>> clean_;  // per stored parameter, its words
};

}  // namespace proact
