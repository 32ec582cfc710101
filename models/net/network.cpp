#include "models/net/network.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace proact {

Network::Network(std::string architecture, Shape input_shape)
    : architecture_(std::move(architecture)), input_shape_(std::move(input_shape)) {}

Network::Network(const Network& other)
    : architecture_(other.architecture_), input_shape_(other.input_shape_) {
  for (const Node& n : other.nodes_) nodes_.push_back({n.layer->clone(), n.inputs, n.output_shape});
}

Network& Network::operator=(const Network& other) {
  if (this != &other) *this = Network(other);
  return *this;
}

int Network::add(std::unique_ptr<Layer> layer) {
  return add(std::move(layer), {static_cast<int>(nodes_.size()) - 1});
}

int Network::add(std::unique_ptr<Layer> layer, std::vector<int> inputs) {
  const int index = static_cast<int>(nodes_.size());
  for (const Node& n : nodes_) {
    if (n.layer->name() == layer->name()) throw std::invalid_argument("duplicate layer name '" + layer->name() + "'");
  }
  if (static_cast<int>(inputs.size()) != layer->arity()) {
    throw std::invalid_argument("layer '" + layer->name() + "' takes " + std::to_string(layer->arity()) +
                                " inputs, given " + std::to_string(inputs.size()));
  }
  std::vector<Shape> shapes;
  for (int i : inputs) {
    if (i < kInput || i >= index) {
      throw std::invalid_argument("layer '" + layer->name() + "' reads node " + std::to_string(i) +
                                  ", which is not an earlier node");
    }
    shapes.push_back(shape_of(i));
  }
  Shape out = layer->output_shape(shapes);
  nodes_.push_back({std::move(layer), std::move(inputs), std::move(out)});
  return index;
}

std::vector<Node> Network::take_nodes() {
  activations_.clear();
  return std::exchange(nodes_, {});
}

const Shape& Network::output_shape() const {
  if (nodes_.empty()) throw std::logic_error("network '" + architecture_ + "' has no layers");
  return nodes_.back().output_shape;
}

int Network::index_of(const std::string& layer_name) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].layer->name() == layer_name) return static_cast<int>(i);
  throw std::out_of_range("network '" + architecture_ + "' has no layer '" + layer_name + "'");
}

std::vector<const Tensor*> Network::inputs_of(std::size_t i, const Tensor& input) const {
  std::vector<const Tensor*> in;
  for (int j : nodes_[i].inputs) in.push_back(j == kInput ? &input : &activations_[j]);
  return in;
}

std::vector<int> Network::reader_counts() const {
  std::vector<int> counts(nodes_.size(), 0);
  for (const Node& node : nodes_)
    for (int j : node.inputs)
      if (j != kInput) ++counts[j];
  return counts;
}

const Tensor& Network::forward(const Tensor& images, const ExecutionOptions& options) {
  const Shape sample(images.shape().begin() + (images.rank() ? 1 : 0), images.shape().end());
  if (images.rank() == 0 || sample != input_shape_) {
    throw std::invalid_argument("network '" + architecture_ + "' expects input (B, " +
                                shape_string(input_shape_).substr(1) + ", got " + shape_string(images.shape()));
  }
  input_ = options.keep_activations ? images : Tensor();
  activations_.resize(nodes_.size());
  std::vector<std::size_t> last_reader(nodes_.size(), nodes_.size());  // the output's: none
  if (!options.keep_activations) {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      for (int j : nodes_[i].inputs)
        if (j != kInput) last_reader[j] = i;
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    std::vector<const Tensor*> inputs = inputs_of(i, images);
    if (!options.keep_activations && nodes_[i].layer->elementwise()) {  // in place on an input read last here
      const std::vector<int>& sources = nodes_[i].inputs;
      for (std::size_t k = 0; k < sources.size(); ++k) {
        const int j = sources[k];
        if (j == kInput || last_reader[j] != i || std::count(sources.begin(), sources.end(), j) > 1) continue;
        activations_[i] = std::move(activations_[j]);
        inputs[k] = &activations_[i];
        break;
      }
    }
    nodes_[i].layer->forward(inputs, activations_[i], options);
    if (options.keep_activations) continue;
    for (int j : nodes_[i].inputs)
      if (j != kInput && last_reader[j] == i) activations_[j] = Tensor();
  }
  return activations_.back();
}

void Network::backward(const Tensor& doutput, std::size_t first) {
  std::vector<Tensor> grads(nodes_.size());
  grads.back() = doutput;
  for (std::size_t i = nodes_.size(); i-- > first;) {
    if (grads[i].empty()) continue;  // output does not reach the loss
    const std::vector<const Tensor*> in = inputs_of(i, input_);
    std::vector<Tensor> local;
    std::vector<Tensor*> targets;
    local.reserve(in.size());
    for (std::size_t k = 0; k < in.size(); ++k) {
      const bool needed = nodes_[i].inputs[k] != kInput && static_cast<std::size_t>(nodes_[i].inputs[k]) >= first;
      local.emplace_back(needed ? Tensor(in[k]->shape()) : Tensor());
      targets.push_back(needed ? &local.back() : nullptr);
    }
    nodes_[i].layer->backward(in, activations_[i], grads[i], targets);
    for (std::size_t k = 0; k < in.size(); ++k) {
      if (!targets[k]) continue;
      Tensor& g = grads[nodes_[i].inputs[k]];
      if (g.empty()) {
        g = std::move(local[k]);
      } else {
        for (std::size_t e = 0; e < g.size(); ++e) g[e] += local[k][e];
      }
    }
  }
}

void Network::zero_grad() {
  for (Parameter* p : trainable_parameters()) p->accumulated_grad().fill(0.0f);
}

std::vector<Parameter*> Network::trainable_parameters() {
  std::vector<Parameter*> params;
  for (Node& n : nodes_)
    for (Parameter& p : n.layer->parameters())
      if (p.trainable) params.push_back(&p);
  return params;
}

std::size_t Network::trainable_count() const {
  std::size_t count = 0;
  for (const Node& n : nodes_)
    for (const Parameter& p : n.layer->parameters())
      if (p.trainable) count += p.value.size();
  return count;
}

}  // namespace proact
