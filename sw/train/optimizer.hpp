#pragma once
// Optimisers over a fixed list of parameters (their grads hold d loss / d value).
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/net/layer.hpp"

namespace proact {

struct OptimizerConfig {
  std::string kind = "adam";  // "sgd" (with momentum) or "adam" (decoupled weight decay, AdamW)
  float learning_rate = 1e-3f;
  float momentum = 0.9f;       // sgd
  float weight_decay = 0.0f;   // on rank >= 2 tensors; sgd: L2 added to the gradient; adam: decoupled
  float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
  void validate() const;       // throws std::invalid_argument naming the field and range
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One update of every parameter with the given learning rate (schedules vary it per step).
  virtual void step(const std::vector<Parameter*>& parameters, float learning_rate) = 0;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config);

// The factor a cosine schedule (without warm-up) applies to the learning rate at step `step` of
// `total_steps`: 0.5 * (1 + cos(pi * step / total_steps)), 1 at the first step, towards 0 at the last.
double cosine_schedule(double step, double total_steps);

}  // namespace proact
