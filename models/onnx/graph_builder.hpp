#pragma once
// The state of one ONNX import: the Network being built and what every ONNX value name stands
// for, either a computed tensor (a network node's output, or the network input) or a constant
// (initializer or Constant node). Operator translations (operators.hpp) read their inputs and
// define their outputs through it; every problem becomes NodeReader::refuse(). Internal.
#include <onnx/onnx_pb.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/kernels/window.hpp"
#include "models/net/network.hpp"
#include "models/onnx/import.hpp"
#include "models/onnx/node_reader.hpp"

namespace proact {

// A computed tensor: which node holds it, and its ONNX per-sample shape (without the batch
// axis). That shape is the node's output shape, except after GlobalAveragePool, whose ONNX
// (C, 1, 1) the network holds as (C).
struct Value {
  int node;  // Network node index, or Network::kInput
  Shape shape;
};

// A zero Pad whose one reader is a Conv or AveragePool: it adds no layer, its output is `input`
// padded by `padding`, which the reader takes into its own pads (or adds as a Pad layer where it
// cannot: add_deferred_pad).
struct DeferredPad {
  const onnx::NodeProto* node;
  Value input;
  Padding2d padding;
};

class GraphBuilder {
 public:
  // `network`: empty, with the graph input's per-sample shape; `input` names that graph input.
  // The graph's initializers become constants (their values are freed as the network takes
  // them: see float_constant); its nodes and outputs count as readers. Weights::shapes_only frees
  // the values of every float initializer of two or more elements here (float_constant gives
  // zeros of its shape).
  GraphBuilder(onnx::GraphProto& graph, const std::string& input, Network network, Weights weights);

  // Input i of `node` as a computed tensor (refused when absent, constant or undefined).
  const Value& value(const NodeReader& node, int i) const;
  // The same, required to be held as (C, H, W) by the network (refused after GlobalAveragePool).
  const Value& spatial_value(const NodeReader& node, int i) const;
  // Input i of `node` as a constant: float32 values with its ONNX shape, or int64 values. Each
  // float_constant call counts as one of the constant's reads (a translation takes each input
  // once); after the last, its values are freed from the model, so a model's weights are held
  // about once during import, not twice.
  bool is_constant(const std::string& name) const { return constants_.count(name) > 0; }
  Tensor float_constant(const NodeReader& node, int i);
  std::vector<std::int64_t> int64_constant(const NodeReader& node, int i) const;
  std::vector<std::int64_t> constant_dims(const NodeReader& node, int i) const;  // its ONNX shape
  // The network's per-sample shape of a value (differs from value.shape only after GlobalAveragePool).
  const Shape& held_shape(const Value& value) const;

  // Appends `layer` reading `inputs` and defines the node's output 0 as its output, with ONNX
  // shape `shape` (default: the layer's output shape). Shape errors are refused with the node.
  void add_layer(const NodeReader& node, std::unique_ptr<Layer> layer, const std::vector<Value>& inputs,
                 const std::optional<Shape>& shape = std::nullopt);
  // Defers the Pad `node` (see DeferredPad); its output stays undefined for any other reader.
  void defer_pad(const NodeReader& node, const Value& input, const Padding2d& padding);
  // The deferred Pad whose output is input i of `node`, or nullptr.
  const DeferredPad* deferred_pad(const NodeReader& node, int i) const;
  // Adds that deferred Pad after all, as `layer` reading its input, and returns its output value.
  const Value& add_deferred_pad(const NodeReader& node, int i, std::unique_ptr<Layer> layer);

  // Defines output `output` of `node` as an existing value or constant (Identity, Dropout, ...).
  void define(const NodeReader& node, const std::string& output, const Value& value);
  void define_alias(const NodeReader& node, const std::string& output, const std::string& input);
  void define_constant(const NodeReader& node, const std::string& output, onnx::TensorProto tensor);

  // The layer name for `node`: its ONNX name (or op type and index) reduced to letters, digits,
  // '_' and '-', made unique among the layers.
  std::string layer_name(const NodeReader& node);
  // Nodes and graph outputs that read `name`.
  int readers(const std::string& name) const;
  // The one graph node that reads `name`, when it has exactly one reader and is no graph output.
  const onnx::NodeProto* sole_reader(const std::string& name) const;
  // Marks a later node as translated already (a MatMul takes in the Add of its bias).
  void consume(const onnx::NodeProto& node) { consumed_.insert(&node); }
  bool consumed(const onnx::NodeProto& node) const { return consumed_.count(&node) > 0; }

  const Value* find_value(const std::string& name) const;
  Network take_network() { return std::move(network_); }

 private:
  [[noreturn]] void refuse_undefined(const NodeReader& node, const std::string& name) const;
  onnx::TensorProto& constant(const NodeReader& node, int i) const;
  void check_new(const NodeReader& node, const std::string& output) const;

  Network network_;
  std::map<std::string, Value> values_;
  std::map<std::string, onnx::TensorProto*> constants_;
  std::map<const onnx::TensorProto*, int> unread_;  // reads of each constant not yet taken by float_constant
  std::set<const onnx::TensorProto*> zeroed_;        // Weights::shapes_only: values freed, read as zeros
  std::deque<onnx::TensorProto> owned_constants_;  // values of Constant nodes
  std::map<std::string, int> readers_;
  std::map<std::string, const onnx::NodeProto*> last_reader_;
  std::set<std::string> layer_names_;
  std::set<const onnx::NodeProto*> consumed_;
  std::map<std::string, DeferredPad> deferred_pads_;  // by output name
};

}  // namespace proact
