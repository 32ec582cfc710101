#pragma once
// Batch normalisation over channels of a (C, H, W) or (C) input. Train mode uses batch
// statistics and updates the running ones; eval mode uses the running ones. backward()
// differentiates whichever mode the last forward ran in (eval: the fixed affine map, as threshold
// training needs with frozen statistics). For inference the layer is folded into the preceding
// conv/dense (see deployment.hpp).
#include "models/net/layer.hpp"

namespace proact {

class BatchNorm : public Layer {
 public:
  BatchNorm(std::string name, int channels, float momentum = 0.1f, float epsilon = 1e-5f);
  std::string kind() const override { return "batch_norm"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  nlohmann::json attributes() const override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<BatchNorm>(*this); }
  int channels() const { return channels_; }
  float momentum() const { return momentum_; }
  float epsilon() const { return epsilon_; }

 private:
  int channels_;
  float momentum_, epsilon_;
  std::vector<float> batch_mean_, batch_inv_std_;  // (C) from the last train-mode forward
  Mode last_mode_ = Mode::eval;                    // mode of the last forward
};

}  // namespace proact
