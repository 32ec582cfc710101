#include "sw/thresholds/compute.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "sw/protection/apply.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/train/evaluate.hpp"

namespace proact {

namespace {

double accuracy_in(Network& clipped, ClipForm form, const Dataset& validation) {
  set_clip_form(clipped, form);
  return evaluate(clipped, validation, AccumulationOrder::free_order()).accuracy();
}

// |T - T0| / T0 over the elements with T0 > 0 (a neuron the calibration images never activated
// has T0 = 0 and no relative change); zero when there are none.
ThresholdMovement movement(const std::vector<float>& thresholds, const Tensor& initial) {
  ThresholdMovement moved;
  std::size_t counted = 0;
  for (std::size_t i = 0; i < thresholds.size(); ++i) {
    if (!(initial[i] > 0.0f)) continue;
    const double change = std::abs(static_cast<double>(thresholds[i]) - initial[i]) / initial[i];
    moved.mean += change;
    moved.max = std::max(moved.max, change);
    ++counted;
  }
  if (counted > 0) moved.mean /= static_cast<double>(counted);
  return moved;
}

}  // namespace

ThresholdFile compute_thresholds(const Network& model, const std::string& model_name, const ThresholdData& data,
                                 const ThresholdConfig& config) {
  config.validate();
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t site : clip_sites(model)) {
    if (activation_at(model, site).form() != ClipForm::relu) {
      throw std::invalid_argument("layer '" + model.layer(site).name() + "' is already clipped; threshold methods start "
                                  "from the unclipped model");
    }
  }
  Network unclipped = model;
  const double unclipped_accuracy = evaluate(unclipped, data.validation, AccumulationOrder::free_order()).accuracy();
  const std::vector<Tensor> maxima = profile_max_activations(unclipped, data.calibration);

  MethodResult result;
  switch (config.method) {
    case ThresholdMethod::ranger:
    case ThresholdMethod::ranger_nw: result = ranger_thresholds(maxima, method_granularity(config.method)); break;
    case ThresholdMethod::ftclipact: result = ftclipact_thresholds(model, maxima, data, config); break;
    case ThresholdMethod::fitact: result = fitact_thresholds(model, maxima, data, config); break;
    case ThresholdMethod::proact: result = proact_thresholds(model, maxima, data, config); break;
  }

  ThresholdFile file;
  file.model_name = model_name;
  file.model_checksum = model_checksum(model);
  file.method = threshold_method_name(config.method);
  file.hyperparameters = config.hyperparameters();
  file.seed = config.seed;
  file.training_form = clip_form_name(config.training_form());
  file.hardware_form = clip_form_name(config.hardware_form());
  file.sharpness = config.sharpness;
  Network clipped = model;
  set_thresholds(clipped, result.thresholds, ClipForm::smooth, static_cast<float>(config.sharpness));
  file.layers = layer_thresholds(clipped);
  const std::vector<Tensor> initial = initial_thresholds(maxima, config.granularity());
  for (std::size_t l = 0; l < file.layers.size(); ++l) file.layers[l].moved = movement(file.layers[l].values, initial[l]);
  file.clean_accuracy.unclipped = unclipped_accuracy;
  file.clean_accuracy.initial = result.reference_accuracy;
  file.clean_accuracy.smooth = accuracy_in(clipped, ClipForm::smooth, data.validation);
  file.clean_accuracy.hard = accuracy_in(clipped, ClipForm::hard, data.validation);
  if (config.hardware_form() == ClipForm::saturate) {
    file.clean_accuracy.saturate = accuracy_in(clipped, ClipForm::saturate, data.validation);
  }
  file.data = {{"train", {{"source", data.train.name}, {"images", data.train.size()}}},
               {"validation", {{"source", data.validation.name}, {"images", data.validation.size()}}},
               {"calibration", {{"source", data.calibration.name}, {"images", data.calibration.size()}}}};
  file.data.update(data.source);
  for (const TrialRecord& t : result.trials) file.trials.push_back(trial_to_json(t));
  file.training_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return file;
}

}  // namespace proact
