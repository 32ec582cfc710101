#pragma once
// The (clipped) ReLU of docs/design.md 3.1, after a clamp to [lo, hi]: ReLU is [0, +inf), ReLU6
// [0, 6], an ONNX Clip [min, max]. Unclipped (form relu) it computes the clamp; a clipped form
// applies to the clamped value and holds a `thresholds` parameter of shape (1) (layer-wise) or
// the per-sample output shape (neuron-wise). Every Activation is a clip site.
#include "models/net/layer.hpp"
#include "models/numeric/clip.hpp"

namespace proact {

class Activation : public Layer {
 public:
  // Throws std::invalid_argument naming the layer unless lo <= hi (neither NaN).
  explicit Activation(std::string name, ClampBounds bounds = {});  // default: plain ReLU
  std::string kind() const override { return "activation"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override { return inputs.at(0); }
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  bool elementwise() const override { return true; }
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  nlohmann::json attributes() const override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Activation>(*this); }

  ClampBounds bounds() const { return bounds_; }
  ClipForm form() const { return form_; }
  float sharpness() const { return sharpness_; }
  // Switches to a clipped form with the given thresholds ((1) or per-sample shape; checked on
  // the next forward), or back to plain ReLU with ClipForm::relu (thresholds dropped).
  void set_clipping(ClipForm form, Tensor thresholds, float sharpness = kDefaultSharpness);
  // Same thresholds, another form (e.g. smooth for training, hard for the hardware).
  void set_form(ClipForm form);

 private:
  const float* thresholds_for(std::size_t sample_size) const;
  ClampBounds bounds_;
  ClipForm form_ = ClipForm::relu;
  float sharpness_ = kDefaultSharpness;
};

}  // namespace proact
