#include "models/onnx/operators.hpp"

#include <climits>
#include <cmath>
#include <limits>

#include "models/net/activation_layer.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/pool_layers.hpp"
#include "models/net/structure_layers.hpp"
#include "models/onnx/constant_folding.hpp"
#include "models/onnx/window_attributes.hpp"

namespace proact {

namespace {

// Outputs from `first` on (BatchNormalization's statistics, Dropout's mask, MaxPool's indices)
// must not be read: only output 0 is computed.
void require_unread_outputs(const NodeReader& node, const GraphBuilder& graph, int first) {
  for (int i = first; i < node.output_count(); ++i) {
    if (!node.output(i).empty() && graph.readers(node.output(i)) > 0) {
      node.refuse("output " + std::to_string(i) + " ('" + node.output(i) + "') is read; only output 0 is computed");
    }
  }
}

// Moves `values` (input i of the node) into the layer's parameter, keeping the parameter's shape;
// refuses a size mismatch.
void set_parameter(const NodeReader& node, Layer& layer, const std::string& parameter, Tensor values, int i) {
  Tensor& target = layer.parameter(parameter).value;
  if (values.size() != target.size()) {
    node.refuse("input '" + node.input(i) + "' has shape " + shape_string(values.shape()) + ", the " + parameter +
                " needs " + shape_string(target.shape()));
  }
  target.values() = std::move(values.values());
}

// Optional input i: a constant holding one float, or `fallback` when the input is absent.
float optional_scalar(const NodeReader& node, GraphBuilder& graph, int i, float fallback) {
  if (node.input(i).empty()) return fallback;
  const Tensor t = graph.float_constant(node, i);
  if (t.size() != 1) {
    node.refuse("input '" + node.input(i) + "' has shape " + shape_string(t.shape()) + "; expected one value");
  }
  return t[0];
}

// Input 0 of a Conv or pool, (C, H, W): a computed value, or the input of a deferred zero Pad
// together with that padding (which the layer adds to its own, or adds as a Pad layer).
struct SpatialInput {
  Value value;
  Padding2d deferred;
  Shape onnx_shape;  // what the node reads: value.shape padded by `deferred`
  const DeferredPad* pad;
};

SpatialInput spatial_input(const NodeReader& node, const GraphBuilder& graph) {
  if (const DeferredPad* pad = graph.deferred_pad(node, 0)) {
    const Shape& s = pad->input.shape;
    const Padding2d& p = pad->padding;
    return {pad->input, p, {s[0], p.top + s[1] + p.bottom, p.left + s[2] + p.right}, pad};
  }
  const Value& x = graph.spatial_value(node, 0);
  return {x, {}, x.shape, nullptr};
}

// A Dense layer for `node` computing x (N, K) -> x weight^T + bias, weight (N_out, K).
void add_dense(const NodeReader& node, GraphBuilder& graph, const Value& x, const Tensor& weight, const Tensor& bias) {
  auto dense = std::make_unique<Dense>(graph.layer_name(node), weight.dim(1), weight.dim(0));
  dense->parameter("weight").value.values() = weight.values();
  dense->parameter("bias").value.values() = bias.values();
  graph.add_layer(node, std::move(dense), {x});
}

// Input 0 of a Gemm or MatMul: per-sample (K).
const Value& feature_vector(const NodeReader& node, const GraphBuilder& graph) {
  const Value& x = graph.value(node, 0);
  if (x.shape.size() != 1) {
    node.refuse("input '" + node.input(0) + "' has per-sample shape " + shape_string(x.shape) +
                "; expected (K): flatten it first");
  }
  return x;
}

// Input i, a (K, N) or (N, K) constant whose K matches the features of x.
Tensor weight_matrix(const NodeReader& node, GraphBuilder& graph, int i, bool transposed, int features) {
  const Tensor w = graph.float_constant(node, i);
  if (w.rank() != 2 || w.dim(transposed ? 1 : 0) != features) {
    node.refuse("weight '" + node.input(i) + "' has shape " + shape_string(w.shape()) + "; expected " +
                (transposed ? "(N, " + std::to_string(features) + ")" : "(" + std::to_string(features) + ", N)"));
  }
  return w;
}

// (K, N) -> (N, K).
Tensor transpose(const Tensor& w) {
  Tensor t({w.dim(1), w.dim(0)});
  for (int k = 0; k < w.dim(0); ++k)
    for (int n = 0; n < w.dim(1); ++n) {
      t[static_cast<std::size_t>(n) * w.dim(0) + k] = w[static_cast<std::size_t>(k) * w.dim(1) + n];
    }
  return t;
}

// A constant that broadcasts onto (batch, n) as one value per column: shape (), (1), (n) or (1, n).
Tensor bias_vector(const NodeReader& node, const Tensor& c, int n, int i) {
  const bool per_column = c.size() == static_cast<std::size_t>(n) && (c.rank() <= 1 || (c.rank() == 2 && c.dim(0) == 1));
  if (c.size() == 1) return Tensor({n}, c[0]);
  if (!per_column) {
    node.refuse("input '" + node.input(i) + "' has shape " + shape_string(c.shape()) + "; a bias of " +
                std::to_string(n) + " features must be (" + std::to_string(n) + ") or (1, " + std::to_string(n) + ")");
  }
  return Tensor({n}, c.values());
}

// A Flatten layer, or none when the network holds x flat already (after GlobalAveragePool).
void flatten(const NodeReader& node, GraphBuilder& graph, const Value& x) {
  const Shape flat{static_cast<int>(shape_numel(x.shape))};
  if (graph.held_shape(x).size() == 1) return graph.define(node, node.output(0), Value{x.node, flat});
  graph.add_layer(node, std::make_unique<Flatten>(graph.layer_name(node)), {x});
}

// Conv2d: any groups (grouped, depthwise), dilations, pads per side or auto_pad, rectangular
// kernels, a stride per axis; a deferred zero Pad before it is added to its pads.
void conv(const NodeReader& node, GraphBuilder& graph) {
  const SpatialInput in = spatial_input(node, graph);
  Tensor w = graph.float_constant(node, 1);
  if (w.rank() != 4) {
    node.refuse("weight '" + node.input(1) + "' has shape " + shape_string(w.shape()) +
                "; only 2-D convolutions (O, C / group, kh, kw) are supported");
  }
  const int channels = in.onnx_shape[0];
  const std::int64_t group = node.int_attribute("group", 1);
  if (group < 1 || channels % group != 0 || w.dim(0) % group != 0) {
    node.refuse_attribute("group", std::to_string(group), "it must divide the input's " + std::to_string(channels) +
                                                              " channels and the weight's " + std::to_string(w.dim(0)) +
                                                              " filters");
  }
  if (w.dim(1) * group != channels) {
    node.refuse("weight '" + node.input(1) + "' has shape " + shape_string(w.shape()) + "; " +
                std::to_string(channels) + " input channels in " + std::to_string(group) + " groups need (O, " +
                std::to_string(channels / group) + ", kh, kw)");
  }
  const WindowAttributes a = window_attributes(node, in.onnx_shape, {w.dim(2), w.dim(3)});
  if (a.kernel != Size2d{w.dim(2), w.dim(3)}) {
    node.refuse("weight '" + node.input(1) + "' has shape " + shape_string(w.shape()) + ", kernel_shape says " +
                size_string(a.kernel));
  }
  const ConvWindow window{a.kernel, a.stride, a.dilation, a.padding + in.deferred, static_cast<int>(group)};
  auto layer = std::make_unique<Conv2d>(graph.layer_name(node), channels, w.dim(0), window);
  set_parameter(node, *layer, "weight", std::move(w), 1);
  if (!node.input(2).empty()) set_parameter(node, *layer, "bias", graph.float_constant(node, 2), 2);
  graph.add_layer(node, std::move(layer), {in.value});
}

// Y = alpha * A B' + beta * C, B' = B or B^T: a Dense layer with alpha and beta folded into its
// weight and bias. A is the batch, so transA (which would mix samples) is refused.
void gemm(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = feature_vector(node, graph);
  const std::int64_t trans_a = node.int_attribute("transA", 0);
  if (trans_a != 0) {
    node.refuse_attribute("transA", std::to_string(trans_a), "A holds the batch; transposing it mixes samples");
  }
  const bool trans_b = node.int_attribute("transB", 0) != 0;
  const Tensor b = weight_matrix(node, graph, 1, trans_b, x.shape[0]);
  Tensor weight = trans_b ? b : transpose(b);
  const float alpha = node.float_attribute("alpha", 1.0f);
  for (float& v : weight.values()) v *= alpha;
  Tensor bias({weight.dim(0)});
  if (!node.input(2).empty()) {
    bias = bias_vector(node, graph.float_constant(node, 2), weight.dim(0), 2);
    const float beta = node.float_attribute("beta", 1.0f);
    for (float& v : bias.values()) v *= beta;
  }
  add_dense(node, graph, x, weight, bias);
}

// A (N, K) x B (K, N_out) with B constant: a Dense layer. When the product's only reader is an
// Add of a constant (how x @ W + b exports), that Add becomes the layer's bias.
void matmul(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = feature_vector(node, graph);
  const Tensor weight = transpose(weight_matrix(node, graph, 1, false, x.shape[0]));
  const Tensor no_bias({weight.dim(0)});
  const onnx::NodeProto* reader = graph.sole_reader(node.output(0));
  if (!reader || reader->op_type() != "Add" || !reader->domain().empty()) return add_dense(node, graph, x, weight, no_bias);
  const NodeReader add = node.other(*reader);
  const int c = add.input(0) == node.output(0) ? 1 : 0;
  if (!graph.is_constant(add.input(c))) return add_dense(node, graph, x, weight, no_bias);
  add_dense(node, graph, x, weight, bias_vector(add, graph.float_constant(add, c), weight.dim(0), c));
  graph.consume(*reader);
  graph.define(add, add.output(0), *graph.find_value(node.output(0)));
}

// Y = X + constant is refused here: the only constant Add supported is a MatMul's bias, which
// matmul() takes in. Both inputs computed and of one shape: the residual Add layer.
void add(const NodeReader& node, GraphBuilder& graph) {
  for (int i = 0; i < 2; ++i) {
    if (graph.is_constant(node.input(i))) {
      node.refuse("adds the constant '" + node.input(i) +
                  "'; a constant Add is supported only as the bias of the MatMul it alone reads");
    }
  }
  const Value& a = graph.value(node, 0);
  const Value& b = graph.value(node, 1);
  if (a.shape != b.shape) {
    node.refuse("adds per-sample shapes " + shape_string(a.shape) + " and " + shape_string(b.shape) +
                "; broadcasting is not supported");
  }
  graph.add_layer(node, std::make_unique<Add>(graph.layer_name(node)), {a, b}, a.shape);
}

// Inference batch normalisation with constant scale, bias, mean and variance: a BatchNorm layer
// (import_onnx folds it into the conv/dense before it when that layer's output goes only to it).
void batch_normalization(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.value(node, 0);
  if (x.shape.empty()) node.refuse("input '" + node.input(0) + "' has no channel axis");
  if (node.int_attribute("spatial", 1) != 1) node.refuse_attribute("spatial", "0", "per-activation statistics");
  if (node.int_attribute("training_mode", 0) != 0) {
    node.refuse_attribute("training_mode", "1", "batch statistics; export the model in eval mode");
  }
  require_unread_outputs(node, graph, 1);
  // ONNX momentum weighs the running statistic, the layer's weighs the batch statistic.
  const float momentum = 1.0f - node.float_attribute("momentum", 0.9f);
  auto layer = std::make_unique<BatchNorm>(graph.layer_name(node), x.shape[0], momentum,
                                           node.float_attribute("epsilon", 1e-5f));
  const char* parameters[] = {"gamma", "beta", "running_mean", "running_var"};
  for (int i = 1; i <= 4; ++i) set_parameter(node, *layer, parameters[i - 1], graph.float_constant(node, i), i);
  graph.add_layer(node, std::move(layer), {x}, x.shape);
}

void identity(const NodeReader& node, GraphBuilder& graph) { graph.define_alias(node, node.output(0), node.input(0)); }

void relu(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.value(node, 0);
  graph.add_layer(node, std::make_unique<Activation>(graph.layer_name(node)), {x}, x.shape);
}

// An Activation clamping to [min, max] (ReLU6 is Clip(0, 6), Clip(0) a Relu): min and max are
// attributes before opset 11 and optional constant inputs from then on; absent is unbounded.
void clip(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.value(node, 0);
  const float inf = std::numeric_limits<float>::infinity();
  const ClampBounds bounds = node.opset() < 11
                                 ? ClampBounds{node.float_attribute("min", -inf), node.float_attribute("max", inf)}
                                 : ClampBounds{optional_scalar(node, graph, 1, -inf), optional_scalar(node, graph, 2, inf)};
  if (!(bounds.lo <= bounds.hi)) node.refuse("clamps to " + bounds_string(bounds) + "; min must not exceed max");
  graph.add_layer(node, std::make_unique<Activation>(graph.layer_name(node), bounds), {x}, x.shape);
}

// Along the channel axis of (C, H, W) values or the feature axis of (F) ones, any number of them.
// Constants are concatenated at import instead (shape arithmetic).
void concat(const NodeReader& node, GraphBuilder& graph) {
  if (all_inputs_constant(node, graph)) return fold_concat(node, graph);
  if (!node.has_attribute("axis")) node.refuse("has no axis");
  const int count = node.proto().input_size();
  if (count == 1) return identity(node, graph);
  std::vector<Value> inputs;
  for (int i = 0; i < count; ++i) inputs.push_back(graph.value(node, i));
  const Shape& first = inputs[0].shape;
  const std::int64_t axis = node.int_attribute("axis", 1);
  const std::int64_t rank = static_cast<std::int64_t>(first.size()) + 1;
  if (axis != 1 && axis != 1 - rank) {
    node.refuse_attribute("axis", std::to_string(axis), "only the channel axis (1 or " + std::to_string(1 - rank) +
                                                            " for rank " + std::to_string(rank) + ")");
  }
  Shape shape = first;
  for (int i = 1; i < count; ++i) {
    const Shape& s = inputs[i].shape;
    if (s.size() != first.size() || !std::equal(s.begin() + 1, s.end(), first.begin() + 1)) {
      node.refuse("input '" + node.input(i) + "' has per-sample shape " + shape_string(s) + ", input '" +
                  node.input(0) + "' " + shape_string(first) + "; only the concatenated axis may differ");
    }
    shape[0] += s[0];
  }
  graph.add_layer(node, std::make_unique<Concat>(graph.layer_name(node), count), inputs, shape);
}

// Constant padding of the H and W axes of a (C, H, W) value: pads are an attribute (with
// `value`) before opset 11 and inputs (with an optional constant_value) from then on. Zero
// padding read only by a Conv or AveragePool is deferred into that node's pads; any other is a
// Pad layer.
void pad(const NodeReader& node, GraphBuilder& graph) {
  const std::string mode = node.string_attribute("mode", "constant");
  if (mode != "constant") node.refuse_attribute("mode", mode, "constant padding only");
  const Value& x = graph.spatial_value(node, 0);
  std::vector<std::int64_t> pads;
  float value = 0.0f;
  if (node.opset() < 11) {
    if (!node.has_attribute("pads")) node.refuse("has no pads");
    pads = node.ints_attribute("pads", {});
    value = node.float_attribute("value", 0.0f);
  } else {
    pads = graph.int64_constant(node, 1);
    value = optional_scalar(node, graph, 2, 0.0f);
  }
  // [N, C, H, W begins, N, C, H, W ends]
  const bool spatial = pads.size() == 8 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0;
  if (!spatial) node.refuse("pads " + ints_string(pads) + ": only the H and W axes of (N, C, H, W) can be padded");
  for (int i : {2, 3, 6, 7}) {
    if (pads[i] < 0 || pads[i] > INT_MAX) node.refuse("pads " + ints_string(pads) + ": negative padding (cropping) is not supported");
  }
  const Padding2d padding{static_cast<int>(pads[2]), static_cast<int>(pads[3]), static_cast<int>(pads[6]),
                          static_cast<int>(pads[7])};
  if (padding.is_zero()) return graph.define(node, node.output(0), x);
  const onnx::NodeProto* reader = graph.sole_reader(node.output(0));
  const bool deferrable = value == 0.0f && !std::signbit(value) && reader && reader->domain().empty() &&
                          (reader->op_type() == "Conv" || reader->op_type() == "AveragePool") &&
                          reader->input(0) == node.output(0);
  if (deferrable) return graph.defer_pad(node, x, padding);
  graph.add_layer(node, std::make_unique<Pad>(graph.layer_name(node), padding, value), {x});
}

bool same_size(const PoolGeometry& a, const PoolGeometry& b) {
  return a.out_height() == b.out_height() && a.out_width() == b.out_width();
}

bool fits(const PoolGeometry& g) {
  try {
    g.validate();
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

// MaxPool and AveragePool: Pool2d with pads per side or auto_pad, a stride per axis, rectangular
// kernels, ceil_mode and count_include_pad. A deferred zero Pad before an AveragePool joins its
// pads, counted in the divisor, where that is the same function (the pool has no pads of its
// own or counts them, and the ceil-mode sizes agree); else it becomes a Pad layer. ceil_mode is
// kept only where it changes the output size, count_include_pad only where there is padding.
void pool(const NodeReader& node, GraphBuilder& graph, Pool2d::Kind kind) {
  const SpatialInput in = spatial_input(node, graph);
  const WindowAttributes a = window_attributes(node, in.onnx_shape, {});
  if (a.dilation != Size2d{}) {
    node.refuse_attribute("dilations", ints_string(node.ints_attribute("dilations", {})), "pools without dilation only");
  }
  const bool average = kind == Pool2d::Kind::average;
  PoolWindow window{a.kernel, a.stride, a.padding, node.int_attribute("ceil_mode", 0) != 0,
                    average && node.int_attribute("count_include_pad", 0) != 0};
  const auto geometry = [](const Shape& s, const PoolWindow& w) { return PoolGeometry{s[0], s[1], s[2], w}; };
  Value x = in.value;
  if (in.pad) {
    PoolWindow folded = window;
    folded.padding = window.padding + in.deferred;
    folded.count_include_pad = true;
    const bool same_function = average && (window.padding.is_zero() || window.count_include_pad) &&
                               fits(geometry(x.shape, folded)) &&
                               same_size(geometry(x.shape, folded), geometry(in.onnx_shape, window));
    if (same_function) {
      window = folded;
    } else {
      const std::string name = graph.layer_name(node.other(*in.pad->node));
      x = graph.add_deferred_pad(node, 0, std::make_unique<Pad>(name, in.deferred));
    }
  }
  if (window.ceil_mode) {
    PoolWindow floor = window;
    floor.ceil_mode = false;
    if (same_size(geometry(x.shape, floor), geometry(x.shape, window))) window = floor;
  }
  if (window.padding.is_zero()) window.count_include_pad = false;
  require_unread_outputs(node, graph, 1);
  graph.add_layer(node, std::make_unique<Pool2d>(graph.layer_name(node), kind, window), {x});
}

void max_pool(const NodeReader& node, GraphBuilder& graph) { pool(node, graph, Pool2d::Kind::max); }

void average_pool(const NodeReader& node, GraphBuilder& graph) { pool(node, graph, Pool2d::Kind::average); }

// (C, H, W) -> ONNX (C, 1, 1), held by the network as (C).
void global_average_pool(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.spatial_value(node, 0);
  graph.add_layer(node, std::make_unique<GlobalAvgPool>(graph.layer_name(node)), {x}, Shape{x.shape[0], 1, 1});
}

void flatten_operator(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.value(node, 0);
  const std::int64_t axis = node.int_attribute("axis", 1);
  const std::int64_t rank = static_cast<std::int64_t>(x.shape.size()) + 1;
  if (axis != 1 && axis != 1 - rank) node.refuse_attribute("axis", std::to_string(axis), "only axis 1 keeps the batch");
  flatten(node, graph, x);
}

// Only to (batch, features): shape [-1, F], [0, -1] or [0, F] (F the per-sample size; 0 copies
// the input's dimension unless allowzero). A constant is reshaped at import instead.
void reshape(const NodeReader& node, GraphBuilder& graph) {
  if (all_inputs_constant(node, graph)) return fold_reshape(node, graph);
  const Value& x = graph.value(node, 0);
  const std::vector<std::int64_t> shape = graph.int64_constant(node, 1);
  const bool allow_zero = node.int_attribute("allowzero", 0) != 0;
  const std::int64_t features = static_cast<std::int64_t>(shape_numel(x.shape));
  const auto is = [&](std::size_t i, std::int64_t v) { return shape.size() == 2 && shape[i] == v; };
  const bool copies_batch = is(0, 0) && !allow_zero;
  const bool copies_features = is(1, 0) && !allow_zero && x.shape.size() == 1;
  const bool flat = (is(0, -1) && (is(1, features) || copies_features)) ||
                    (copies_batch && (is(1, -1) || is(1, features) || copies_features));
  if (!flat) {
    node.refuse("reshapes to " + ints_string(shape) + "; only reshapes to (batch, " + std::to_string(features) +
                ") are supported: [-1, " + std::to_string(features) + "], [0, -1] or [0, " + std::to_string(features) + "]");
  }
  flatten(node, graph, x);
}

// Inference: the identity (ratio and training_mode are not read); the mask must be unread.
void dropout(const NodeReader& node, GraphBuilder& graph) {
  require_unread_outputs(node, graph, 1);
  identity(node, graph);
}

// The value attribute of any opset (value, value_float(s), value_int(s)) as a constant.
void constant(const NodeReader& node, GraphBuilder& graph) {
  if (node.proto().attribute_size() != 1) node.refuse("needs exactly one value attribute");
  const onnx::AttributeProto& a = node.proto().attribute(0);
  onnx::TensorProto t;
  if (a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR) {
    t = a.t();
  } else if (a.name() == "value_float" && a.type() == onnx::AttributeProto::FLOAT) {
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_float_data(a.f());
  } else if (a.name() == "value_floats" && a.type() == onnx::AttributeProto::FLOATS) {
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_dims(a.floats_size());
    *t.mutable_float_data() = a.floats();
  } else if (a.name() == "value_int" && a.type() == onnx::AttributeProto::INT) {
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_int64_data(a.i());
  } else if (a.name() == "value_ints" && a.type() == onnx::AttributeProto::INTS) {
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_dims(a.ints_size());
    *t.mutable_int64_data() = a.ints();
  } else {
    node.refuse_attribute(a.name(), onnx::AttributeProto_AttributeType_Name(a.type()),
                          "only float32 and int64 values, as value, value_float(s) or value_int(s)");
  }
  graph.define_constant(node, node.output(0), std::move(t));
}

}  // namespace

const std::map<std::string, Translation>& operator_translations() {
  static const std::map<std::string, Translation> table = {
      {"Add", add},
      {"AveragePool", average_pool},
      {"BatchNormalization", batch_normalization},
      {"Cast", fold_cast},
      {"Clip", clip},
      {"Concat", concat},
      {"Constant", constant},
      {"ConstantOfShape", fold_constant_of_shape},
      {"Conv", conv},
      {"Dropout", dropout},
      {"Flatten", flatten_operator},
      {"Gemm", gemm},
      {"GlobalAveragePool", global_average_pool},
      {"Identity", identity},
      {"MatMul", matmul},
      {"MaxPool", max_pool},
      {"Pad", pad},
      {"Relu", relu},
      {"Reshape", reshape},
      {"Slice", fold_slice},
      {"Transpose", fold_transpose},
  };
  return table;
}

}  // namespace proact
