#include "models/net/batch_norm_layer.hpp"

#include "models/kernels/batch_norm.hpp"

namespace proact {

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
  output = Tensor(x.shape());
  const int batch = batch_of(x);
  const int pixels = static_cast<int>(per_sample(x) / channels_);
  const BatchNormParams p{parameter("gamma").value.data(), parameter("beta").value.data(), epsilon_};
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
  batch_norm_backward(batch_of(x), channels_, pixels, x.data(), doutput.data(), p, batch_mean_, batch_inv_std_,
                      dx->data(), parameter("gamma").grad.data(), parameter("beta").grad.data());
}

nlohmann::json BatchNorm::attributes() const {
  return {{"channels", channels_}, {"momentum", momentum_}, {"epsilon", epsilon_}};
}

}  // namespace proact
