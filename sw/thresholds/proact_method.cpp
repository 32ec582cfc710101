// ProAct (docs/design.md 3.4): hybrid thresholds initialised from the profiled maxima, trained
// one clipped layer at a time from the last towards the input with weights and batch-norm
// statistics frozen; per layer a decreasing weight-decay schedule, the first trial whose
// validation accuracy (smooth form) stays within the tolerance is kept, else the layer returns
// to its initial thresholds. A finished layer leaves the optimiser for good.
#include <cstdio>
#include <iostream>

#include "models/random.hpp"
#include "sw/protection/apply.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/thresholds/distillation.hpp"
#include "sw/thresholds/method.hpp"
#include "sw/thresholds/threshold_training.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

MethodResult proact_thresholds(const Network& model, const std::vector<Tensor>& maxima, const ThresholdData& data,
                               const ThresholdConfig& config, double unclipped_accuracy) {
  config.validate();
  Network teacher = model;
  const Tensor soft_targets = teacher_probabilities(teacher, data.train);
  Network net = model;
  set_thresholds(net, initial_thresholds(maxima, Granularity::hybrid), ClipForm::smooth, static_cast<float>(config.sharpness));
  const std::vector<std::size_t> sites = clip_sites(net);
  const std::size_t schedule = config.proact.weight_decays.size();

  MethodResult result;
  double trial_seconds = 0.0;
  std::size_t trials_run = 0;
  for (std::size_t done = 0; done < sites.size(); ++done) {
    const std::size_t l = sites.size() - 1 - done;  // last clipped layer first
    Parameter& thresholds = activation_at(net, sites[l]).parameter("thresholds");
    const Tensor initial = thresholds.value;
    const bool neuron_wise = initial.size() > 1;
    const std::string& name = net.layer(sites[l]).name();
    bool accepted = false;
    for (std::size_t trial = 0; trial < schedule && !accepted; ++trial) {
      thresholds.value = initial;
      ThresholdTrainConfig train;
      train.epochs = config.epochs;
      train.batch_size = config.batch_size;
      const double weight_decay = config.proact.weight_decays[trial];
      train.learning_rate = static_cast<float>(neuron_wise ? config.proact.lr_neuron : config.proact.lr_layer);
      train.weight_decay = static_cast<float>(weight_decay);
      train.seed = Rng::derive(config.seed, l * schedule + trial);
      char label[128];
      std::snprintf(label, sizeof label, "proact %s (layer %zu/%zu, %s) trial %zu/%zu wd %.0e", name.c_str(), done + 1,
                    sites.size(), neuron_wise ? "neuron-wise" : "layer-wise", trial + 1, schedule, weight_decay);
      ProgressLine progress(std::cerr, label, static_cast<std::size_t>(config.epochs) * data.train.size(),
                            config.show_progress);
      const double loss = train_thresholds(net, {&thresholds}, data.train, soft_targets, train,
                                           [&](int epoch, std::size_t seen, double running) {
                                             char detail[48];
                                             std::snprintf(detail, sizeof detail, "loss %.4f", running);
                                             progress.update((epoch - 1) * data.train.size() + seen, detail);
                                           });
      const double accuracy = evaluate(net, data.validation, AccumulationOrder::free_order()).accuracy();
      accepted = 100.0 * (unclipped_accuracy - accuracy) <= config.proact.tolerance;
      const double seconds = progress.elapsed_seconds();
      result.trials.push_back({name, static_cast<int>(trial + 1), weight_decay, loss, accuracy, accepted, seconds});
      trial_seconds += seconds;
      ++trials_run;
      // Upper bound of what is left: the rest of this layer's schedule if rejected, every later layer's whole schedule.
      const std::size_t left = (accepted ? 0 : schedule - trial - 1) + (sites.size() - done - 1) * schedule;
      char detail[160];
      std::snprintf(detail, sizeof detail, "loss %.4f  validation %.2f%% (unclipped %.2f%%)  %s  run ETA <= %s", loss,
                    100.0 * accuracy, 100.0 * unclipped_accuracy,
                    accepted ? "accepted" : (trial + 1 == schedule ? "rejected, reverted" : "rejected"),
                    format_duration(trial_seconds / trials_run * left).c_str());
      progress.finish(detail);
    }
    if (!accepted) thresholds.value = initial;
    result.stages.push_back(current_thresholds(net));
  }
  result.thresholds = current_thresholds(net);
  return result;
}

}  // namespace proact
