#include "models/onnx/operators.hpp"

#include <climits>

#include "models/net/activation_layer.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/pool_layers.hpp"
#include "models/net/structure_layers.hpp"

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

// Copies `values` (input i of the node) into the layer's parameter; refuses a size mismatch.
void set_parameter(const NodeReader& node, Layer& layer, const std::string& parameter, const Tensor& values, int i) {
  Tensor& target = layer.parameter(parameter).value;
  if (values.size() != target.size()) {
    node.refuse("input '" + node.input(i) + "' has shape " + shape_string(values.shape()) + ", the " + parameter +
                " needs " + shape_string(target.shape()));
  }
  target.values() = values.values();
}

// A 2-D window as Conv2d and Pool2d express it: square kernel, equal strides, dilation 1 and one
// padding on every side. Refuses any other attribute value, naming it.
struct Window {
  int kernel, stride, padding;
};

Window square_window(const NodeReader& node, const std::vector<std::int64_t>& default_kernel) {
  const auto in_range = [](std::int64_t v, std::int64_t low) { return v >= low && v <= INT_MAX; };
  const std::vector<std::int64_t> kernel = node.ints_attribute("kernel_shape", default_kernel);
  if (kernel.size() != 2) node.refuse_attribute("kernel_shape", ints_string(kernel), "2-D windows only");
  if (kernel[0] != kernel[1]) node.refuse_attribute("kernel_shape", ints_string(kernel), "square kernels only for now");
  if (!in_range(kernel[0], 1)) node.refuse_attribute("kernel_shape", ints_string(kernel), "not a window size");
  const std::vector<std::int64_t> strides = node.ints_attribute("strides", {1, 1});
  if (strides.size() != 2 || strides[0] != strides[1]) {
    node.refuse_attribute("strides", ints_string(strides), "one stride for both axes only for now");
  }
  if (!in_range(strides[0], 1)) node.refuse_attribute("strides", ints_string(strides), "not a stride");
  const std::vector<std::int64_t> dilations = node.ints_attribute("dilations", {1, 1});
  if (dilations != std::vector<std::int64_t>{1, 1}) {
    node.refuse_attribute("dilations", ints_string(dilations), "dilation 1 only for now");
  }
  const std::string auto_pad = node.string_attribute("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID") {
    node.refuse_attribute("auto_pad", auto_pad, "explicit pads only for now");
  }
  const std::vector<std::int64_t> pads = node.ints_attribute("pads", {0, 0, 0, 0});
  if (pads.size() != 4 || pads[1] != pads[0] || pads[2] != pads[0] || pads[3] != pads[0]) {
    node.refuse_attribute("pads", ints_string(pads), "the same padding on every side only for now");
  }
  if (!in_range(pads[0], 0)) node.refuse_attribute("pads", ints_string(pads), "not a padding");
  return {static_cast<int>(kernel[0]), static_cast<int>(strides[0]), static_cast<int>(pads[0])};
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
Tensor weight_matrix(const NodeReader& node, const GraphBuilder& graph, int i, bool transposed, int features) {
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

void conv(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.spatial_value(node, 0);
  const Tensor w = graph.float_constant(node, 1);
  if (w.rank() != 4) {
    node.refuse("weight '" + node.input(1) + "' has shape " + shape_string(w.shape()) +
                "; only 2-D convolutions (O, C, kh, kw) are supported");
  }
  const std::int64_t group = node.int_attribute("group", 1);
  if (group != 1) node.refuse_attribute("group", std::to_string(group), "grouped and depthwise convolutions come later");
  const Window window = square_window(node, {w.dim(2), w.dim(3)});
  if (w.dim(2) != window.kernel || w.dim(3) != window.kernel) {
    node.refuse("weight '" + node.input(1) + "' has shape " + shape_string(w.shape()) + ", kernel_shape says " +
                std::to_string(window.kernel) + "x" + std::to_string(window.kernel));
  }
  auto layer = std::make_unique<Conv2d>(graph.layer_name(node), w.dim(1), w.dim(0), window.kernel, window.stride,
                                        window.padding);
  set_parameter(node, *layer, "weight", w, 1);
  if (!node.input(2).empty()) set_parameter(node, *layer, "bias", graph.float_constant(node, 2), 2);
  graph.add_layer(node, std::move(layer), {x});
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

void relu(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.value(node, 0);
  graph.add_layer(node, std::make_unique<Activation>(graph.layer_name(node)), {x}, x.shape);
}

// Pool2d: square window, no padding; ceil_mode only where it gives the floor's size.
void max_pool(const NodeReader& node, GraphBuilder& graph) {
  const Value& x = graph.spatial_value(node, 0);
  if (!node.has_attribute("kernel_shape")) node.refuse("has no kernel_shape");
  const Window window = square_window(node, {});
  if (window.padding != 0) {
    node.refuse_attribute("pads", ints_string(node.ints_attribute("pads", {})), "Pool2d pools without padding");
  }
  const std::int64_t ceil_mode = node.int_attribute("ceil_mode", 0);
  const Shape& s = graph.held_shape(x);
  const bool whole_windows = (s[1] - window.kernel) % window.stride == 0 && (s[2] - window.kernel) % window.stride == 0;
  if (ceil_mode != 0 && !whole_windows) {
    node.refuse_attribute("ceil_mode", std::to_string(ceil_mode), "partial windows at the border; Pool2d rounds down");
  }
  require_unread_outputs(node, graph, 1);
  graph.add_layer(node, std::make_unique<Pool2d>(graph.layer_name(node), Pool2d::Kind::max, window.kernel, window.stride),
                  {x});
}

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
// the input's dimension unless allowzero).
void reshape(const NodeReader& node, GraphBuilder& graph) {
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

void identity(const NodeReader& node, GraphBuilder& graph) { graph.define_alias(node, node.output(0), node.input(0)); }

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
      {"BatchNormalization", batch_normalization},
      {"Constant", constant},
      {"Conv", conv},
      {"Dropout", dropout},
      {"Flatten", flatten_operator},
      {"Gemm", gemm},
      {"GlobalAveragePool", global_average_pool},
      {"Identity", identity},
      {"MatMul", matmul},
      {"MaxPool", max_pool},
      {"Relu", relu},
      {"Reshape", reshape},
  };
  return table;
}

}  // namespace proact
