#pragma once
// Putting thresholds into a network and reading them back out.
#include <vector>

#include "models/net/network.hpp"
#include "models/numeric/clip.hpp"
#include "sw/protection/threshold_file.hpp"

namespace proact {

// Clips every clipped layer (execution order) with thresholds[l] ((1) or its per-sample output
// shape) in `form` with sharpness k; throws std::invalid_argument on a count mismatch.
void set_thresholds(Network& network, const std::vector<Tensor>& thresholds, ClipForm form,
                    float sharpness = kDefaultSharpness);

// Checks the file against the network (check_threshold_file) and clips every layer with the
// file's thresholds in `form` (e.g. the file's hardware form for the accelerator) and sharpness.
void apply_thresholds(Network& network, const ThresholdFile& file, ClipForm form);

// The current thresholds of every clipped layer (which must all be clipped), execution order.
std::vector<Tensor> current_thresholds(const Network& network);
std::vector<LayerThresholds> layer_thresholds(const Network& network);

}  // namespace proact
