// ProAct: hybrid thresholds initialised from the profiled maxima, trained one clipped layer at a
// time from the last towards the input, weights and batch-norm statistics frozen. A0 is the
// validation accuracy (smooth form) with the initial thresholds. Per layer, each weight decay of
// the schedule (strong pull first) trains epoch by epoch from the last kept state: an epoch whose
// validation accuracy lies within the tolerance of A0 (either way) is kept and training goes on;
// the first that leaves it is undone and the next, weaker decay starts from the kept state. A
// finished layer leaves the optimiser for good. The ablations (ProActOptions) change which layers
// are neuron-wise, drop the distillation term, or train every layer as one group.
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
  const ProActOptions& o = config.proact;
  Tensor soft_targets;
  if (o.distillation) {
    Network teacher = model;
    soft_targets = teacher_probabilities(teacher, data.train);
  }
  Network net = model;
  set_thresholds(net, initial_thresholds(maxima, o.granularity), ClipForm::smooth, static_cast<float>(config.sharpness));
  const auto validation_accuracy = [&] {
    return evaluate(net, data.validation, AccumulationOrder::free_order()).accuracy();
  };
  const double reference = validation_accuracy();  // A0
  const std::vector<std::size_t> sites = clip_sites(net);
  const std::size_t schedule = o.weight_decays.size();

  // Progressive: one group per clipped layer, the last first. Joint: one group of every layer,
  // each decay allowed epochs x layers epochs, the progressive run's budget.
  std::vector<std::vector<std::size_t>> groups;
  if (o.progressive) {
    for (std::size_t done = 0; done < sites.size(); ++done) groups.push_back({sites.size() - 1 - done});
  } else {
    groups.emplace_back(sites.size());
    for (std::size_t l = 0; l < sites.size(); ++l) groups[0][l] = l;
  }
  const int epochs_per_decay = o.epochs * (o.progressive ? 1 : static_cast<int>(sites.size()));

  MethodResult result;
  result.reference_accuracy = reference;
  double epoch_seconds = 0.0;
  std::size_t epochs_run = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::vector<Parameter*> thresholds;
    std::vector<float> rates;
    for (std::size_t l : groups[g]) {
      thresholds.push_back(&activation_at(net, sites[l]).parameter("thresholds"));
      rates.push_back(static_cast<float>(thresholds.back()->value.size() > 1 ? o.lr_neuron : o.lr_layer));
    }
    const auto snapshot = [&] {
      std::vector<Tensor> values;
      for (const Parameter* t : thresholds) values.push_back(t->value);
      return values;
    };
    std::vector<Tensor> kept = snapshot();
    const std::string name = o.progressive ? net.layer(sites[groups[g][0]]).name() : "all";
    const char* kind = thresholds[0]->value.size() > 1 ? "neuron-wise" : "layer-wise";
    for (std::size_t trial = 0; trial < schedule; ++trial) {
      ThresholdTrainConfig train;
      train.epochs = epochs_per_decay;
      train.batch_size = config.batch_size;
      const double weight_decay = o.weight_decays[trial];
      train.learning_rates = rates;
      train.cosine = o.cosine;
      train.weight_decay = static_cast<float>(weight_decay);
      train.seed = Rng::derive(config.seed, groups[g][0] * schedule + trial);
      char label[128];
      if (o.progressive) {
        std::snprintf(label, sizeof label, "proact %s (layer %zu/%zu, %s) decay %zu/%zu %.0e", name.c_str(), g + 1,
                      groups.size(), kind, trial + 1, schedule, weight_decay);
      } else {
        std::snprintf(label, sizeof label, "proact all (%zu layers, joint) decay %zu/%zu %.0e", sites.size(), trial + 1,
                      schedule, weight_decay);
      }
      ProgressLine progress(std::cerr, label, static_cast<std::size_t>(epochs_per_decay) * data.train.size(),
                            config.show_progress);
      TrialRecord record{name, static_cast<int>(trial + 1), weight_decay};
      const auto epoch_end = [&](int epoch, double) {
        record.epochs = epoch;
        record.accuracy = validation_accuracy();
        if (std::abs(100.0 * (record.accuracy - reference)) > o.tolerance) return false;
        kept = snapshot();
        record.kept_epochs = epoch;
        return true;
      };
      record.loss = train_thresholds(net, thresholds, data.train, soft_targets, train,
                                     [&](int epoch, std::size_t seen, double running) {
                                       char detail[48];
                                       std::snprintf(detail, sizeof detail, "loss %.4f", running);
                                       progress.update((epoch - 1) * data.train.size() + seen, detail);
                                     },
                                     epoch_end);
      for (std::size_t i = 0; i < thresholds.size(); ++i) thresholds[i]->value = kept[i];  // undoes a leaving epoch
      record.accepted = record.kept_epochs > 0;
      record.seconds = progress.elapsed_seconds();
      result.trials.push_back(record);
      epoch_seconds += record.seconds;
      epochs_run += static_cast<std::size_t>(record.epochs);
      // Upper bound of what is left: every later decay of this group and every later group's whole schedule.
      const std::size_t left =
          ((schedule - trial - 1) + (groups.size() - g - 1) * schedule) * static_cast<std::size_t>(epochs_per_decay);
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
