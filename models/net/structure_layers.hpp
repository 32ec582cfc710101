#pragma once
// Layers that only route values: the residual add of two equal-shaped inputs, flatten
// (C, H, W) -> (C*H*W), concatenation along the channel (feature) axis, and constant padding.
#include "models/kernels/window.hpp"
#include "models/net/layer.hpp"

namespace proact {

class Add : public Layer {
 public:
  using Layer::Layer;
  std::string kind() const override { return "add"; }
  int arity() const override { return 2; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  bool elementwise() const override { return true; }
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
  bool elementwise() const override { return true; }
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Flatten>(*this); }
};

// Inputs (C_i, H, W), or (F_i), stacked along the first axis in input order: (sum C_i, H, W).
class Concat : public Layer {
 public:
  // Throws std::invalid_argument naming the layer for fewer than 2 inputs.
  Concat(std::string name, int inputs);
  std::string kind() const override { return "concat"; }
  int arity() const override { return inputs_; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  nlohmann::json attributes() const override { return {{"inputs", inputs_}}; }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Concat>(*this); }

 private:
  int inputs_;
};

// (C, H, W) -> (C, top + H + bottom, left + W + right), the border filled with `value`.
class Pad : public Layer {
 public:
  // Throws std::invalid_argument naming the layer for negative padding.
  Pad(std::string name, const Padding2d& padding, float value = 0.0f);
  std::string kind() const override { return "pad"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  nlohmann::json attributes() const override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Pad>(*this); }
  const Padding2d& padding() const { return padding_; }
  float value() const { return value_; }

 private:
  Padding2d padding_;
  float value_;
};

}  // namespace proact
