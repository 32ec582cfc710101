#include "models/onnx/constant_folding.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "models/onnx/tensor_proto.hpp"

namespace proact {

namespace {

// Shape arithmetic is small: a folded result larger than this is refused (a damaged file could
// otherwise ask for any amount of memory).
constexpr std::int64_t kMaxElements = 1 << 16;

// An int64 tensor: row-major values of shape dims.
struct IntTensor {
  std::vector<std::int64_t> dims, values;
};

std::int64_t element_count(const NodeReader& node, const std::vector<std::int64_t>& dims) {
  std::int64_t count = 1;
  for (std::int64_t d : dims) {
    if (d < 0 || (d > 0 && count > kMaxElements / d)) {
      node.refuse("would fold to a tensor of shape " + ints_string(dims) + "; shape arithmetic up to " +
                  std::to_string(kMaxElements) + " values is folded");
    }
    count *= d;
  }
  return count;
}

IntTensor input(const NodeReader& node, const GraphBuilder& graph, int i) {
  return {graph.constant_dims(node, i), graph.int64_constant(node, i)};
}

void define(const NodeReader& node, GraphBuilder& graph, const IntTensor& result) {
  element_count(node, result.dims);
  onnx::TensorProto proto;
  proto.set_data_type(onnx::TensorProto::INT64);
  for (std::int64_t d : result.dims) proto.add_dims(d);
  for (std::int64_t v : result.values) proto.add_int64_data(v);
  graph.define_constant(node, node.output(0), std::move(proto));
}

// An axis attribute or input value in [-rank, rank), as an index in [0, rank).
std::size_t axis_index(const NodeReader& node, const std::string& what, std::int64_t axis, std::size_t rank) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) {
    node.refuse(what + " " + std::to_string(axis) + " is outside a rank-" + std::to_string(rank) + " tensor");
  }
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

std::vector<std::int64_t> strides_of(const std::vector<std::int64_t>& dims) {
  std::vector<std::int64_t> strides(dims.size(), 1);
  for (std::size_t d = dims.size(); d-- > 1;) strides[d - 1] = strides[d] * dims[d];
  return strides;
}

// The output whose axis d takes source indices picks[d] along source axis axes[d] (a transpose
// when axes permutes, a slice when picks select): out[o] = in[sum_d picks[d][o_d] * stride[axes[d]]].
IntTensor gather(const IntTensor& in, const std::vector<std::size_t>& axes,
                 const std::vector<std::vector<std::int64_t>>& picks) {
  IntTensor out;
  for (const auto& p : picks) out.dims.push_back(static_cast<std::int64_t>(p.size()));
  const std::vector<std::int64_t> strides = strides_of(in.dims);
  std::int64_t count = 1;
  for (std::int64_t d : out.dims) count *= d;
  std::vector<std::size_t> index(out.dims.size(), 0);
  for (std::int64_t o = 0; o < count; ++o) {
    std::int64_t source = 0;
    for (std::size_t d = 0; d < index.size(); ++d) source += picks[d][index[d]] * strides[axes[d]];
    out.values.push_back(in.values[static_cast<std::size_t>(source)]);
    for (std::size_t d = index.size(); d-- > 0;) {  // next multi-index, last axis fastest
      if (++index[d] < picks[d].size()) break;
      index[d] = 0;
    }
  }
  return out;
}

std::vector<std::int64_t> all_indices(std::int64_t dim) {
  std::vector<std::int64_t> indices(static_cast<std::size_t>(dim));
  std::iota(indices.begin(), indices.end(), 0);
  return indices;
}

// The indices ONNX Slice takes along an axis of extent `dim` (negative start and end count from
// the end; both clamped as the operator specifies for the step's sign).
std::vector<std::int64_t> slice_indices(const NodeReader& node, std::int64_t dim, std::int64_t start, std::int64_t end,
                                        std::int64_t step) {
  if (step == 0) node.refuse("has a step of 0");
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = std::clamp<std::int64_t>(start, 0, dim);
    end = std::clamp<std::int64_t>(end, 0, dim);
  } else {
    start = std::clamp<std::int64_t>(start, 0, dim - 1);
    end = std::clamp<std::int64_t>(end, -1, dim - 1);
  }
  const std::int64_t span = step > 0 ? end - start : start - end;
  const std::int64_t magnitude = step > 0 ? step : -step;
  const std::int64_t count = span <= 0 ? 0 : (span + magnitude - 1) / magnitude;
  std::vector<std::int64_t> indices;
  for (std::int64_t j = 0; j < count; ++j) indices.push_back(start + j * step);
  return indices;
}

}  // namespace

bool all_inputs_constant(const NodeReader& node, const GraphBuilder& graph) {
  for (int i = 0; i < node.proto().input_size(); ++i)
    if (!node.input(i).empty() && !graph.is_constant(node.input(i))) return false;
  return true;
}

void fold_concat(const NodeReader& node, GraphBuilder& graph) {
  if (!node.has_attribute("axis")) node.refuse("has no axis");
  std::vector<IntTensor> parts;
  for (int i = 0; i < node.proto().input_size(); ++i) parts.push_back(input(node, graph, i));
  const std::vector<std::int64_t>& first = parts.front().dims;
  if (first.empty()) node.refuse("concatenates scalars");
  const std::size_t axis = axis_index(node, "axis", node.int_attribute("axis", 0), first.size());
  IntTensor result{first, {}};
  result.dims[axis] = 0;
  for (const IntTensor& part : parts) {
    std::vector<std::int64_t> others = part.dims;
    if (others.size() != first.size()) node.refuse("concatenates constants of different ranks");
    others[axis] = first[axis];
    if (others != first) node.refuse("concatenates constants whose shapes differ off the axis");
    result.dims[axis] += part.dims[axis];
  }
  element_count(node, result.dims);
  std::int64_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < axis; ++d) outer *= first[d];
  for (std::size_t d = axis + 1; d < first.size(); ++d) inner *= first[d];
  for (std::int64_t o = 0; o < outer; ++o) {
    for (const IntTensor& part : parts) {
      const std::int64_t run = part.dims[axis] * inner;
      const auto begin = part.values.begin() + o * run;
      result.values.insert(result.values.end(), begin, begin + run);
    }
  }
  define(node, graph, result);
}

void fold_reshape(const NodeReader& node, GraphBuilder& graph) {
  IntTensor data = input(node, graph, 0);
  const std::vector<std::int64_t> shape = graph.int64_constant(node, 1);
  const bool allow_zero = node.int_attribute("allowzero", 0) != 0;
  std::vector<std::int64_t> dims;
  int inferred = -1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    std::int64_t d = shape[i];
    if (d == 0 && !allow_zero) {
      if (i >= data.dims.size()) node.refuse("shape " + ints_string(shape) + " copies a dimension the input lacks");
      d = data.dims[i];
    }
    if (d == -1) {
      if (inferred >= 0) node.refuse("shape " + ints_string(shape) + " has more than one -1");
      inferred = static_cast<int>(i);
      d = 1;  // for the product of the known dimensions
    } else if (d < 0) {
      node.refuse("shape " + ints_string(shape) + " has a negative dimension");
    }
    dims.push_back(d);
  }
  const auto count = static_cast<std::int64_t>(data.values.size());
  const std::int64_t known = element_count(node, dims);  // refuses a product past the folding limit
  if (inferred >= 0) dims[inferred] = known == 0 ? 0 : count / known;
  if (element_count(node, dims) != count) {
    node.refuse("reshapes " + std::to_string(count) + " values to " + ints_string(shape));
  }
  define(node, graph, {dims, std::move(data.values)});
}

void fold_constant_of_shape(const NodeReader& node, GraphBuilder& graph) {
  const std::vector<std::int64_t> dims = graph.int64_constant(node, 0);
  const auto& attributes = node.proto().attribute();
  const auto value = std::find_if(attributes.begin(), attributes.end(), [](const onnx::AttributeProto& a) {
    return a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR;
  });
  if (value == attributes.end()) node.refuse("needs an int64 value attribute (only shape arithmetic is folded)");
  const int type = value->t().data_type();
  if (type != onnx::TensorProto::INT64) {
    node.refuse("attribute value holds " + data_type_name(type) + "; only an int64 value is folded (shape arithmetic)");
  }
  std::vector<std::int64_t> fill;
  try {
    fill = int64_values(value->t());
  } catch (const std::invalid_argument& e) {
    node.refuse(std::string("attribute value: ") + e.what());
  }
  if (fill.size() != 1) node.refuse_attribute("value", ints_string(fill), "one int64 value");
  const std::int64_t count = element_count(node, dims);
  define(node, graph, {dims, std::vector<std::int64_t>(static_cast<std::size_t>(count), fill.front())});
}

void fold_slice(const NodeReader& node, GraphBuilder& graph) {
  const IntTensor data = input(node, graph, 0);
  std::vector<std::int64_t> starts, ends, axes, steps;
  if (node.opset() < 10) {
    starts = node.ints_attribute("starts", {});
    ends = node.ints_attribute("ends", {});
    axes = node.ints_attribute("axes", {});
  } else {
    starts = graph.int64_constant(node, 1);
    ends = graph.int64_constant(node, 2);
    if (!node.input(3).empty()) axes = graph.int64_constant(node, 3);
    if (!node.input(4).empty()) steps = graph.int64_constant(node, 4);
  }
  if (axes.empty()) {
    for (std::size_t a = 0; a < starts.size(); ++a) axes.push_back(static_cast<std::int64_t>(a));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    node.refuse("starts, ends, axes and steps differ in length");
  }
  std::vector<std::size_t> order(data.dims.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::vector<std::int64_t>> picks;
  for (std::int64_t dim : data.dims) picks.push_back(all_indices(dim));
  std::vector<bool> sliced(data.dims.size(), false);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::size_t a = axis_index(node, "axis", axes[i], data.dims.size());
    if (sliced[a]) node.refuse("slices axis " + std::to_string(a) + " twice");
    sliced[a] = true;
    picks[a] = slice_indices(node, data.dims[a], starts[i], ends[i], steps[i]);
  }
  define(node, graph, gather(data, order, picks));
}

void fold_transpose(const NodeReader& node, GraphBuilder& graph) {
  const IntTensor data = input(node, graph, 0);
  const std::size_t rank = data.dims.size();
  std::vector<std::int64_t> reversed(rank);
  for (std::size_t d = 0; d < rank; ++d) reversed[d] = static_cast<std::int64_t>(rank - 1 - d);
  const std::vector<std::int64_t> perm = node.ints_attribute("perm", reversed);
  std::vector<std::int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> identity(rank);
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity) node.refuse_attribute("perm", ints_string(perm), "a permutation of the input's axes");
  std::vector<std::size_t> axes;
  std::vector<std::vector<std::int64_t>> picks;
  for (std::int64_t a : perm) {
    axes.push_back(static_cast<std::size_t>(a));
    picks.push_back(all_indices(data.dims[static_cast<std::size_t>(a)]));
  }
  define(node, graph, gather(data, axes, picks));
}

void fold_cast(const NodeReader& node, GraphBuilder& graph) {
  const std::int64_t to = node.int_attribute("to", 0);
  if (to != onnx::TensorProto::INT64) {
    node.refuse_attribute("to", std::to_string(to), "only a cast of int64 constants to int64 (shape arithmetic)");
  }
  define(node, graph, input(node, graph, 0));
}

}  // namespace proact
