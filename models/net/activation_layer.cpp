#include "models/net/activation_layer.hpp"

#include <cmath>

namespace proact {

Activation::Activation(std::string name, ClampBounds bounds) : Layer(std::move(name)), bounds_(bounds) {
  if (!(bounds.lo <= bounds.hi)) fail("clamps to " + bounds_string(bounds) + "; needs min <= max");
}

void Activation::set_clipping(ClipForm form, Tensor thresholds, float sharpness) {
  remove_parameter("thresholds");
  form_ = form;
  sharpness_ = sharpness;
  if (form != ClipForm::relu) add_parameter("thresholds", std::move(thresholds));
}

void Activation::set_form(ClipForm form) {
  if (form != ClipForm::relu && !has_parameter("thresholds")) fail("clip form needs thresholds; none are set");
  form_ = form;
}

const float* Activation::thresholds_for(std::size_t sample_size) const {
  if (form_ == ClipForm::relu) return nullptr;
  const Tensor& t = parameter("thresholds").value;
  if (t.size() != 1 && t.size() != sample_size) {
    fail("has " + std::to_string(t.size()) + " thresholds; expects 1 (layer-wise) or " + std::to_string(sample_size) +
         " (neuron-wise)");
  }
  return t.data();
}

void Activation::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) {
  const Tensor& x = *inputs[0];
  if (&output != &x) output.resize_for_overwrite(x.shape());  // else in place
  const std::size_t n = per_sample(x);
  const float* t = thresholds_for(n);
  const std::size_t count = t ? parameter("thresholds").value.size() : 1;
  const float no_threshold = 0.0f;
  clip_forward(form_, x.data(), output.data(), batch_of(x), n, t ? t : &no_threshold, count, sharpness_, bounds_);
}

void Activation::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                          const std::vector<Tensor*>& dinputs) {
  const Tensor& x = *inputs[0];
  const std::size_t n = per_sample(x);
  const float* t = thresholds_for(n);
  Parameter* thresholds = t ? &parameter("thresholds") : nullptr;
  const std::size_t count = t ? thresholds->value.size() : 1;
  const float no_threshold = 0.0f;
  Tensor scratch;
  Tensor* dx = dinputs[0];
  if (!dx) {
    scratch = Tensor(x.shape());
    dx = &scratch;
  }
  clip_backward(form_, x.data(), doutput.data(), dx->data(), thresholds ? thresholds->accumulated_grad().data() : nullptr,
                batch_of(x), n, t ? t : &no_threshold, count, sharpness_, bounds_);
}

nlohmann::json Activation::attributes() const {
  nlohmann::json a{{"form", clip_form_name(form_)}};
  if (!bounds_.is_relu()) {  // the clamp; JSON has no infinity, so an unbounded side is null
    const auto bound = [](float v) { return std::isinf(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
    a["min"] = bound(bounds_.lo);
    a["max"] = bound(bounds_.hi);
  }
  if (form_ != ClipForm::relu) {
    a["sharpness"] = sharpness_;
    a["granularity"] = parameter("thresholds").value.size() == 1 ? "layer" : "neuron";
  }
  return a;
}

}  // namespace proact
