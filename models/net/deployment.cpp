#include "models/net/deployment.hpp"

#include <cmath>
#include <stdexcept>

#include "models/net/batch_norm_layer.hpp"
#include "models/net/gemm_layers.hpp"

namespace proact {

namespace {

void fold_into(GemmLayer& gemm, const BatchNorm& bn) {
  Tensor& w = gemm.parameter("weight").value;
  Tensor& b = gemm.parameter("bias").value;
  const int channels = gemm.out_channels();
  const std::size_t per_channel = w.size() / channels;
  for (int c = 0; c < channels; ++c) {
    const float scale = bn.parameter("gamma").value[c] / std::sqrt(bn.parameter("running_var").value[c] + bn.epsilon());
    for (std::size_t i = 0; i < per_channel; ++i) w[c * per_channel + i] *= scale;
    b[c] = (b[c] - bn.parameter("running_mean").value[c]) * scale + bn.parameter("beta").value[c];
  }
}

}  // namespace

Network fold_batch_norm(Network network) {
  const std::vector<int> readers = network.reader_counts();
  Network folded(network.architecture(), network.input_shape());
  std::vector<Node> nodes = network.take_nodes();
  std::vector<int> new_index(nodes.size(), Network::kInput);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    Node& node = nodes[i];
    std::vector<int> inputs;
    for (int j : node.inputs) inputs.push_back(j == Network::kInput ? Network::kInput : new_index[j]);
    const auto* bn = dynamic_cast<const BatchNorm*>(node.layer.get());
    const int source = node.inputs.front();
    if (bn && source != Network::kInput && readers[source] == 1) {
      if (auto* gemm = dynamic_cast<GemmLayer*>(&folded.layer(inputs.front()))) {
        fold_into(*gemm, *bn);
        new_index[i] = inputs.front();
        continue;
      }
    }
    new_index[i] = folded.add(std::move(node.layer), inputs);
  }
  return folded;
}

nlohmann::json calibrate_input_ranges(Network& network, const Tensor& images) {
  network.forward(images, ExecutionOptions{});
  nlohmann::json ranges = nlohmann::json::object();
  for (std::size_t i = 0; i < network.size(); ++i) {
    if (!dynamic_cast<const GemmLayer*>(&network.layer(i))) continue;
    const int source = network.node(i).inputs.front();
    const Tensor& x = source == Network::kInput ? images : network.activation(source);
    float range = 0.0f;
    for (float v : x.values())
      if (std::isfinite(v)) range = std::max(range, std::abs(v));
    ranges[network.layer(i).name()] = range;
  }
  return ranges;
}

Deployment::Deployment(Network trained, Format format, const nlohmann::json& input_ranges)
    : format_(format), network_(fold_batch_norm(std::move(trained))) {
  if (format == Format::int32) throw std::invalid_argument("int32 is a bias format, not a deployment format");
  for (std::size_t i = 0; i < network_.size(); ++i) {
    auto* gemm = dynamic_cast<GemmLayer*>(&network_.layer(i));
    if (!gemm) continue;
    const Tensor& weight = gemm->parameter("weight").value;
    const Tensor& bias = gemm->parameter("bias").value;
    if (format != Format::int8) {
      parameters_.push_back({i, "weight", encode_tensor(weight, format)});
      parameters_.push_back({i, "bias", encode_tensor(bias, format)});
      continue;
    }
    if (!input_ranges.contains(gemm->name())) {
      throw std::invalid_argument("int8 deployment needs the activation range of layer '" + gemm->name() +
                                  "' (checkpoint metadata 'activation_ranges')");
    }
    const float range = input_ranges.at(gemm->name()).get<float>();
    const float input_scale = range > 0.0f ? range / 127.0f : 1.0f;
    StoredTensor stored_weight = encode_tensor(weight, Format::int8);
    std::vector<float> bias_scales;
    for (float s : stored_weight.scales) bias_scales.push_back(s * input_scale);
    gemm->set_integer_weights(IntegerWeights{std::vector<std::int8_t>(weight.size()), stored_weight.scales,
                                             std::vector<std::int32_t>(bias.size()), input_scale});
    parameters_.push_back({i, "weight", std::move(stored_weight)});
    parameters_.push_back({i, "bias", encode_tensor(bias, Format::int32, bias_scales)});
  }
  apply_all();
}

std::size_t Deployment::stored_bits() const {
  std::size_t bits = 0;
  for (const StoredParameter& p : parameters_) bits += p.stored.words.size() * format_bits(p.stored.format);
  return bits;
}

void Deployment::apply(std::size_t i) {
  const StoredParameter& p = parameters_.at(i);
  auto& gemm = dynamic_cast<GemmLayer&>(network_.layer(p.node));
  decode_into(p.stored, gemm.parameter(p.parameter).value.data());
  if (format_ != Format::int8) return;
  // The integer datapath reads the stored words themselves: int8 weights, int32 bias.
  IntegerWeights integer = *gemm.integer_weights();
  for (const StoredParameter& q : parameters_) {
    if (q.node != p.node) continue;
    if (q.parameter == "weight") {
      integer.weights.resize(q.stored.words.size());
      for (std::size_t e = 0; e < q.stored.words.size(); ++e)
        integer.weights[e] = static_cast<std::int8_t>(static_cast<std::uint8_t>(q.stored.words[e] & 0xffu));
      integer.weight_scales = q.stored.scales;
    } else {
      integer.bias.resize(q.stored.words.size());
      for (std::size_t e = 0; e < q.stored.words.size(); ++e) integer.bias[e] = static_cast<std::int32_t>(q.stored.words[e]);
    }
  }
  gemm.set_integer_weights(std::move(integer));
}

void Deployment::apply_all() {
  for (std::size_t i = 0; i < parameters_.size(); ++i) apply(i);
}

}  // namespace proact
