#include "sw/campaign/incremental_forward.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "models/net/activation_layer.hpp"
#include "models/net/gemm_layers.hpp"

namespace proact {

namespace {

// Recomputes output channels `channels` of `layer` on `input` into `output`, which holds the
// layer's previous output (B, N, ...): a layer with only those channels runs the same kernel.
// A conv must have one group (any subset of its channels then reads all the input channels).
void forward_channels(const GemmLayer& layer, const Tensor& input, const std::vector<int>& channels,
                      const ExecutionOptions& options, Tensor& output) {
  const int rows = static_cast<int>(channels.size());
  const Tensor& weight = layer.parameter("weight").value;
  const Tensor& bias = layer.parameter("bias").value;
  const std::size_t k = weight.size() / static_cast<std::size_t>(layer.out_channels());
  std::unique_ptr<GemmLayer> part;
  if (const auto* conv = dynamic_cast<const Conv2d*>(&layer)) {
    part = std::make_unique<Conv2d>(layer.name(), input.dim(1), rows, conv->window());
  } else {
    part = std::make_unique<Dense>(layer.name(), layer.patch_size(), rows);
  }
  Tensor& w = part->parameter("weight").value;
  Tensor& b = part->parameter("bias").value;
  for (int r = 0; r < rows; ++r) {
    std::copy_n(weight.data() + static_cast<std::size_t>(channels[r]) * k, k, w.data() + static_cast<std::size_t>(r) * k);
    b[static_cast<std::size_t>(r)] = bias[static_cast<std::size_t>(channels[r])];
  }
  if (const auto& integer = layer.integer_weights()) {
    IntegerWeights q{std::vector<std::int8_t>(static_cast<std::size_t>(rows) * k), {}, {}, integer->input_scale};
    for (int r = 0; r < rows; ++r) {
      std::copy_n(integer->weights.data() + static_cast<std::size_t>(channels[r]) * k, k,
                  q.weights.data() + static_cast<std::size_t>(r) * k);
      q.weight_scales.push_back(integer->weight_scales[channels[r]]);
      q.bias.push_back(integer->bias[channels[r]]);
    }
    part->set_integer_weights(std::move(q));
  }
  Tensor partial;
  part->forward({&input}, partial, options);
  const int batch = output.dim(0);
  const std::size_t per_channel = per_sample(output) / static_cast<std::size_t>(layer.out_channels());
  for (int s = 0; s < batch; ++s) {
    for (int r = 0; r < rows; ++r) {
      std::copy_n(partial.data() + (static_cast<std::size_t>(s) * rows + r) * per_channel, per_channel,
                  output.data() + (static_cast<std::size_t>(s) * layer.out_channels() + channels[r]) * per_channel);
    }
  }
}

}  // namespace

IncrementalForward::IncrementalForward(Network& network, const Tensor& images, AccumulationOrder order,
                                       std::size_t chunk_images, std::size_t cache_bytes)
    : network_(network), images_(images), chunk_images_(std::max<std::size_t>(chunk_images, 1)) {
  if (images.rank() != 4) throw std::invalid_argument("images must be (N, C, H, W), got " + shape_string(images.shape()));
  options_.order = order;
  options_.keep_activations = false;  // inference: no argmax or other state for a backward pass
  const auto count = static_cast<std::size_t>(images.dim(0));
  chunks_ = (count + chunk_images_ - 1) / chunk_images_;
  // Kept: outputs a dirty node may read while they are clean (read by a conv/dense or activation
  // node, which a map can change, or by a node with several inputs), the outputs of conv/dense
  // nodes (the base of a sparse update) and the logits; over the budget, the earliest go first.
  const std::size_t nodes = network.size();
  clean_ = std::make_shared<CleanRun>();
  std::vector<bool>& kept = clean_->kept;
  std::size_t& kept_bytes = clean_->kept_bytes;
  kept.assign(nodes, false);
  kept[nodes - 1] = true;
  for (std::size_t i = 0; i < nodes; ++i) {
    const Layer& layer = network.layer(i);
    const bool changeable = dynamic_cast<const GemmLayer*>(&layer) || dynamic_cast<const Activation*>(&layer);
    if (dynamic_cast<const GemmLayer*>(&layer)) kept[i] = true;
    for (int j : network.node(i).inputs)
      if (j != Network::kInput && (changeable || network.node(i).inputs.size() > 1)) kept[static_cast<std::size_t>(j)] = true;
  }
  const auto bytes_of = [&](std::size_t i) { return shape_numel(network.node(i).output_shape) * count * sizeof(float); };
  for (std::size_t i = 0; i < nodes; ++i)
    if (kept[i]) kept_bytes += bytes_of(i);
  for (std::size_t i = 0; i + 1 < nodes && kept_bytes > cache_bytes; ++i) {
    if (!kept[i]) continue;
    kept[i] = false;
    kept_bytes -= bytes_of(i);
  }
  clean_->outputs.resize(chunks_);
  ExecutionOptions keep = options_;  // every node's output stays readable for the clean outputs
  keep.keep_activations = true;
  for (std::size_t c = 0; c < chunks_; ++c) {
    network_.forward(chunk(c), keep);
    for (std::size_t i = 0; i < nodes; ++i) clean_->outputs[c].push_back(kept[i] ? network_.activation(i) : Tensor());
  }
  clean_->logits = logits({});
}

IncrementalForward::IncrementalForward(Network& network, const IncrementalForward& shared)
    : network_(network),
      images_(shared.images_),
      options_(shared.options_),
      chunk_images_(shared.chunk_images_),
      chunks_(shared.chunks_),
      clean_(shared.clean_) {}

std::size_t IncrementalForward::kept_nodes() const {
  return static_cast<std::size_t>(std::count(clean_->kept.begin(), clean_->kept.end(), true));
}

Tensor IncrementalForward::chunk(std::size_t c) const {
  Shape shape = images_.shape();
  const std::size_t per_image = images_.size() / static_cast<std::size_t>(shape[0]);
  const std::size_t begin = c * chunk_images_;
  const std::size_t count = std::min(chunk_images_, static_cast<std::size_t>(shape[0]) - begin);
  shape[0] = static_cast<int>(count);
  Tensor out(shape);
  std::copy_n(images_.data() + begin * per_image, count * per_image, out.data());
  return out;
}

Tensor IncrementalForward::naive_logits() {
  const Shape& classes = network_.output_shape();
  Tensor logits(batched(images_.dim(0), classes));
  const std::size_t per_image = shape_numel(classes);
  for (std::size_t c = 0; c < chunks_; ++c) {
    const Tensor& out = network_.forward(chunk(c), options_);
    std::copy_n(out.data(), out.size(), logits.data() + c * chunk_images_ * per_image);
  }
  return logits;
}

Tensor IncrementalForward::logits(const std::vector<NodeChange>& changes) {
  const std::size_t nodes = network_.size();
  // A node is dirty when it changed or reads a dirty node; `sparse` holds the changed channels of
  // a changed conv/dense node with clean inputs, worth recomputing alone (at most half of them).
  std::vector<bool> dirty(nodes, false);
  std::vector<const std::vector<int>*> sparse(nodes, nullptr);
  for (const NodeChange& change : changes) {
    if (change.node >= nodes) throw std::out_of_range("node " + std::to_string(change.node) + " is not in the network");
    dirty[change.node] = true;
    const auto* gemm = dynamic_cast<const GemmLayer*>(&network_.layer(change.node));
    const auto* conv = dynamic_cast<const Conv2d*>(gemm);
    const bool one_group = !conv || conv->window().groups == 1;
    if (gemm && one_group && !change.channels.empty() &&
        change.channels.size() * 2 <= static_cast<std::size_t>(gemm->out_channels()))
      sparse[change.node] = &change.channels;
  }
  for (std::size_t i = 0; i < nodes; ++i) {
    for (int j : network_.node(i).inputs) {
      if (j != Network::kInput && dirty[j]) {
        dirty[i] = true;
        sparse[i] = nullptr;
      }
    }
  }
  // A dirty node that reads a clean output that was not kept: recompute everything.
  for (std::size_t i = 0; i < nodes; ++i) {
    if (!dirty[i]) continue;
    if (!clean_->kept[i]) sparse[i] = nullptr;
    for (int j : network_.node(i).inputs)
      if (j != Network::kInput && !dirty[j] && !clean_->kept[j]) return naive_logits();
  }
  const Shape& classes = network_.output_shape();
  Tensor logits(batched(images_.dim(0), classes));
  const std::size_t per_image = shape_numel(classes);
  std::vector<Tensor>& fresh = fresh_;
  fresh.resize(nodes);
  std::vector<const Tensor*> inputs;
  for (std::size_t c = 0; c < chunks_; ++c) {
    Tensor images;
    const auto output_of = [&](int j) -> const Tensor* {
      if (j != Network::kInput) return dirty[j] ? &fresh[j] : &clean_->outputs[c][j];
      if (images.empty()) images = chunk(c);
      return &images;
    };
    for (std::size_t i = 0; i < nodes; ++i) {
      if (!dirty[i]) continue;
      inputs.clear();
      for (int j : network_.node(i).inputs) inputs.push_back(output_of(j));
      if (sparse[i]) {
        fresh[i] = clean_->outputs[c][i];
        forward_channels(dynamic_cast<const GemmLayer&>(network_.layer(i)), *inputs[0], *sparse[i], options_, fresh[i]);
      } else {
        network_.layer(i).forward(inputs, fresh[i], options_);
      }
    }
    const Tensor& out = *output_of(static_cast<int>(nodes - 1));
    std::copy_n(out.data(), out.size(), logits.data() + c * chunk_images_ * per_image);
  }
  return logits;
}

}  // namespace proact
