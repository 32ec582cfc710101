#pragma once
// Training clip thresholds with everything else frozen: the network runs in eval mode (batch norm
// on its running statistics), gradients flow back to the thresholds, and only the given
// threshold parameters are in the (Adam) optimiser; backward stops at the first trained layer.
// Loss = cross-entropy with the labels
// [+ soft-target cross-entropy against a teacher] + (weight_decay / 2) * sum T^2 over the trained
// thresholds.
#include <cstdint>
#include <functional>
#include <vector>

#include "models/net/network.hpp"
#include "sw/data/dataset.hpp"

namespace proact {

struct ThresholdTrainConfig {
  int epochs = 1;
  int batch_size = 64;
  float learning_rate = 1e-2f;  // Adam (with `cosine`, the rate of the first step)
  // Per trained parameter (same order), its own rate instead of learning_rate, each group of equal
  // rates with an Adam of its own; empty: learning_rate for all.
  std::vector<float> learning_rates;
  // Step s of the run's S steps uses learning_rate * (1 + cos(pi * s / S)) / 2 (cosine annealing
  // without warm-up); otherwise every step uses learning_rate.
  bool cosine = false;
  float weight_decay = 0.0f;    // coupled L2 pull on the trained thresholds
  std::uint64_t seed = 1;       // batch order
  void validate() const;        // throws std::invalid_argument naming the field and range
};

// `done` images of epoch `epoch` (1-based) seen, running mean loss of that epoch.
using ThresholdTrainProgress = std::function<void(int epoch, std::size_t done, double loss)>;
// Called after each epoch with its mean loss; returning false ends the training there.
using ThresholdEpochEnd = std::function<bool(int epoch, double loss)>;

// Trains `thresholds` (each a clipped Activation's "thresholds" parameter of `network`) on
// `train`; `teacher` is empty (no distillation) or (train.size(), classes) probabilities, one
// row per training image. Returns the mean loss of the last epoch run.
double train_thresholds(Network& network, const std::vector<Parameter*>& thresholds, const Dataset& train,
                        const Tensor& teacher, const ThresholdTrainConfig& config,
                        const ThresholdTrainProgress& progress = {}, const ThresholdEpochEnd& epoch_end = {});

}  // namespace proact
