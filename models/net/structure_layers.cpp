#include "models/net/structure_layers.hpp"

#include <algorithm>

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
  output = Tensor(a.shape());
  for (std::size_t i = 0; i < a.size(); ++i) output[i] = a[i] + b[i];
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
  output = Tensor({batch_of(x), static_cast<int>(per_sample(x))}, x.values());
}

void Flatten::backward(const std::vector<const Tensor*>&, const Tensor&, const Tensor& doutput,
                       const std::vector<Tensor*>& dinputs) {
  if (dinputs[0]) std::copy(doutput.values().begin(), doutput.values().end(), dinputs[0]->values().begin());
}

}  // namespace proact
