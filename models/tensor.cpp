#include "models/tensor.hpp"

#include <algorithm>
#include <stdexcept>

namespace proact {

std::size_t shape_numel(const Shape& shape) {
  std::size_t n = 1;
  for (int d : shape) {
    if (d < 0) throw std::invalid_argument("negative dimension in shape " + shape_string(shape));
    n *= static_cast<std::size_t>(d);
  }
  return n;
}

std::string shape_string(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + ")";
}

Tensor::Tensor(Shape shape, float fill) : shape_(std::move(shape)), values_(shape_numel(shape_), fill) {}

Tensor::Tensor(Shape shape, std::vector<float> values) : shape_(std::move(shape)), values_(std::move(values)) {
  if (values_.size() != shape_numel(shape_)) {
    throw std::invalid_argument("tensor of shape " + shape_string(shape_) + " needs " +
                                std::to_string(shape_numel(shape_)) + " values, got " +
                                std::to_string(values_.size()));
  }
}

void Tensor::reshape(Shape shape) {
  if (shape_numel(shape) != values_.size()) {
    throw std::invalid_argument("cannot reshape " + shape_string(shape_) + " to " + shape_string(shape));
  }
  shape_ = std::move(shape);
}

void Tensor::resize_for_overwrite(Shape shape) {
  values_.resize(shape_numel(shape));
  shape_ = std::move(shape);
}

void Tensor::fill(float value) { std::fill(values_.begin(), values_.end(), value); }

}  // namespace proact
