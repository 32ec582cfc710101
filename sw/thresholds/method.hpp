#pragma once
// The threshold methods of docs/design.md section 3, one framework: ProAct (hybrid, progressive,
// distilled) and the baselines Ranger, Ranger NW, FT-ClipAct and FitAct. Each starts from the
// unclipped model and its profiled per-element maxima (profile.hpp) and returns one threshold
// tensor per clipped layer in execution order, plus a record of its trials.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/net/network.hpp"
#include "models/numeric/clip.hpp"
#include "sw/data/dataset.hpp"
#include "sw/thresholds/profile.hpp"

namespace proact {

// Ranger: layer-wise profiled maxima; Ranger NW: neuron-wise profiled maxima in every layer.
enum class ThresholdMethod { ranger, ranger_nw, ftclipact, fitact, proact };
// "ranger", "ranger-nw", "ftclipact", "fitact", "proact"
ThresholdMethod parse_threshold_method(const std::string& name);
std::string threshold_method_name(ThresholdMethod method);
std::vector<std::string> threshold_method_names();
Granularity method_granularity(ThresholdMethod method);  // layer, neuron, layer, neuron, hybrid
bool is_ranger(ThresholdMethod method);                  // Ranger or Ranger NW: profiled maxima, form a choice

struct ProActOptions {
  // Knobs are doubles so a threshold file records them exactly as given; training rounds them to
  // the float its optimiser computes in.
  // Per-layer decays of the coupled L2 pull, strong first: the reference code's eleven.
  std::vector<double> weight_decays = {4e-5, 4e-6, 4e-7, 4e-8, 4e-9, 4e-10, 4e-11, 4e-12, 4e-13, 4e-14, 4e-15};
  double tolerance = 0.2;       // accuracy points an epoch may move validation accuracy from A0, either way
  double lr_layer = 1e-2;       // Adam, layer-wise (scalar) thresholds
  double lr_neuron = 1e-3;      // Adam, the neuron-wise layer
  bool cosine = true;           // learning rate annealed over each decay's steps (else constant)
  int epochs = 1;               // most epochs per decay (fewer when one leaves the tolerance)
  // Ablations (docs/results.md): which layers are neuron-wise (hybrid: the last, ProAct's), the
  // distillation term, and progressive (one layer at a time) or joint training (every layer in one
  // optimiser, each decay allowed epochs x layers epochs: the same budget in total).
  Granularity granularity = Granularity::hybrid;
  bool distillation = true;
  bool progressive = true;
};

struct FitActOptions {
  int epochs = 5;
  double learning_rate = 1e-3;  // Adam, all neuron-wise thresholds jointly
  double weight_decay = 4e-11;  // coupled L2 pull, the reference code's
  bool cosine = true;           // learning rate annealed over the run (the reference's schedule)
};

struct FtClipActOptions {
  // The reference code's interval search (ftclipact_method.cpp): at most `rounds` rounds of four
  // candidates per layer, ending early once `min_rounds` ran and neighbouring candidates' areas
  // under the accuracy-vs-BER curve differ by at most `auc_tolerance` (accuracy points x the unit
  // span of the rates, the reference's delta_b).
  int rounds = 4;
  int min_rounds = 3;
  double auc_tolerance = 0.2;
  std::vector<double> bit_error_rates = {1e-7, 1e-6, 3e-6, 1e-5, 3e-5};  // Q15.16 weight faults (paper protocol)
  int fault_maps = 5;                                                   // nested maps, the same for every candidate
  std::size_t search_images = 1000;                                     // first images of the validation split
};

struct ThresholdConfig {
  ThresholdMethod method = ThresholdMethod::proact;
  std::uint64_t seed = 1;
  int batch_size = 64;
  double sharpness = kDefaultSharpness;  // k of the smooth form
  // Ranger's form (and Ranger NW's), the one method whose form is a choice: hard (clip to zero, as
  // the ProAct paper and its reference code run Ranger) or saturate (the Ranger paper's min(max(x, 0), T)).
  ClipForm ranger_form = ClipForm::hard;
  ProActOptions proact;
  FitActOptions fitact;
  FtClipActOptions ftclipact;
  bool show_progress = true;  // progress lines on stderr
  void validate() const;      // throws std::invalid_argument naming the field and range
  nlohmann::json hyperparameters() const;  // the knobs `method` uses
  ClipForm training_form() const;  // Ranger (NW): ranger_form; FT-ClipAct: hard; FitAct, ProAct: smooth
  ClipForm hardware_form() const;  // Ranger (NW): ranger_form; the others: hard
  Granularity granularity() const;  // method_granularity, or ProAct's proact.granularity
};

struct ThresholdData {
  Dataset train;        // threshold training (a seeded subset of the training split)
  Dataset validation;   // acceptance, candidate scores and clean accuracy (held out from weight training)
  Dataset calibration;  // profiling (a seeded subset of the training split)
  nlohmann::json source = nlohmann::json::object();  // the data spec and normalisation (DataSpec::to_json)
};

struct TrialRecord {
  std::string layer;       // clipped layer (ProAct, FT-ClipAct) or "all" (FitAct, joint ProAct)
  int trial = 0;           // 1-based within the layer
  double setting = 0;      // ProAct/FitAct: weight decay; FT-ClipAct: candidate as a fraction of the layer's max
  double loss = 0;         // ProAct/FitAct: mean training loss of the last epoch run; FT-ClipAct: 0
  double accuracy = 0;     // ProAct/FitAct: validation accuracy in the training form after the last epoch run;
                           // FT-ClipAct: area under the accuracy-vs-BER curve (rates at 1/K .. 1)
  bool accepted = false;   // ProAct: an epoch was kept; FT-ClipAct: best candidate; FitAct: true
  double seconds = 0;
  int epochs = 0;          // ProAct/FitAct: epochs run
  int kept_epochs = 0;     // ProAct: epochs whose state was kept (the first `kept_epochs` of those run)
};
nlohmann::json trial_to_json(const TrialRecord& trial);

struct MethodResult {
  std::vector<Tensor> thresholds;  // per clipped layer, (1) or its per-sample output shape
  std::vector<TrialRecord> trials;
  // ProAct: A0, the validation accuracy with the initial thresholds in the training form, against
  // which every epoch is accepted.
  std::optional<double> reference_accuracy;
  // ProAct: every layer's thresholds after each layer finished (stages[0] after the last clipped
  // layer, ...), the record that shows finished layers stay frozen. Empty for the other methods.
  std::vector<std::vector<Tensor>> stages;
};

// `model` is the unclipped network, `maxima` its profile_max_activations on data.calibration.
// Ranger: the maxima at `granularity` (layer for Ranger, neuron for Ranger NW), no training.
MethodResult ranger_thresholds(const std::vector<Tensor>& maxima, Granularity granularity);
MethodResult proact_thresholds(const Network& model, const std::vector<Tensor>& maxima, const ThresholdData& data,
                               const ThresholdConfig& config);
MethodResult fitact_thresholds(const Network& model, const std::vector<Tensor>& maxima, const ThresholdData& data,
                               const ThresholdConfig& config);
MethodResult ftclipact_thresholds(const Network& model, const std::vector<Tensor>& maxima, const ThresholdData& data,
                                  const ThresholdConfig& config);

}  // namespace proact
