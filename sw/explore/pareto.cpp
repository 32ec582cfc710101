#include "sw/explore/pareto.hpp"

#include <cmath>

namespace proact {

std::vector<bool> pareto_front(const std::vector<ParetoCandidate>& candidates) {
  const auto valid = [](const ParetoCandidate& c) { return !std::isnan(c.cost) && !std::isnan(c.value); };
  std::vector<bool> on_front(candidates.size(), false);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const ParetoCandidate& a = candidates[i];
    if (!valid(a)) continue;
    bool dominated = false;
    for (std::size_t j = 0; j < candidates.size() && !dominated; ++j) {
      const ParetoCandidate& b = candidates[j];
      dominated = j != i && valid(b) && b.cost <= a.cost && b.value >= a.value && (b.cost < a.cost || b.value > a.value);
    }
    on_front[i] = !dominated;
  }
  return on_front;
}

}  // namespace proact
