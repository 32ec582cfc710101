#include "models/net/batch_norm_layer.hpp"

#include <cmath>

#include "models/kernels/batch_norm.hpp"

namespace proact {

namespace {

// Backward of the eval-mode forward y = (x - mean) * s + beta, s = gamma / sqrt(var + eps) with the
// running statistics fixed: dx = dy * s (overwritten); dgamma += sum dy * (x - mean) / sqrt(var + eps),
// dbeta += sum dy. x, dy, dx are (B, C, P).
void eval_backward(int batch, int channels, int pixels, const float* x, const float* dy, const BatchNormParams& p,
                   const float* running_mean, const float* running_var, float* dx, float* dgamma, float* dbeta) {
  for (int c = 0; c < channels; ++c) {
    const float inv_std = 1.0f / std::sqrt(running_var[c] + p.epsilon);
    const float scale = p.gamma[c] * inv_std;
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    for (int b = 0; b < batch; ++b) {
      const std::size_t base = (static_cast<std::size_t>(b) * channels + c) * pixels;
      for (int i = 0; i < pixels; ++i) {
        sum_dy += dy[base + i];
        sum_dy_xhat += static_cast<double>(dy[base + i]) * (x[base + i] - running_mean[c]) * inv_std;
        dx[base + i] = dy[base + i] * scale;
      }
    }
    dgamma[c] += static_cast<float>(sum_dy_xhat);
    dbeta[c] += static_cast<float>(sum_dy);
  }
}

}  // namespace

BatchNorm::BatchNorm(std::string name, int channels, float momentum, float epsilon)
    : Layer(std::move(name)), channels_(channels), momentum_(momentum), epsilon_(epsilon) {
  add_parameter("gamma", Tensor({channels}, 1.0f));
  add_parameter("beta", Tensor({channels}));
  add_parameter("running_mean", Tensor({channels}), false);
  add_parameter("running_var", Tensor({channels}, 1.0f), false);
}

Shape BatchNorm::output_shape(const std::vector<Shape>& inputs) const {
  const Shape& s = inputs.at(0);
  if (s.empty() || s[0] != channels_) {
    fail("expects " + std::to_string(channels_) + " channels, got input " + shape_string(s));
  }
  return s;
}

void BatchNorm::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) {
  const Tensor& x = *inputs[0];
  output.resize_for_overwrite(x.shape());
  const int batch = batch_of(x);
  const int pixels = static_cast<int>(per_sample(x) / channels_);
  const BatchNormParams p{parameter("gamma").value.data(), parameter("beta").value.data(), epsilon_};
  last_mode_ = options.mode;
  if (options.mode == Mode::train) {
    batch_norm_train_forward(batch, channels_, pixels, x.data(), output.data(), p, momentum_,
                             parameter("running_mean").value.data(), parameter("running_var").value.data(),
                             batch_mean_, batch_inv_std_);
  } else {
    batch_norm_eval_forward(batch, channels_, pixels, x.data(), output.data(), p,
                            parameter("running_mean").value.data(), parameter("running_var").value.data());
  }
}

void BatchNorm::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                         const std::vector<Tensor*>& dinputs) {
  const Tensor& x = *inputs[0];
  const int pixels = static_cast<int>(per_sample(x) / channels_);
  const BatchNormParams p{parameter("gamma").value.data(), parameter("beta").value.data(), epsilon_};
  Tensor scratch;
  Tensor* dx = dinputs[0];
  if (!dx) {
    scratch = Tensor(x.shape());
    dx = &scratch;
  }
  float* dgamma = parameter("gamma").accumulated_grad().data();
  float* dbeta = parameter("beta").accumulated_grad().data();
  if (last_mode_ == Mode::eval) {
    eval_backward(batch_of(x), channels_, pixels, x.data(), doutput.data(), p, parameter("running_mean").value.data(),
                  parameter("running_var").value.data(), dx->data(), dgamma, dbeta);
    return;
  }
  batch_norm_backward(batch_of(x), channels_, pixels, x.data(), doutput.data(), p, batch_mean_, batch_inv_std_,
                      dx->data(), dgamma, dbeta);
}

nlohmann::json BatchNorm::attributes() const {
  return {{"channels", channels_}, {"momentum", momentum_}, {"epsilon", epsilon_}};
}

}  // namespace proact
