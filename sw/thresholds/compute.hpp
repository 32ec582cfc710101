#pragma once
// One threshold run end to end: profile the unclipped model on the calibration images, run the
// method, measure clean validation accuracy unclipped and with the thresholds in the smooth and
// hard forms (and saturate for Ranger), and assemble the threshold file.
#include <string>

#include "models/net/network.hpp"
#include "sw/thresholds/method.hpp"
#include "sw/protection/threshold_file.hpp"

namespace proact {

// `model` is the trained network without clipping; `model_name` is recorded in the file.
ThresholdFile compute_thresholds(const Network& model, const std::string& model_name, const ThresholdData& data,
                                 const ThresholdConfig& config);

}  // namespace proact
