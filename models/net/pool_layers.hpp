#pragma once
// Pooling layers on (C, H, W) inputs: max and average windows (padding, ceil mode, and for
// averages count_include_pad: models/kernels/pool.hpp), and global average pooling to (C).
#include <cstdint>

#include "models/kernels/pool.hpp"
#include "models/net/layer.hpp"

namespace proact {

class Pool2d : public Layer {
 public:
  enum class Kind { max, average };
  Pool2d(std::string name, Kind kind, int kernel, int stride);  // PoolWindow::square
  // Throws std::invalid_argument naming the layer for count_include_pad on a max pool.
  Pool2d(std::string name, Kind kind, const PoolWindow& window);
  std::string kind() const override { return kind_ == Kind::max ? "max_pool" : "avg_pool"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  nlohmann::json attributes() const override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Pool2d>(*this); }
  Kind pool_kind() const { return kind_; }
  const PoolWindow& window() const { return window_; }

 private:
  PoolGeometry geometry(const Shape& sample_shape) const;
  Kind kind_;
  PoolWindow window_;
  std::vector<std::int32_t> argmax_;  // from the last max-pool forward
};

class GlobalAvgPool : public Layer {
 public:
  using Layer::Layer;
  std::string kind() const override { return "global_avg_pool"; }
  Shape output_shape(const std::vector<Shape>& inputs) const override;
  void forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) override;
  void backward(const std::vector<const Tensor*>& inputs, const Tensor& output, const Tensor& doutput,
                const std::vector<Tensor*>& dinputs) override;
  std::unique_ptr<Layer> clone() const override { return std::make_unique<GlobalAvgPool>(*this); }
};

}  // namespace proact
