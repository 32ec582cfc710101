#include "sw/thresholds/compute.hpp"

#include <chrono>

#include "sw/protection/apply.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/train/evaluate.hpp"

namespace proact {

namespace {

double accuracy_in(Network& clipped, ClipForm form, const Dataset& validation) {
  set_clip_form(clipped, form);
  return evaluate(clipped, validation, AccumulationOrder::free_order()).accuracy();
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
    case ThresholdMethod::ranger: result = ranger_thresholds(maxima); break;
    case ThresholdMethod::ftclipact: result = ftclipact_thresholds(model, maxima, data, config); break;
    case ThresholdMethod::fitact: result = fitact_thresholds(model, maxima, data, config); break;
    case ThresholdMethod::proact: result = proact_thresholds(model, maxima, data, config, unclipped_accuracy); break;
  }

  ThresholdFile file;
  file.model_name = model_name;
  file.model_checksum = model_checksum(model);
  file.method = threshold_method_name(config.method);
  file.hyperparameters = config.hyperparameters();
  file.seed = config.seed;
  file.training_form = clip_form_name(training_form(config.method));
  file.hardware_form = clip_form_name(hardware_form(config.method));
  file.sharpness = config.sharpness;
  Network clipped = model;
  set_thresholds(clipped, result.thresholds, ClipForm::smooth, static_cast<float>(config.sharpness));
  file.layers = layer_thresholds(clipped);
  file.clean_accuracy.unclipped = unclipped_accuracy;
  file.clean_accuracy.smooth = accuracy_in(clipped, ClipForm::smooth, data.validation);
  file.clean_accuracy.hard = accuracy_in(clipped, ClipForm::hard, data.validation);
  if (hardware_form(config.method) == ClipForm::saturate) {
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
