#pragma once
// The layers the systolic array computes: 2-D convolution (grouped, dilated, any padding) and
// dense (fully connected).
// Both can run on float weights (decoded from any storage format) in a given accumulation order,
// or, once integer weights are installed, as an int8 x int8 -> int32 product (bit-exact).
#include <cstdint>
#include <optional>

#include "models/kernels/conv.hpp"
#include "models/net/layer.hpp"

namespace proact {

// An int8 layer as the hardware stores it: symmetric int8 weights with one scale per output
// channel, int32 bias in units of weight_scale * input_scale, and the input activations
// quantised to int8 with input_scale. Output = float(acc + bias) * (weight_scale * input_scale).
struct IntegerWeights {
  std::vector<std::int8_t> weights;   // same layout as the float weight
  std::vector<float> weight_scales;   // (out_channels)
  std::vector<std::int32_t> bias;     // (out_channels)
  float input_scale = 1.0f;
};

class GemmLayer : public Layer {
 public:
  using Layer::Layer;
  virtual int out_channels() const = 0;
  virtual int patch_size() const = 0;  // K: products summed per output
  void set_integer_weights(IntegerWeights weights);
  void clear_integer_weights() { integer_.reset(); }
  const std::optional<IntegerWeights>& integer_weights() const { return integer_; }

 protected:
  // Adds the bias and rescales an int32 product (N, M) into y (N, M).
  void dequantize(int m, const std::int32_t* acc, float* y) const;
  std::optional<IntegerWeights> integer_;
};

// Weight (O, C / groups, kh, kw), bias (O). A grouped conv is one GEMM per group.
class Conv2d : public GemmLayer {
 public:
  // A square kernel, one stride and one padding on every side (ConvWindow::square).
  Conv2d(std::string name, int in_channels, int out_channels, int kernel, int stride = 1, int padding = 0);
  // Throws std::invalid_argument naming the layer when the groups do not divide both channel counts.
  Conv2d(std::string name, int in_channels, int out_channels, const ConvWindow& window);
  std::string kind() const override { return "conv2d"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  nlohmann::json attributes() const override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv2d>(*this); }
  int out_channels() const override { return out_channels_; }
  int patch_size() const override { return in_channels_ / window_.groups * window_.kernel.height * window_.kernel.width; }
  const ConvWindow& window() const { return window_; }
  ConvGeometry geometry(const Shape& sample_shape) const;  // for a (C, H, W) input

 private:
  int in_channels_, out_channels_;
  ConvWindow window_;
};

class Dense : public GemmLayer {
 public:
  Dense(std::string name, int in_features, int out_features);
  std::string kind() const override { return "dense"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  nlohmann::json attributes() const override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Dense>(*this); }
  int out_channels() const override { return out_features_; }
  int patch_size() const override { return in_features_; }

 private:
  int in_features_, out_features_;
};

}  // namespace proact
