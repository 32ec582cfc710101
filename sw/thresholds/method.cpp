#include "sw/thresholds/method.hpp"

#include <stdexcept>
#include <string>

#include "models/names.hpp"

namespace proact {

namespace {

const NameTable<ThresholdMethod>& threshold_method_table() {
  static const NameTable<ThresholdMethod> table(
      "threshold method", {
      {ThresholdMethod::ranger, "ranger"}, {ThresholdMethod::ranger_nw, "ranger-nw"},
      {ThresholdMethod::ftclipact, "ftclipact"},
      {ThresholdMethod::fitact, "fitact"}, {ThresholdMethod::proact, "proact"}});
  return table;
}

}  // namespace

ThresholdMethod parse_threshold_method(const std::string& name) { return threshold_method_table().parse(name); }

std::string threshold_method_name(ThresholdMethod method) { return threshold_method_table().name(method); }

std::vector<std::string> threshold_method_names() { return threshold_method_table().names(); }

Granularity method_granularity(ThresholdMethod method) {
  switch (method) {
    case ThresholdMethod::ranger:
    case ThresholdMethod::ftclipact: return Granularity::layer;
    case ThresholdMethod::ranger_nw:
    case ThresholdMethod::fitact: return Granularity::neuron;
    case ThresholdMethod::proact: return Granularity::hybrid;
  }
  throw std::invalid_argument("invalid ThresholdMethod value");
}

bool is_ranger(ThresholdMethod method) { return method == ThresholdMethod::ranger || method == ThresholdMethod::ranger_nw; }

ClipForm ThresholdConfig::training_form() const {
  switch (method) {
    case ThresholdMethod::ranger:
    case ThresholdMethod::ranger_nw: return ranger_form;
    case ThresholdMethod::ftclipact: return ClipForm::hard;
    case ThresholdMethod::fitact:
    case ThresholdMethod::proact: return ClipForm::smooth;
  }
  throw std::invalid_argument("invalid ThresholdMethod value");
}

ClipForm ThresholdConfig::hardware_form() const { return is_ranger(method) ? ranger_form : ClipForm::hard; }

Granularity ThresholdConfig::granularity() const {
  return method == ThresholdMethod::proact ? proact.granularity : method_granularity(method);
}

void ThresholdConfig::validate() const {
  const auto require = [](bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument(message);
  };
  require(proact.epochs >= 1, "ProAct epochs per decay must be >= 1, got " + std::to_string(proact.epochs));
  require(fitact.epochs >= 1, "FitAct epochs must be >= 1, got " + std::to_string(fitact.epochs));
  require(batch_size >= 1, "batch size must be >= 1, got " + std::to_string(batch_size));
  require(sharpness > 0.0, "sharpness k must be > 0");
  require(ranger_form == ClipForm::hard || ranger_form == ClipForm::saturate,
          "Ranger's clip form must be hard (clip to zero) or saturate, got " + clip_form_name(ranger_form));
  require(!proact.weight_decays.empty(), "the ProAct weight-decay schedule is empty");
  for (double wd : proact.weight_decays) require(wd >= 0.0, "weight decays must be >= 0, got " + std::to_string(wd));
  require(proact.tolerance >= 0.0 && proact.tolerance <= 100.0,
          "tolerance must lie in [0, 100] accuracy points, got " + std::to_string(proact.tolerance));
  require(proact.lr_layer > 0.0 && proact.lr_neuron > 0.0, "ProAct learning rates must be > 0");
  require(method == ThresholdMethod::proact || (proact.granularity == Granularity::hybrid && proact.distillation &&
                                                proact.progressive),
          "--neuron-wise-layer, --no-distillation and --joint are ProAct's ablations; --method is " +
              threshold_method_name(method));
  require(fitact.learning_rate > 0.0, "FitAct learning rate must be > 0");
  require(fitact.weight_decay >= 0.0, "FitAct weight decay must be >= 0");
  require(ftclipact.rounds >= 1, "FT-ClipAct search rounds must be >= 1, got " + std::to_string(ftclipact.rounds));
  require(ftclipact.min_rounds >= 1 && ftclipact.min_rounds <= ftclipact.rounds,
          "FT-ClipAct's least rounds must lie in [1, rounds], got " + std::to_string(ftclipact.min_rounds));
  require(ftclipact.auc_tolerance >= 0.0, "FT-ClipAct's AUC tolerance must be >= 0");
  require(!ftclipact.bit_error_rates.empty(), "FT-ClipAct needs at least one bit error rate");
  for (double ber : ftclipact.bit_error_rates) require(ber >= 0.0 && ber <= 1.0, "bit error rates must lie in [0, 1], got " + std::to_string(ber));
  require(ftclipact.fault_maps >= 1, "fault maps per BER must be >= 1, got " + std::to_string(ftclipact.fault_maps));
  require(ftclipact.search_images >= 1, "FT-ClipAct search images must be >= 1");
}

nlohmann::json ThresholdConfig::hyperparameters() const {
  nlohmann::json h = {{"granularity", granularity_name(granularity())}, {"batch_size", batch_size}};
  switch (method) {
    case ThresholdMethod::ranger:
    case ThresholdMethod::ranger_nw: h["clip_form"] = clip_form_name(ranger_form); break;
    case ThresholdMethod::ftclipact:
      h.update({{"search", "interval search with refinement, 4 candidates per round"},
                {"rounds", ftclipact.rounds}, {"min_rounds", ftclipact.min_rounds},
                {"auc_tolerance_points", ftclipact.auc_tolerance}, {"bit_error_rates", ftclipact.bit_error_rates},
                {"fault_maps", ftclipact.fault_maps}, {"search_images", ftclipact.search_images},
                {"fault_model", "proact-paper (q15.16 weights and biases), nested maps"}});
      break;
    case ThresholdMethod::fitact:
      h.update({{"epochs", fitact.epochs}, {"optimizer", "adam"}, {"learning_rate", fitact.learning_rate},
                {"lr_schedule", fitact.cosine ? "cosine" : "constant"}, {"weight_decay", fitact.weight_decay},
                {"sharpness", sharpness}, {"loss", "ce + coupled l2"}});
      break;
    case ThresholdMethod::proact:
      h.update({{"epochs_per_decay", proact.epochs}, {"optimizer", "adam"}, {"lr_layer", proact.lr_layer},
                {"lr_neuron", proact.lr_neuron}, {"lr_schedule", proact.cosine ? "cosine" : "constant"},
                {"weight_decays", proact.weight_decays}, {"tolerance_points", proact.tolerance},
                {"acceptance", "|A - A0| <= tolerance after every epoch"}, {"sharpness", sharpness},
                {"training", proact.progressive ? "progressive (last clipped layer first)" : "joint (every layer at once)"},
                {"loss", proact.distillation ? "ce + distillation (T=1) + coupled l2" : "ce + coupled l2"}});
      break;
  }
  return h;
}

nlohmann::json trial_to_json(const TrialRecord& t) {
  nlohmann::json j = {{"layer", t.layer}, {"trial", t.trial}, {"setting", t.setting}, {"loss", t.loss},
                      {"accuracy", t.accuracy}, {"accepted", t.accepted}, {"seconds", t.seconds}};
  if (t.epochs > 0) j.update({{"epochs", t.epochs}, {"kept_epochs", t.kept_epochs}});
  return j;
}

MethodResult ranger_thresholds(const std::vector<Tensor>& maxima, Granularity granularity) {
  MethodResult result;
  result.thresholds = initial_thresholds(maxima, granularity);
  return result;
}

}  // namespace proact
