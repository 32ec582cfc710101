#include "models/onnx/export.hpp"

#include <cmath>
#include <stdexcept>

#include "models/net/activation_layer.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/pool_layers.hpp"
#include "models/net/structure_layers.hpp"
#include "models/onnx/proto_io.hpp"
#include "models/onnx/tensor_proto.hpp"

namespace proact {

namespace {

constexpr int kIrVersion = 7;  // the IR version of opset 13

// A float tensor (batch, shape...) with a symbolic batch axis.
void set_value_info(onnx::ValueInfoProto& info, const std::string& name, const Shape& shape) {
  info.set_name(name);
  onnx::TypeProto::Tensor& type = *info.mutable_type()->mutable_tensor_type();
  type.set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto& dims = *type.mutable_shape();
  dims.add_dim()->set_dim_param("batch");
  for (int d : shape) dims.add_dim()->set_dim_value(d);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, float value) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(value);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
  onnx::AttributeProto& a = *node.add_attribute();
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (std::int64_t v : values) a.add_ints(v);
}

// Writes the nodes of one network into a graph, layer by layer.
class GraphWriter {
 public:
  GraphWriter(const Network& network, onnx::GraphProto& graph) : network_(network), graph_(graph) {
    while (has_layer(input_)) input_ += "_";
    set_value_info(*graph_.add_input(), input_, network_.input_shape());
  }

  void write_layer(std::size_t i) {
    const Layer& layer = network_.layer(i);
    const std::vector<std::string> inputs = input_tensors(i);
    if (const auto* conv = dynamic_cast<const Conv2d*>(&layer)) {
      const ConvWindow& w = conv->window();
      onnx::NodeProto& n = add_node("Conv", layer.name(), {inputs[0], parameter(layer, "weight"), parameter(layer, "bias")});
      set_attribute(n, "kernel_shape", ints(w.kernel));
      set_attribute(n, "strides", ints(w.stride));
      set_attribute(n, "pads", ints(w.padding));
      if (w.dilation != Size2d{}) set_attribute(n, "dilations", ints(w.dilation));
      if (w.groups != 1) set_attribute(n, "group", std::int64_t{w.groups});
    } else if (dynamic_cast<const Dense*>(&layer)) {
      onnx::NodeProto& n = add_node("Gemm", layer.name(), {inputs[0], parameter(layer, "weight"), parameter(layer, "bias")});
      set_attribute(n, "transB", std::int64_t{1});
    } else if (const auto* bn = dynamic_cast<const BatchNorm*>(&layer)) {
      onnx::NodeProto& n = add_node("BatchNormalization", layer.name(),
                                    {inputs[0], parameter(layer, "gamma"), parameter(layer, "beta"),
                                     parameter(layer, "running_mean"), parameter(layer, "running_var")});
      set_attribute(n, "epsilon", bn->epsilon());
      set_attribute(n, "momentum", 1.0f - bn->momentum());  // ONNX weighs the running statistic
    } else if (const auto* activation = dynamic_cast<const Activation*>(&layer)) {
      if (activation->form() != ClipForm::relu) {
        refuse(layer, "is a clipped ReLU (" + clip_form_name(activation->form()) + "); export writes unclipped "
                      "activations only (Relu, Clip)");
      }
      write_activation(layer.name(), activation->bounds(), inputs[0]);
    } else if (const auto* pool = dynamic_cast<const Pool2d*>(&layer)) {
      const PoolWindow& w = pool->window();
      const bool max = pool->pool_kind() == Pool2d::Kind::max;
      onnx::NodeProto& n = add_node(max ? "MaxPool" : "AveragePool", layer.name(), inputs);
      set_attribute(n, "kernel_shape", ints(w.kernel));
      set_attribute(n, "strides", ints(w.stride));
      if (!w.padding.is_zero()) set_attribute(n, "pads", ints(w.padding));
      if (w.ceil_mode) set_attribute(n, "ceil_mode", std::int64_t{1});
      if (w.count_include_pad) set_attribute(n, "count_include_pad", std::int64_t{1});
    } else if (dynamic_cast<const GlobalAvgPool*>(&layer)) {
      // ONNX keeps (batch, C, 1, 1); the layer's tensor is the network's (batch, C).
      const std::string pooled = layer.name() + ".nchw";
      add_node("GlobalAveragePool", layer.name(), inputs, pooled);
      set_attribute(add_node("Flatten", layer.name() + ".flatten", {pooled}, layer.name()), "axis", std::int64_t{1});
    } else if (dynamic_cast<const Add*>(&layer)) {
      add_node("Add", layer.name(), inputs);
    } else if (dynamic_cast<const Flatten*>(&layer)) {
      set_attribute(add_node("Flatten", layer.name(), inputs), "axis", std::int64_t{1});
    } else if (dynamic_cast<const Concat*>(&layer)) {
      set_attribute(add_node("Concat", layer.name(), inputs), "axis", std::int64_t{1});
    } else if (const auto* pad = dynamic_cast<const Pad*>(&layer)) {
      const Padding2d& p = pad->padding();
      const std::string pads = layer.name() + ".pads", value = layer.name() + ".value";
      set_int64_tensor(*graph_.add_initializer(), pads, {0, 0, p.top, p.left, 0, 0, p.bottom, p.right});
      set_float_tensor(*graph_.add_initializer(), value, Tensor({}, pad->value()));
      set_attribute(add_node("Pad", layer.name(), {inputs[0], pads, value}), "mode", std::string("constant"));
    } else {
      refuse(layer, "of kind '" + layer.kind() + "' has no ONNX export yet");
    }
  }

 private:
  [[noreturn]] static void refuse(const Layer& layer, const std::string& problem) {
    throw std::invalid_argument("cannot export layer '" + layer.name() + "': it " + problem);
  }

  static std::vector<std::int64_t> ints(const Size2d& size) { return {size.height, size.width}; }
  static std::vector<std::int64_t> ints(const Padding2d& p) { return {p.top, p.left, p.bottom, p.right}; }

  // ReLU's bounds as Relu; others as Clip with min and max inputs (an unbounded side left out).
  void write_activation(const std::string& name, ClampBounds bounds, const std::string& input) {
    if (bounds.is_relu()) {
      add_node("Relu", name, {input});
      return;
    }
    std::vector<std::string> inputs{input, "", ""};
    if (!std::isinf(bounds.lo)) inputs[1] = scalar(name + ".min", bounds.lo);
    if (!std::isinf(bounds.hi)) inputs[2] = scalar(name + ".max", bounds.hi);
    while (inputs.back().empty()) inputs.pop_back();
    add_node("Clip", name, inputs);
  }

  // A float initializer of shape () holding `value`; returns its name.
  std::string scalar(const std::string& name, float value) {
    set_float_tensor(*graph_.add_initializer(), name, Tensor({}, value));
    return name;
  }

  bool has_layer(const std::string& name) const {
    for (std::size_t i = 0; i < network_.size(); ++i)
      if (network_.layer(i).name() == name) return true;
    return false;
  }

  std::vector<std::string> input_tensors(std::size_t i) const {
    std::vector<std::string> names;
    for (int j : network_.node(i).inputs) names.push_back(j == Network::kInput ? input_ : network_.layer(j).name());
    return names;
  }

  // Adds the parameter as an initializer; returns its name.
  std::string parameter(const Layer& layer, const std::string& name) {
    const std::string tensor = layer.name() + "." + name;
    set_float_tensor(*graph_.add_initializer(), tensor, layer.parameter(name).value);
    return tensor;
  }

  // A node whose output tensor is `output`, by default its own name (the layer's tensor).
  onnx::NodeProto& add_node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                            const std::string& output = "") {
    onnx::NodeProto& n = *graph_.add_node();
    n.set_op_type(op);
    n.set_name(name);
    for (const std::string& in : inputs) n.add_input(in);
    n.add_output(output.empty() ? name : output);
    return n;
  }

  const Network& network_;
  onnx::GraphProto& graph_;
  std::string input_ = "input";
};

}  // namespace

void export_onnx(const Network& network, const nlohmann::json& metadata, const std::string& path) {
  const Shape& output_shape = network.output_shape();  // throws for a network without layers
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("proact");
  model.set_producer_version(PROACT_VERSION);
  onnx::OperatorSetIdProto& opset = *model.add_opset_import();
  opset.set_domain("");
  opset.set_version(kExportOpset);
  onnx::StringStringEntryProto& stored = *model.add_metadata_props();
  stored.set_key(kMetadataProperty);
  stored.set_value(metadata.dump());
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name(network.architecture());
  GraphWriter writer(network, graph);
  for (std::size_t i = 0; i < network.size(); ++i) writer.write_layer(i);
  set_value_info(*graph.add_output(), network.layer(network.size() - 1).name(), output_shape);
  write_message(path, model);
}

}  // namespace proact
