#include "models/net/gemm_layers.hpp"

#include "models/kernels/dense.hpp"
#include "models/net/window_json.hpp"
#include "models/numeric/format.hpp"

namespace proact {

namespace {
std::vector<std::int8_t> quantize_activations(const float* x, std::size_t count, float scale) {
  std::vector<std::int8_t> q(count);
  for (std::size_t i = 0; i < count; ++i) q[i] = static_cast<std::int8_t>(quantize_symmetric(x[i], scale, 8));
  return q;
}
}  // namespace

void GemmLayer::set_integer_weights(IntegerWeights weights) {
  const std::size_t n = static_cast<std::size_t>(out_channels());
  if (weights.weights.size() != n * patch_size() || weights.weight_scales.size() != n || weights.bias.size() != n) {
    fail("integer weights do not match the layer's shape");
  }
  integer_ = std::move(weights);
}

void GemmLayer::dequantize(int m, const std::int32_t* acc, float* y) const {
  const IntegerWeights& q = *integer_;
  for (int o = 0; o < out_channels(); ++o) {
    for (int i = 0; i < m; ++i) {
      const std::size_t j = static_cast<std::size_t>(o) * m + i;
      y[j] = dequantize_accumulator(acc[j], q.bias[o], q.weight_scales[o], q.input_scale);
    }
  }
}

Conv2d::Conv2d(std::string name, int in_channels, int out_channels, int kernel, int stride, int padding)
    : Conv2d(std::move(name), in_channels, out_channels, ConvWindow::square(kernel, stride, padding)) {}

Conv2d::Conv2d(std::string name, int in_channels, int out_channels, const ConvWindow& window)
    : GemmLayer(std::move(name)), in_channels_(in_channels), out_channels_(out_channels), window_(window) {
  if (window.groups < 1 || in_channels % window.groups != 0 || out_channels % window.groups != 0) {
    fail("groups " + std::to_string(window.groups) + " must divide in_channels " + std::to_string(in_channels) +
         " and out_channels " + std::to_string(out_channels));
  }
  add_parameter("weight",
                Tensor({out_channels, in_channels / window.groups, window.kernel.height, window.kernel.width}));
  add_parameter("bias", Tensor({out_channels}));
}

ConvGeometry Conv2d::geometry(const Shape& s) const { return ConvGeometry{s.at(0), s.at(1), s.at(2), out_channels_, window_}; }

Shape Conv2d::output_shape(const std::vector<Shape>& inputs) const {
  const Shape& s = inputs.at(0);
  if (s.size() != 3 || s[0] != in_channels_) {
    fail("expects input (" + std::to_string(in_channels_) + ", H, W), got " + shape_string(s));
  }
  const ConvGeometry g = geometry(s);
  try {
    g.validate();
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  return {out_channels_, g.out_height(), g.out_width()};
}

void Conv2d::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) {
  const Tensor& x = *inputs[0];
  const int batch = batch_of(x);
  const Shape sample(x.shape().begin() + 1, x.shape().end());
  const ConvGeometry g = geometry(sample);
  output.resize_for_overwrite(batched(batch, {out_channels_, g.out_height(), g.out_width()}));
  if (!integer_) {
    conv2d_forward(g, batch, x.data(), parameter("weight").value.data(), parameter("bias").value.data(),
                   output.data(), options.order);
    return;
  }
  const std::size_t in_size = per_sample(x), out_size = per_sample(output);
  const int k = g.patch_size(), m = g.out_pixels(), n = g.group_out_channels();
  const std::size_t group_cols = static_cast<std::size_t>(k) * m, group_outputs = static_cast<std::size_t>(n) * m;
#pragma omp parallel
  {
    std::vector<float> image(in_size), cols(group_cols * window_.groups);
    std::vector<std::int8_t> qcols(cols.size());
    std::vector<std::int32_t> acc(static_cast<std::size_t>(out_channels_) * m);
#pragma omp for schedule(static)
    for (int b = 0; b < batch; ++b) {
      const std::vector<std::int8_t> q = quantize_activations(x.data() + b * in_size, in_size, integer_->input_scale);
      std::copy(q.begin(), q.end(), image.begin());
      im2col(g, image.data(), 1, cols.data());
      std::copy(cols.begin(), cols.end(), qcols.begin());
      for (int group = 0; group < window_.groups; ++group) {  // group g: rows g * K... of cols, g * N... of W
        gemm_int8(integer_->weights.data() + group * n * static_cast<std::size_t>(k), qcols.data() + group * group_cols,
                  acc.data() + group * group_outputs, n, k, m);
      }
      dequantize(m, acc.data(), output.data() + b * out_size);
    }
  }
}

void Conv2d::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                      const std::vector<Tensor*>& dinputs) {
  const Tensor& x = *inputs[0];
  const Shape sample(x.shape().begin() + 1, x.shape().end());
  Parameter& w = parameter("weight");
  Parameter& b = parameter("bias");
  conv2d_backward(geometry(sample), batch_of(x), x.data(), w.value.data(), doutput.data(),
                  dinputs[0] ? dinputs[0]->data() : nullptr, w.accumulated_grad().data(), b.accumulated_grad().data());
}

nlohmann::json Conv2d::attributes() const {
  nlohmann::json a{{"in_channels", in_channels_}, {"out_channels", out_channels_}, {"kernel", size_json(window_.kernel)},
                   {"stride", size_json(window_.stride)}, {"padding", padding_json(window_.padding)}};
  if (window_.dilation != Size2d{}) a["dilation"] = size_json(window_.dilation);
  if (window_.groups != 1) a["groups"] = window_.groups;
  return a;
}

Dense::Dense(std::string name, int in_features, int out_features)
    : GemmLayer(std::move(name)), in_features_(in_features), out_features_(out_features) {
  add_parameter("weight", Tensor({out_features, in_features}));
  add_parameter("bias", Tensor({out_features}));
}

Shape Dense::output_shape(const std::vector<Shape>& inputs) const {
  const Shape& s = inputs.at(0);
  if (s.size() != 1 || s[0] != in_features_) {
    fail("expects input (" + std::to_string(in_features_) + "), got " + shape_string(s));
  }
  return {out_features_};
}

void Dense::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) {
  const Tensor& x = *inputs[0];
  const int batch = batch_of(x);
  output.resize_for_overwrite({batch, out_features_});
  if (!integer_) {
    dense_forward(batch, in_features_, out_features_, x.data(), parameter("weight").value.data(),
                  parameter("bias").value.data(), output.data(), options.order);
    return;
  }
  // Integer product in the GEMM's (N, K) x (K, B) form, then back to (B, N).
  const std::vector<std::int8_t> q = quantize_activations(x.data(), x.size(), integer_->input_scale);
  std::vector<std::int8_t> qt(q.size());
  for (int b = 0; b < batch; ++b)
    for (int i = 0; i < in_features_; ++i)
      qt[static_cast<std::size_t>(i) * batch + b] = q[static_cast<std::size_t>(b) * in_features_ + i];
  std::vector<std::int32_t> acc(static_cast<std::size_t>(out_features_) * batch);
  gemm_int8(integer_->weights.data(), qt.data(), acc.data(), out_features_, in_features_, batch);
  std::vector<float> yt(acc.size());
  dequantize(batch, acc.data(), yt.data());
  for (int b = 0; b < batch; ++b)
    for (int o = 0; o < out_features_; ++o)
      output[static_cast<std::size_t>(b) * out_features_ + o] = yt[static_cast<std::size_t>(o) * batch + b];
}

void Dense::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                     const std::vector<Tensor*>& dinputs) {
  const Tensor& x = *inputs[0];
  Parameter& w = parameter("weight");
  Parameter& b = parameter("bias");
  dense_backward(batch_of(x), in_features_, out_features_, x.data(), w.value.data(), doutput.data(),
                 dinputs[0] ? dinputs[0]->data() : nullptr, w.accumulated_grad().data(), b.accumulated_grad().data());
}

nlohmann::json Dense::attributes() const { return {{"in_features", in_features_}, {"out_features", out_features_}}; }

}  // namespace proact
