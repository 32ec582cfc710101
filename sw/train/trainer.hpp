#pragma once
// Mini-batch training of all weights with softmax cross-entropy, seeded shuffling and optional
// augmentation, with a progress line per epoch on stderr.
#include <cstdint>
#include <string>
#include <vector>

#include "models/net/network.hpp"
#include "sw/data/dataset.hpp"
#include "sw/train/optimizer.hpp"

namespace proact {

struct TrainConfig {
  int epochs = 10;
  int batch_size = 64;
  OptimizerConfig optimizer;
  std::string schedule = "cosine";  // "cosine" (to 0 over all steps) or "constant"
  bool augment = false;             // random horizontal flip and shift by up to 2 pixels
  std::uint64_t seed = 1;
  void validate() const;            // throws std::invalid_argument naming the field and range
};

struct EpochReport {
  int epoch = 0;
  double loss = 0, train_accuracy = 0, validation_accuracy = 0, seconds = 0, images_per_second = 0;
};

std::vector<EpochReport> train_network(Network& network, const Dataset& train, const Dataset& validation,
                                       const TrainConfig& config, bool show_progress = true);

}  // namespace proact
