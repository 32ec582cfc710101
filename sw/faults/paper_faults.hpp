#pragma once
// The paper's weight-fault protocol (docs/design.md section 4, `proact-paper`) applied to a Q15.16
// deployment in place, to score FT-ClipAct's threshold candidates. The flips are drawn by the
// fault models' `paper_flips` (sw/faults/fault_models.hpp), so a FT-ClipAct search and a
// `proact campaign --fault-model proact-paper` see the same kind of maps.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/net/deployment.hpp"

namespace proact {

class PaperFaultInjector {
 public:
  // Remembers the deployment's clean words; throws std::invalid_argument unless it stores Q15.16.
  explicit PaperFaultInjector(Deployment& deployment);

  // Restores the clean words, then flips floor(numel * 32 * ber) distinct (element, bit) positions
  // of every stored weight and bias tensor (paper_flips with `seed`) and decodes them into the
  // network. Returns the total number of flips. Throws std::invalid_argument unless 0 <= ber <= 1.
  std::size_t inject(double ber, std::uint64_t seed);
  // Puts the clean words back and decodes them.
  void restore();

 private:
  Deployment& deployment_;
  std::vector<std::vector<std::uint32_t>> clean_;  // per stored parameter, its words
};

}  // namespace proact
