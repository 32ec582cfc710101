#include "sw/train/optimizer.hpp"

#include <cmath>
#include <stdexcept>

namespace proact {

void OptimizerConfig::validate() const {
  if (kind != "sgd" && kind != "adam") throw std::invalid_argument("optimizer '" + kind + "' unknown (expected sgd or adam)");
  if (!(learning_rate > 0.0f)) throw std::invalid_argument("learning rate must be > 0");
  if (momentum < 0.0f || momentum >= 1.0f) throw std::invalid_argument("momentum must be in [0, 1)");
  if (weight_decay < 0.0f) throw std::invalid_argument("weight decay must be >= 0");
  if (beta1 < 0.0f || beta1 >= 1.0f || beta2 < 0.0f || beta2 >= 1.0f) throw std::invalid_argument("Adam betas must be in [0, 1)");
}

namespace {

// Weight decay acts on weight matrices and kernels (rank >= 2), not on biases or norm scales.
float decay_of(const Parameter& p, const OptimizerConfig& c) { return p.value.rank() >= 2 ? c.weight_decay : 0.0f; }

class Sgd : public Optimizer {
 public:
  explicit Sgd(OptimizerConfig c) : c_(std::move(c)) {}
  void step(const std::vector<Parameter*>& parameters, float lr) override {
    for (Parameter* p : parameters) {
      std::vector<float>& v = velocity_[p];
      v.resize(p->value.size(), 0.0f);
      const Tensor& grad = p->accumulated_grad();
      for (std::size_t i = 0; i < v.size(); ++i) {
        const float g = grad[i] + decay_of(*p, c_) * p->value[i];
        v[i] = c_.momentum * v[i] + g;
        p->value[i] -= lr * v[i];
      }
    }
  }

 private:
  OptimizerConfig c_;
  std::unordered_map<const Parameter*, std::vector<float>> velocity_;
};

class Adam : public Optimizer {
 public:
  explicit Adam(OptimizerConfig c) : c_(std::move(c)) {}
  void step(const std::vector<Parameter*>& parameters, float lr) override {
    ++t_;
    const float correction1 = 1.0f - std::pow(c_.beta1, static_cast<float>(t_));
    const float correction2 = 1.0f - std::pow(c_.beta2, static_cast<float>(t_));
    for (Parameter* p : parameters) {
      Moments& s = moments_[p];
      const float decay = decay_of(*p, c_);
      s.m.resize(p->value.size(), 0.0f);
      s.v.resize(p->value.size(), 0.0f);
      const Tensor& grad = p->accumulated_grad();
      for (std::size_t i = 0; i < s.m.size(); ++i) {
        const float g = grad[i];
        s.m[i] = c_.beta1 * s.m[i] + (1.0f - c_.beta1) * g;
        s.v[i] = c_.beta2 * s.v[i] + (1.0f - c_.beta2) * g * g;
        const float update = (s.m[i] / correction1) / (std::sqrt(s.v[i] / correction2) + c_.epsilon);
        p->value[i] -= lr * (update + decay * p->value[i]);
      }
    }
  }

 private:
  struct Moments {
    std::vector<float> m, v;
  };
  OptimizerConfig c_;
  long t_ = 0;
  std::unordered_map<const Parameter*, Moments> moments_;
};

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config) {
  config.validate();
  if (config.kind == "sgd") return std::make_unique<Sgd>(config);
  return std::make_unique<Adam>(config);
}

double cosine_schedule(double step, double total_steps) { return 0.5 * (1.0 + std::cos(M_PI * step / total_steps)); }

}  // namespace proact
