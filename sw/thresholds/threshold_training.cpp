#include "sw/thresholds/threshold_training.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

#include "models/kernels/loss.hpp"
#include "models/random.hpp"
#include "sw/thresholds/distillation.hpp"
#include "sw/train/optimizer.hpp"

namespace proact {

namespace {

// The first node holding one of `parameters`: backward need not go below it. Throws
// std::invalid_argument for a parameter that is not the network's.
std::size_t first_node_of(Network& network, const std::vector<Parameter*>& parameters) {
  std::size_t first = network.size();
  for (const Parameter* p : parameters) {
    bool found = false;
    for (std::size_t i = 0; i < network.size() && !found; ++i) {
      for (const Parameter& q : network.layer(i).parameters()) {
        if (&q != p) continue;
        first = std::min(first, i);
        found = true;
      }
    }
    if (!found) throw std::invalid_argument("threshold parameter '" + p->name + "' does not belong to the network");
  }
  return first;
}

}  // namespace

void ThresholdTrainConfig::validate() const {
  if (epochs < 1) throw std::invalid_argument("epochs per trial must be >= 1, got " + std::to_string(epochs));
  if (batch_size < 1) throw std::invalid_argument("batch size must be >= 1, got " + std::to_string(batch_size));
  if (!(learning_rate > 0.0f)) throw std::invalid_argument("threshold learning rate must be > 0");
  if (!(weight_decay >= 0.0f)) throw std::invalid_argument("threshold weight decay must be >= 0");
  for (float rate : learning_rates)
    if (!(rate > 0.0f)) throw std::invalid_argument("threshold learning rates must be > 0");
}

double train_thresholds(Network& network, const std::vector<Parameter*>& thresholds, const Dataset& train,
                        const Tensor& teacher, const ThresholdTrainConfig& config, const ThresholdTrainProgress& progress,
                        const ThresholdEpochEnd& epoch_end) {
  config.validate();
  if (train.size() == 0) throw std::invalid_argument("threshold training set is empty");
  if (thresholds.empty()) throw std::invalid_argument("no thresholds to train");
  const bool distill = !teacher.empty();
  if (distill && (teacher.rank() != 2 || static_cast<std::size_t>(teacher.dim(0)) != train.size())) {
    throw std::invalid_argument("teacher probabilities " + shape_string(teacher.shape()) + " do not match the " +
                                std::to_string(train.size()) + " training images");
  }
  if (!config.learning_rates.empty() && config.learning_rates.size() != thresholds.size())
    throw std::invalid_argument("one learning rate per trained threshold parameter is needed");
  const std::size_t first = first_node_of(network, thresholds);
  // Parameters grouped by learning rate, an Adam per group (its step count is the group's own).
  std::map<float, std::vector<Parameter*>> groups;
  for (std::size_t i = 0; i < thresholds.size(); ++i)
    groups[config.learning_rates.empty() ? config.learning_rate : config.learning_rates[i]].push_back(thresholds[i]);
  OptimizerConfig adam;
  adam.kind = "adam";
  std::vector<std::unique_ptr<Optimizer>> optimizers;
  for (std::size_t g = 0; g < groups.size(); ++g) optimizers.push_back(make_optimizer(adam));
  Rng rng(config.seed);
  std::vector<std::size_t> order(train.size());
  const std::size_t steps_per_epoch = (train.size() + config.batch_size - 1) / config.batch_size;
  const double total_steps = static_cast<double>(steps_per_epoch) * config.epochs;
  std::size_t step = 0;
  double epoch_loss = 0.0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    rng.shuffle(order);
    double loss_sum = 0.0;
    std::size_t seen = 0;
    for (std::size_t begin = 0; begin < order.size(); begin += config.batch_size) {
      const std::vector<std::size_t> indices(order.begin() + begin,
                                             order.begin() + std::min(order.size(), begin + config.batch_size));
      const int count = static_cast<int>(indices.size());
      const Dataset batch = subset(train, indices, train.name);
      const Tensor& logits = network.forward(batch.images, ExecutionOptions{});
      const int classes = logits.dim(1);
      Tensor dlogits(logits.shape());
      double loss = softmax_cross_entropy(count, classes, logits.data(), batch.labels, dlogits.data());
      if (distill) {
        std::vector<float> targets(static_cast<std::size_t>(count) * classes);
        for (int b = 0; b < count; ++b)
          std::copy_n(teacher.data() + indices[b] * classes, classes, targets.data() + static_cast<std::size_t>(b) * classes);
        loss += soft_target_cross_entropy(count, classes, logits.data(), targets.data(), dlogits.data());
      }
      network.zero_grad();
      network.backward(dlogits, first);
      for (Parameter* t : thresholds) {
        for (std::size_t i = 0; i < t->value.size(); ++i) {
          loss += 0.5 * config.weight_decay * t->value[i] * t->value[i];
          t->grad[i] += config.weight_decay * t->value[i];
        }
      }
      const double lr_scale = config.cosine ? cosine_schedule(static_cast<double>(step), total_steps) : 1.0;
      std::size_t g = 0;
      for (const auto& [rate, parameters] : groups) optimizers[g++]->step(parameters, static_cast<float>(rate * lr_scale));
      ++step;
      loss_sum += loss * count;
      seen += count;
      if (progress) progress(epoch, seen, loss_sum / seen);
    }
    epoch_loss = loss_sum / seen;
    if (epoch_end && !epoch_end(epoch, epoch_loss)) break;
  }
  return epoch_loss;
}

}  // namespace proact
