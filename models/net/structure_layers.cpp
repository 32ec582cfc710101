#include "models/net/structure_layers.hpp"

#include <algorithm>

#include "models/kernels/copy.hpp"
#include "models/net/window_json.hpp"

namespace proact {

Shape Add::output_shape(const std::vector<Shape>& inputs) const {
  if (inputs.size() != 2 || inputs[0] != inputs[1]) {
    fail("adds two equal shapes, got " + shape_string(inputs.at(0)) + " and " +
         (inputs.size() > 1 ? shape_string(inputs[1]) : std::string("nothing")));
  }
  return inputs[0];
}

void Add::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) {
  const Tensor& a = *inputs[0];
  const Tensor& b = *inputs[1];
  if (&output != &a && &output != &b) output.resize_for_overwrite(a.shape());  // else in place
  add_elements(a.size(), a.data(), b.data(), output.data());
}

void Add::backward(const std::vector<const Tensor*>&, const Tensor&, const Tensor& doutput,
                   const std::vector<Tensor*>& dinputs) {
  for (Tensor* d : dinputs)
    if (d) std::copy(doutput.values().begin(), doutput.values().end(), d->values().begin());
}

Shape Flatten::output_shape(const std::vector<Shape>& inputs) const {
  return {static_cast<int>(shape_numel(inputs.at(0)))};
}

void Flatten::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) {
  const Tensor& x = *inputs[0];
  const Shape flat{batch_of(x), static_cast<int>(per_sample(x))};
  if (&output == &x) {
    output.reshape(flat);  // in place
  } else {
    output = Tensor(flat, x.values());
  }
}

void Flatten::backward(const std::vector<const Tensor*>&, const Tensor&, const Tensor& doutput,
                       const std::vector<Tensor*>& dinputs) {
  if (dinputs[0]) std::copy(doutput.values().begin(), doutput.values().end(), dinputs[0]->values().begin());
}

Concat::Concat(std::string name, int inputs) : Layer(std::move(name)), inputs_(inputs) {
  if (inputs < 2) fail("concatenates at least 2 inputs, given " + std::to_string(inputs));
}

Shape Concat::output_shape(const std::vector<Shape>& inputs) const {
  Shape out = inputs.at(0);
  if (out.size() != 1 && out.size() != 3) fail("concatenates (C, H, W) or (F) inputs, got " + shape_string(out));
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    const bool same_rest = inputs[i].size() == out.size() && std::equal(out.begin() + 1, out.end(), inputs[i].begin() + 1);
    if (!same_rest) {
      fail("input " + std::to_string(i) + " has shape " + shape_string(inputs[i]) + ", input 0 " +
           shape_string(inputs[0]) + "; only the first axis may differ");
    }
    out[0] += inputs[i][0];
  }
  return out;
}

void Concat::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) {
  const int batch = batch_of(*inputs[0]);
  Shape shape = inputs[0]->shape();
  for (std::size_t i = 1; i < inputs.size(); ++i) shape[1] += inputs[i]->dim(1);
  output.resize_for_overwrite(shape);
  // Sample b of the output is the inputs' samples b one after the other.
  const std::size_t out_sample = per_sample(output);
  std::size_t offset = 0;
  for (const Tensor* x : inputs) {
    copy_into_samples(batch, per_sample(*x), out_sample, offset, x->data(), output.data());
    offset += per_sample(*x);
  }
}

void Concat::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                      const std::vector<Tensor*>& dinputs) {
  const int batch = batch_of(*inputs[0]);
  const std::size_t out_sample = per_sample(doutput);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::size_t in_sample = per_sample(*inputs[i]);
    if (dinputs[i]) copy_from_samples(batch, in_sample, out_sample, offset, doutput.data(), dinputs[i]->data());
    offset += in_sample;
  }
}

Pad::Pad(std::string name, const Padding2d& padding, float value)
    : Layer(std::move(name)), padding_(padding), value_(value) {
  if (padding.top < 0 || padding.left < 0 || padding.bottom < 0 || padding.right < 0) {
    fail("padding " + padding_string(padding) + " must be >= 0 on every side");
  }
}

Shape Pad::output_shape(const std::vector<Shape>& inputs) const {
  const Shape& s = inputs.at(0);
  if (s.size() != 3) fail("expects a (C, H, W) input, got " + shape_string(s));
  return {s[0], padding_.top + s[1] + padding_.bottom, padding_.left + s[2] + padding_.right};
}

void Pad::forward(const std::vector<const Tensor*>& inputs, Tensor& output, const ExecutionOptions&) {
  const Tensor& x = *inputs[0];
  output.resize_for_overwrite({batch_of(x), x.dim(1), padding_.top + x.dim(2) + padding_.bottom,
                               padding_.left + x.dim(3) + padding_.right});
  pad_planes(batch_of(x) * x.dim(1), x.dim(2), x.dim(3), padding_, value_, x.data(), output.data());
}

void Pad::backward(const std::vector<const Tensor*>& inputs, const Tensor&, const Tensor& doutput,
                   const std::vector<Tensor*>& dinputs) {
  if (!dinputs[0]) return;
  const Tensor& x = *inputs[0];
  crop_planes(batch_of(x) * x.dim(1), x.dim(2), x.dim(3), padding_, doutput.data(), dinputs[0]->data());
}

nlohmann::json Pad::attributes() const { return {{"padding", padding_json(padding_)}, {"value", value_}}; }

}  // namespace proact
