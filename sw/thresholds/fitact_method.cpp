// FitAct (baseline, docs/design.md 3.5): neuron-wise thresholds in every clipped layer,
// initialised from the profiled maxima and trained jointly with cross-entropy + L2 (no
// distillation, no acceptance test), weights and batch-norm statistics frozen.
#include <cstdio>
#include <iostream>

#include "sw/protection/apply.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/thresholds/method.hpp"
#include "sw/thresholds/threshold_training.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/util/progress.hpp"

namespace proact {

MethodResult fitact_thresholds(const Network& model, const std::vector<Tensor>& maxima, const ThresholdData& data,
                               const ThresholdConfig& config) {
  config.validate();
  Network net = model;
  set_thresholds(net, initial_thresholds(maxima, Granularity::neuron), ClipForm::smooth, static_cast<float>(config.sharpness));
  std::vector<Parameter*> thresholds;
  for (std::size_t site : clip_sites(net)) thresholds.push_back(&activation_at(net, site).parameter("thresholds"));
  ThresholdTrainConfig train;
  train.epochs = config.fitact.epochs;
  train.batch_size = config.batch_size;
  train.learning_rate = static_cast<float>(config.fitact.learning_rate);
  train.weight_decay = static_cast<float>(config.fitact.weight_decay);
  train.cosine = config.fitact.cosine;
  train.seed = config.seed;
  ProgressLine progress(std::cerr, "fitact all layers neuron-wise", static_cast<std::size_t>(config.fitact.epochs) * data.train.size(),
                        config.show_progress);
  const double loss = train_thresholds(net, thresholds, data.train, Tensor(), train,
                                       [&](int epoch, std::size_t seen, double running) {
                                         char detail[48];
                                         std::snprintf(detail, sizeof detail, "epoch %d loss %.4f", epoch, running);
                                         progress.update((epoch - 1) * data.train.size() + seen, detail);
                                       });
  const double accuracy = evaluate(net, data.validation, AccumulationOrder::free_order()).accuracy();
  char detail[96];
  std::snprintf(detail, sizeof detail, "loss %.4f  validation %.2f%%", loss, 100.0 * accuracy);
  progress.finish(detail);
  MethodResult result;
  result.thresholds = current_thresholds(net);
  result.trials.push_back({"all", 1, config.fitact.weight_decay, loss, accuracy, true, progress.elapsed_seconds(),
                           config.fitact.epochs, config.fitact.epochs});
  return result;
}

}  // namespace proact
