#include "models/net/pool_layers.hpp"

#include "models/net/window_json.hpp"

namespace proact {

namespace {
Shape sample_shape(const Tensor& x) { return Shape(x.shape().begin() + 1, x.shape().end()); }
}  // namespace

Pool2d::Pool2d(std::string name, Kind kind, int kernel, int stride)
    : Pool2d(std::move(name), kind, PoolWindow::square(kernel, stride)) {}

Pool2d::Pool2d(std::string name, Kind kind, const PoolWindow& window)
    : Layer(std::move(name)), kind_(kind), window_(window) {
  if (kind == Kind::max && window.count_include_pad) fail("count_include_pad is for average pools");
}

PoolGeometry Pool2d::geometry(const Shape& s) const { return PoolGeometry{s.at(0), s.at(1), s.at(2), window_}; }

nlohmann::json Pool2d::attributes() const {
  nlohmann::json a{{"kernel", size_json(window_.kernel)}, {"stride", size_json(window_.stride)}};
  if (!window_.padding.is_zero()) a["padding"] = padding_json(window_.padding);
  if (window_.ceil_mode) a["ceil_mode"] = true;
  if (window_.count_include_pad) a["count_include_pad"] = true;
  return a;
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

void Pool2d::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions& options) {
  const Tensor& x = *inputs[0];
  const PoolGeometry g = geometry(sample_shape(x));
  output.resize_for_overwrite(batched(batch_of(x), {g.channels, g.out_height(), g.out_width()}));
  if (kind_ == Kind::max) {
    if (!options.keep_activations) argmax_ = {};  // no backward follows
    max_pool_forward(g, batch_of(x), x.data(), output.data(), options.keep_activations ? &argmax_ : nullptr);
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
  output.resize_for_overwrite({batch_of(x), x.dim(1)});
  global_avg_pool_forward(batch_of(x), x.dim(1), x.dim(2) * x.dim(3), x.data(), output.data());
}

void GlobalAvgPool::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                             const std::vector<Tensor*>& dinputs) {
  if (!dinputs[0]) return;
  const Tensor& x = *inputs[0];
  global_avg_pool_backward(batch_of(x), x.dim(1), x.dim(2) * x.dim(3), doutput.data(), dinputs[0]->data());
}

}  // namespace proact
