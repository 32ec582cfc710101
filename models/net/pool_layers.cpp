#include "models/net/pool_layers.hpp"

namespace proact {

namespace {
Shape sample_shape(const Tensor& x) { return Shape(x.shape().begin() + 1, x.shape().end()); }
}  // namespace

Pool2d::Pool2d(std::string name, Kind kind, int kernel, int stride)
    : Layer(std::move(name)), kind_(kind), kernel_(kernel), stride_(stride) {}

PoolGeometry Pool2d::geometry(const Shape& s) const {
  PoolGeometry g;
  g.channels = s.at(0);
  g.in_height = s.at(1);
  g.in_width = s.at(2);
  g.kernel = kernel_;
  g.stride = stride_;
  return g;
}

Shape Pool2d::output_shape(const std::vector<Shape>& inputs) const {
  const Shape& s = inputs.at(0);
  if (s.size() != 3) fail("expects a (C, H, W) input, got " + shape_string(s));
  const PoolGeometry g = geometry(s);
  try {
    g.validate();
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  return {g.channels, g.out_height(), g.out_width()};
}

void Pool2d::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) {
  const Tensor& x = *inputs[0];
  const PoolGeometry g = geometry(sample_shape(x));
  output = Tensor(batched(batch_of(x), {g.channels, g.out_height(), g.out_width()}));
  if (kind_ == Kind::max) {
    max_pool_forward(g, batch_of(x), x.data(), output.data(), argmax_);
  } else {
    avg_pool_forward(g, batch_of(x), x.data(), output.data());
  }
}

void Pool2d::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                      const std::vector<Tensor*>& dinputs) {
  if (!dinputs[0]) return;
  const Tensor& x = *inputs[0];
  const PoolGeometry g = geometry(sample_shape(x));
  if (kind_ == Kind::max) {
    max_pool_backward(g, batch_of(x), argmax_, doutput.data(), dinputs[0]->data());
  } else {
    avg_pool_backward(g, batch_of(x), doutput.data(), dinputs[0]->data());
  }
}

Shape GlobalAvgPool::output_shape(const std::vector<Shape>& inputs) const {
  const Shape& s = inputs.at(0);
  if (s.size() != 3) fail("expects a (C, H, W) input, got " + shape_string(s));
  return {s[0]};
}

void GlobalAvgPool::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) {
  const Tensor& x = *inputs[0];
  output = Tensor({batch_of(x), x.dim(1)});
  global_avg_pool_forward(batch_of(x), x.dim(1), x.dim(2) * x.dim(3), x.data(), output.data());
}

void GlobalAvgPool::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                             const std::vector<Tensor*>& dinputs) {
  if (!dinputs[0]) return;
  const Tensor& x = *inputs[0];
  global_avg_pool_backward(batch_of(x), x.dim(1), x.dim(2) * x.dim(3), doutput.data(), dinputs[0]->data());
}

}  // namespace proact
