#pragma once
// A dense float tensor: a shape and row-major values. Activations are NCHW (batch, channel,
// height, width); conv weights are (out_channels, in_channels, kh, kw); dense weights are
// (out_features, in_features), as in PyTorch.
#include <cstddef>
#include <string>
#include <vector>

namespace proact {

using Shape = std::vector<int>;

std::size_t shape_numel(const Shape& shape);
std::string shape_string(const Shape& shape);  // "(2, 3, 4)"

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape, float fill = 0.0f);
  // Throws std::invalid_argument when values.size() differs from the shape's element count.
  Tensor(Shape shape, std::vector<float> values);

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int dim(int axis) const { return shape_.at(static_cast<std::size_t>(axis)); }
  std::size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

  float* data() { return values_.data(); }
  const float* data() const { return values_.data(); }
  float& operator[](std::size_t i) { return values_[i]; }
  float operator[](std::size_t i) const { return values_[i]; }
  std::vector<float>& values() { return values_; }
  const std::vector<float>& values() const { return values_; }

  // Same values under a new shape with the same element count (throws otherwise).
  void reshape(Shape shape);
  // Takes `shape` for an output a kernel overwrites in full: the storage is kept where it is
  // large enough (no allocation, no zero fill when a layer runs again on the same shape), so
  // the values are unspecified until then.
  void resize_for_overwrite(Shape shape);
  void fill(float value);

 private:
  Shape shape_;
  std::vector<float> values_;
};

}  // namespace proact
