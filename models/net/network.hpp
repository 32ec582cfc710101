#pragma once
// A network as a graph of layers in execution order. Node i reads the outputs of earlier nodes
// (or the network input, index kInput); the last node's output is the network output (logits).
#include <memory>
#include <string>
#include <vector>

#include "models/net/layer.hpp"

namespace proact {

struct Node {
  std::unique_ptr<Layer> layer;
  std::vector<int> inputs;  // earlier node indices or Network::kInput
  Shape output_shape;       // per sample
};

class Network {
 public:
  static constexpr int kInput = -1;

  Network(std::string architecture, Shape input_shape);
  Network(const Network& other);
  Network& operator=(const Network& other);
  Network(Network&&) noexcept = default;
  Network& operator=(Network&&) noexcept = default;

  // Appends a layer reading `inputs` (default: the previous node, or the input for the first);
  // checks shapes and unique names. Returns the node index.
  int add(std::unique_ptr<Layer> layer, std::vector<int> inputs);
  int add(std::unique_ptr<Layer> layer);

  const std::string& architecture() const { return architecture_; }
  const Shape& input_shape() const { return input_shape_; }
  const Shape& output_shape() const;
  std::size_t size() const { return nodes_.size(); }
  const Node& node(std::size_t i) const { return nodes_.at(i); }
  // Per-sample shape of node i's output, or of the input for kInput (what a reader of i sees).
  const Shape& shape_of(int i) const { return i == kInput ? input_shape_ : nodes_.at(i).output_shape; }
  Layer& layer(std::size_t i) { return *nodes_.at(i).layer; }
  const Layer& layer(std::size_t i) const { return *nodes_.at(i).layer; }
  int index_of(const std::string& layer_name) const;  // throws std::out_of_range naming it
  std::vector<int> reader_counts() const;  // per node: how many later nodes read its output
  // Moves the nodes out and leaves the network without layers, for rebuilding it from them
  // (fold_batch_norm) without copying their parameters.
  std::vector<Node> take_nodes();

  // images (B, input_shape...) -> output (B, output_shape...). Every node's output is kept
  // (activation(i)) for backward() and for profiling, unless options.keep_activations is false.
  const Tensor& forward(const Tensor& images, const ExecutionOptions& options);
  const Tensor& activation(std::size_t i) const { return activations_.at(i); }
  // After a forward in either mode: propagates d loss / d output back through the function that
  // forward computed (eval mode: batch norm with its running statistics, as threshold training
  // needs), accumulating parameter grads. Nodes before `first` are not visited (no parameter
  // grads, no gradient into their outputs): training one layer's parameters stops at that layer.
  void backward(const Tensor& doutput, std::size_t first = 0);

  void zero_grad();
  std::vector<Parameter*> trainable_parameters();
  std::size_t trainable_count() const;  // number of trainable scalars

 private:
  // Node i's inputs, `input` standing for the network input.
  std::vector<const Tensor*> inputs_of(std::size_t i, const Tensor& input) const;

  std::string architecture_;
  Shape input_shape_;
  std::vector<Node> nodes_;
  Tensor input_;  // the last forward's images, when it kept its activations (for backward)
  std::vector<Tensor> activations_;
};

}  // namespace proact
