#include "models/onnx/graph_builder.hpp"

#include <cctype>
#include <stdexcept>

#include "models/onnx/tensor_proto.hpp"

namespace proact {

namespace {

// Every dimension at least 1 and one above it (a dimension below 1 is left to float_tensor to refuse).
bool has_several_elements(const onnx::TensorProto& proto) {
  bool several = false;
  for (std::int64_t d : proto.dims()) {
    if (d < 1) return false;
    several |= d > 1;
  }
  return several;
}

void free_values(onnx::TensorProto& proto) {  // clear() would keep the capacity
  std::string().swap(*proto.mutable_raw_data());
  google::protobuf::RepeatedField<float>().Swap(proto.mutable_float_data());
}

}  // namespace

GraphBuilder::GraphBuilder(onnx::GraphProto& graph, const std::string& input, Network network, Weights weights)
    : network_(std::move(network)) {
  values_[input] = Value{Network::kInput, network_.input_shape()};
  for (const onnx::NodeProto& n : graph.node()) {
    for (const std::string& name : n.input()) {
      if (name.empty()) continue;
      ++readers_[name];
      last_reader_[name] = &n;
    }
  }
  for (const onnx::ValueInfoProto& output : graph.output()) ++readers_[output.name()];
  for (onnx::TensorProto& t : *graph.mutable_initializer()) {
    constants_[t.name()] = &t;
    unread_[&t] = readers(t.name());
    if (weights == Weights::shapes_only && t.data_type() == onnx::TensorProto::FLOAT && has_several_elements(t)) {
      free_values(t);
      zeroed_.insert(&t);
    }
  }
}

void GraphBuilder::refuse_undefined(const NodeReader& node, const std::string& name) const {
  node.refuse("input '" + name + "' is not defined: no graph input, initializer, Constant or earlier node gives it "
              "(a truncated file, or nodes out of order?)");
}

const Value* GraphBuilder::find_value(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

const Value& GraphBuilder::value(const NodeReader& node, int i) const {
  const std::string name = node.input(i);
  if (name.empty()) node.refuse("input " + std::to_string(i) + " is missing");
  if (const Value* v = find_value(name)) return *v;
  if (is_constant(name)) {
    node.refuse("input '" + name + "' is a constant; this build computes " + node.op_type() +
                " only on tensors computed from the graph input");
  }
  refuse_undefined(node, name);
}

const Value& GraphBuilder::spatial_value(const NodeReader& node, int i) const {
  const Value& v = value(node, i);
  if (held_shape(v).size() != 3) {
    node.refuse("input '" + node.input(i) + "' has per-sample shape " + shape_string(v.shape) +
                (v.shape == held_shape(v) ? "" : " (held as " + shape_string(held_shape(v)) + " after GlobalAveragePool)") +
                "; expected (C, H, W)");
  }
  return v;
}

onnx::TensorProto& GraphBuilder::constant(const NodeReader& node, int i) const {
  const std::string name = node.input(i);
  if (name.empty()) node.refuse("input " + std::to_string(i) + " is missing");
  const auto it = constants_.find(name);
  if (it != constants_.end()) return *it->second;
  if (find_value(name)) {
    node.refuse("input '" + name + "' is computed from the graph input; this build needs it to be a constant "
                "(an initializer or Constant)");
  }
  refuse_undefined(node, name);
}

Tensor GraphBuilder::float_constant(const NodeReader& node, int i) {
  onnx::TensorProto& proto = constant(node, i);
  Tensor values;
  try {
    values = zeroed_.count(&proto) ? zero_float_tensor(proto) : float_tensor(proto);
  } catch (const std::invalid_argument& e) {
    node.refuse(e.what());
  }
  if (--unread_[&proto] == 0) free_values(proto);  // the last read: free the model's copy
  return values;
}

std::vector<std::int64_t> GraphBuilder::int64_constant(const NodeReader& node, int i) const {
  const onnx::TensorProto& proto = constant(node, i);
  try {
    return int64_values(proto);
  } catch (const std::invalid_argument& e) {
    node.refuse(e.what());
  }
}

std::vector<std::int64_t> GraphBuilder::constant_dims(const NodeReader& node, int i) const {
  const onnx::TensorProto& proto = constant(node, i);
  return {proto.dims().begin(), proto.dims().end()};
}

const Shape& GraphBuilder::held_shape(const Value& value) const {
  return network_.shape_of(value.node);
}

void GraphBuilder::add_layer(const NodeReader& node, std::unique_ptr<Layer> layer, const std::vector<Value>& inputs,
                             const std::optional<Shape>& shape) {
  std::vector<int> indices;
  for (const Value& v : inputs) indices.push_back(v.node);
  int index;
  try {
    index = network_.add(std::move(layer), indices);
  } catch (const std::invalid_argument& e) {
    node.refuse(e.what());
  }
  define(node, node.output(0), Value{index, shape ? *shape : network_.node(index).output_shape});
}

void GraphBuilder::check_new(const NodeReader& node, const std::string& output) const {
  if (output.empty()) node.refuse("has no output 0");
  if (find_value(output) || is_constant(output) || deferred_pads_.count(output)) {
    node.refuse("output '" + output + "' is defined twice");
  }
}

void GraphBuilder::define(const NodeReader& node, const std::string& output, const Value& value) {
  check_new(node, output);
  values_[output] = value;
}

void GraphBuilder::defer_pad(const NodeReader& node, const Value& input, const Padding2d& padding) {
  check_new(node, node.output(0));
  deferred_pads_[node.output(0)] = DeferredPad{&node.proto(), input, padding};
}

const DeferredPad* GraphBuilder::deferred_pad(const NodeReader& node, int i) const {
  const auto it = deferred_pads_.find(node.input(i));
  return it == deferred_pads_.end() ? nullptr : &it->second;
}

const Value& GraphBuilder::add_deferred_pad(const NodeReader& node, int i, std::unique_ptr<Layer> layer) {
  const auto it = deferred_pads_.find(node.input(i));
  const DeferredPad pad = it->second;
  deferred_pads_.erase(it);
  add_layer(node.other(*pad.node), std::move(layer), {pad.input});
  return *find_value(node.input(i));
}

void GraphBuilder::define_alias(const NodeReader& node, const std::string& output, const std::string& input) {
  if (const Value* v = find_value(input)) return define(node, output, *v);
  const auto it = constants_.find(input);
  if (it == constants_.end()) refuse_undefined(node, input);
  check_new(node, output);
  constants_[output] = it->second;
  unread_[it->second] += readers(output);
}

void GraphBuilder::define_constant(const NodeReader& node, const std::string& output, onnx::TensorProto tensor) {
  check_new(node, output);
  tensor.set_name(output);
  owned_constants_.push_back(std::move(tensor));
  constants_[output] = &owned_constants_.back();
  unread_[&owned_constants_.back()] = readers(output);
}

std::string GraphBuilder::layer_name(const NodeReader& node) {
  std::string base;
  for (char c : node.proto().name()) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '-';
    if (keep) base += c;
    else if (!base.empty() && base.back() != '_') base += '_';
  }
  while (!base.empty() && base.back() == '_') base.pop_back();
  if (base.empty()) {
    for (char c : node.op_type()) base += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string name = base;
  for (int n = 2; layer_names_.count(name); ++n) name = base + "_" + std::to_string(n);
  layer_names_.insert(name);
  return name;
}

int GraphBuilder::readers(const std::string& name) const {
  const auto it = readers_.find(name);
  return it == readers_.end() ? 0 : it->second;
}

const onnx::NodeProto* GraphBuilder::sole_reader(const std::string& name) const {
  const auto it = last_reader_.find(name);
  return readers(name) == 1 && it != last_reader_.end() ? it->second : nullptr;
}

}  // namespace proact
