#pragma once
// A protection under test: a method name and a function that sets a trained network's clipping
// (docs/design.md section 3). "none" is the plain-ReLU network; a threshold file (issue 4) clips every
// ReLU with the file's thresholds in its hardware form (hard, or saturate for Ranger), checked
// against the model's weights, and names the method.
#include <cstddef>
#include <functional>
#include <string>

#include "models/net/network.hpp"

namespace proact {

struct Protection {
  std::string method;                   // "none", the file's method ("proact", "ranger", ...) or the name given
  std::string source;                   // "none" or the threshold file's path
  std::string clip_form = "relu";       // the form the clipped layers run in (reports say which one ran)
  std::size_t threshold_words = 0;      // the thresholds the method stores (its memory overhead)
  std::function<void(Network&)> apply;  // sets the clipping of the trained (unfolded) network
};

Protection no_protection();
// "none" -> no_protection(); "NAME=FILE" -> FILE's protection named NAME in reports instead of by
// its method (NAME: letters, digits, '-', '_', '.'), so a campaign can hold two files of one
// method (ablations, training seeds); anything else is a threshold file path. Throws naming the
// file and the problem (missing, for other weights, wrong layer count).
Protection load_protection(const std::string& spec);

}  // namespace proact
