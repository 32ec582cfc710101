#pragma once
// Layers that only route values: the residual add of two equal-shaped inputs, and flatten
// (C, H, W) -> (C*H*W).
#include "models/net/layer.hpp"

namespace proact {

class Add : public Layer {
 public:
  using Layer::Layer;
  std::string kind() const override { return "add"; }
  int arity() const override { return 2; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Add>(*this); }
};

class Flatten : public Layer {
 public:
  using Layer::Layer;
  std::string kind() const override { return "flatten"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Flatten>(*this); }
};

}  // namespace proact
