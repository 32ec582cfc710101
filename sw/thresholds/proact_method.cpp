// ProAct: hybrid thresholds initialised from the profiled maxima, trained one clipped layer at a
// time from the last towards the input, weights and batch-norm statistics frozen. A0 is the
// validation accuracy (smooth form) with the initial thresholds. Per layer, each weight decay of
// the schedule (strong pull first) trains epoch by epoch from the last kept state: an epoch whose
// validation accuracy lies within the tolerance of A0 (either way) is kept and training goes on;
// the first that leaves it is undone and the next, weaker decay starts from the kept state. A
// finished layer leaves the optimiser for good.
#include <cmath>
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
                               const ThresholdConfig& config) {
  config.validate();
  Network teacher = model;
  const Tensor soft_targets = teacher_probabilities(teacher, data.train);
  Network net = model;
  set_thresholds(net, initial_thresholds(maxima, Granularity::hybrid), ClipForm::smooth, static_cast<float>(config.sharpness));
  const auto validation_accuracy = [&] {
    return evaluate(net, data.validation, AccumulationOrder::free_order()).accuracy();
  };
  const double reference = validation_accuracy();  // A0
  const std::vector<std::size_t> sites = clip_sites(net);
  const std::size_t schedule = config.proact.weight_decays.size();

  MethodResult result;
  result.reference_accuracy = reference;
  double epoch_seconds = 0.0;
  std::size_t epochs_run = 0;
  for (std::size_t done = 0; done < sites.size(); ++done) {
    const std::size_t l = sites.size() - 1 - done;  // last clipped layer first
    Parameter& thresholds = activation_at(net, sites[l]).parameter("thresholds");
    Tensor kept = thresholds.value;
    const bool neuron_wise = kept.size() > 1;
    const std::string& name = net.layer(sites[l]).name();
    for (std::size_t trial = 0; trial < schedule; ++trial) {
      ThresholdTrainConfig train;
      train.epochs = config.proact.epochs;
      train.batch_size = config.batch_size;
      const double weight_decay = config.proact.weight_decays[trial];
      train.learning_rate = static_cast<float>(neuron_wise ? config.proact.lr_neuron : config.proact.lr_layer);
      train.cosine = config.proact.cosine;
      train.weight_decay = static_cast<float>(weight_decay);
      train.seed = Rng::derive(config.seed, l * schedule + trial);
      char label[128];
      std::snprintf(label, sizeof label, "proact %s (layer %zu/%zu, %s) decay %zu/%zu %.0e", name.c_str(), done + 1,
                    sites.size(), neuron_wise ? "neuron-wise" : "layer-wise", trial + 1, schedule, weight_decay);
      ProgressLine progress(std::cerr, label, static_cast<std::size_t>(config.proact.epochs) * data.train.size(),
                            config.show_progress);
      TrialRecord record{name, static_cast<int>(trial + 1), weight_decay};
      const auto epoch_end = [&](int epoch, double) {
        record.epochs = epoch;
        record.accuracy = validation_accuracy();
        if (std::abs(100.0 * (record.accuracy - reference)) > config.proact.tolerance) return false;
        kept = thresholds.value;
        record.kept_epochs = epoch;
        return true;
      };
      record.loss = train_thresholds(net, {&thresholds}, data.train, soft_targets, train,
                                     [&](int epoch, std::size_t seen, double running) {
                                       char detail[48];
                                       std::snprintf(detail, sizeof detail, "loss %.4f", running);
                                       progress.update((epoch - 1) * data.train.size() + seen, detail);
                                     },
                                     epoch_end);
      thresholds.value = kept;  // undoes the epoch that left the tolerance, if one did
      record.accepted = record.kept_epochs > 0;
      record.seconds = progress.elapsed_seconds();
      result.trials.push_back(record);
      epoch_seconds += record.seconds;
      epochs_run += static_cast<std::size_t>(record.epochs);
      // Upper bound of what is left: every later decay of this layer and every earlier layer's whole schedule.
      const std::size_t left = ((schedule - trial - 1) + (sites.size() - done - 1) * schedule) * config.proact.epochs;
      char detail[192];
      std::snprintf(detail, sizeof detail, "loss %.4f  validation %.2f%% (A0 %.2f%%)  kept %d of %d epochs  run ETA <= %s",
                    record.loss, 100.0 * record.accuracy, 100.0 * reference, record.kept_epochs, record.epochs,
                    format_duration(epoch_seconds / static_cast<double>(epochs_run) * static_cast<double>(left)).c_str());
      progress.finish(detail);
    }
    result.stages.push_back(current_thresholds(net));
  }
  result.thresholds = current_thresholds(net);
  return result;
}

}  // namespace proact
