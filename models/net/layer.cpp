#include "models/net/layer.hpp"

#include <algorithm>
#include <stdexcept>

namespace proact {

Tensor& Parameter::accumulated_grad() {
  if (grad.empty()) grad = Tensor(value.shape());
  return grad;
}

Parameter& Layer::parameter(const std::string& name) {
  return const_cast<Parameter&>(static_cast<const Layer&>(*this).parameter(name));
}

const Parameter& Layer::parameter(const std::string& name) const {
  for (const auto& p : params_)
    if (p.name == name) return p;
  throw std::out_of_range("layer '" + name_ + "' has no parameter '" + name + "'");
}

bool Layer::has_parameter(const std::string& name) const {
  return std::any_of(params_.begin(), params_.end(), [&](const Parameter& p) { return p.name == name; });
}

Parameter& Layer::add_parameter(std::string name, Tensor value, bool trainable) {
  Parameter p;
  p.name = std::move(name);
  p.value = std::move(value);
  p.trainable = trainable;
  params_.push_back(std::move(p));
  return params_.back();
}

void Layer::remove_parameter(const std::string& name) {
  params_.erase(std::remove_if(params_.begin(), params_.end(), [&](const Parameter& p) { return p.name == name; }),
                params_.end());
}

void Layer::fail(const std::string& message) const { throw std::invalid_argument("layer '" + name_ + "': " + message); }

int batch_of(const Tensor& t) { return t.rank() == 0 ? 0 : t.dim(0); }

std::size_t per_sample(const Tensor& t) {
  const int b = batch_of(t);
  return b == 0 ? 0 : t.size() / static_cast<std::size_t>(b);
}

Shape batched(int batch, const Shape& sample_shape) {
  Shape s{batch};
  s.insert(s.end(), sample_shape.begin(), sample_shape.end());
  return s;
}

}  // namespace proact
