#pragma once
// The Pareto front of design points that minimise one figure (energy) and maximise another
// (accuracy).
#include <vector>

namespace proact {

struct ParetoCandidate {
  double cost = 0;   // lower is better
  double value = 0;  // higher is better
};

// on_front[i]: no other candidate has cost <= and value >= candidate i's with one of them strict.
// Candidates with a NaN figure are never on the front and dominate nothing.
std::vector<bool> pareto_front(const std::vector<ParetoCandidate>& candidates);

}  // namespace proact
