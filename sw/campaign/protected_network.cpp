#include "sw/campaign/protected_network.hpp"

#include <stdexcept>

#include "hw/interface/register_map.hpp"
#include "models/net/activation_layer.hpp"
#include "models/random.hpp"

namespace proact {

namespace {

// Independent streams of one map's seed.
enum Stream : std::uint64_t { weights = 1, thresholds = 2, clip_registers = 3, table = 4, transient = 5 };

Network protected_copy(const Checkpoint& checkpoint, const Protection& protection) {
  Network network = checkpoint.network;
  protection.apply(network);
  return network;
}

}  // namespace

std::size_t MapFaults::count() const {
  std::size_t n = parameter_flips.size() + threshold_flips.size();
  if (weight_sram) n += weight_sram->size();
  if (clip_thresholds) n += clip_thresholds->faults().size();
  if (threshold_table) n += threshold_table->faults().size();
  return n;
}

ProtectedNetwork::ProtectedNetwork(const Checkpoint& checkpoint, Protection protection, const AcceleratorConfig& config,
                                   bool q15_16_thresholds)
    : protection_(std::move(protection)),
      deployment_(protected_copy(checkpoint, protection_), config.weight_format,
                  checkpoint.metadata.value("activation_ranges", nlohmann::json::object())) {
  Network& network = deployment_.network();
  std::size_t layer_wise = 0, neuron_wise = 0;
  for (std::size_t i = 0; i < network.size(); ++i) {
    auto* activation = dynamic_cast<Activation*>(&network.layer(i));
    if (!activation || activation->form() == ClipForm::relu) continue;
    Tensor& t = activation->parameter("thresholds").value;
    const bool neuron = t.size() > 1;
    clipped_.push_back({i, neuron, neuron ? neuron_wise++ : layer_wise++});
    if (!neuron) continue;
    std::vector<std::uint32_t> words;
    if (q15_16_thresholds) {
      for (float& v : t.values()) {
        words.push_back(encode_word(Format::q15_16, v));
        v = decode_word(Format::q15_16, words.back());
      }
    }
    threshold_words_.push_back(std::move(words));
  }
}

MapFaults ProtectedNetwork::draw(const FaultModel& model, double rate, std::uint64_t seed,
                                 const AcceleratorConfig& config) const {
  MapFaults faults;
  if (model.stored_words()) {
    const double ber = model.ber(rate);
    std::vector<std::size_t> numels;
    for (const StoredParameter& p : deployment_.parameters()) numels.push_back(p.stored.words.size());
    faults.parameter_flips = paper_flips(numels, ber, Rng::derive(seed, Stream::weights));
    std::vector<std::size_t> tables;
    for (const std::vector<std::uint32_t>& words : threshold_words_) tables.push_back(words.size());
    faults.threshold_flips = paper_flips(tables, ber, Rng::derive(seed, Stream::thresholds));
    return faults;
  }
  if (model.transient()) {
    model.ber(rate);  // validates the rate
    faults.transient_rate = rate;
    faults.transient_seed = Rng::derive(seed, Stream::transient);
    return faults;
  }
  faults.weight_sram = cell_faults(model, rate, {config.weight_sram_words(), config.sram_word_bits, config.weight_sram_ecc},
                                   Rng::derive(seed, Stream::weights));
  if (model.threshold_faults) {
    faults.clip_thresholds =
        cell_faults(model, rate, {kMaxClipLayers, 32, EccScheme::none}, Rng::derive(seed, Stream::clip_registers)).data;
    faults.threshold_table =
        cell_faults(model, rate, {kThresholdTableWords, 32, EccScheme::none}, Rng::derive(seed, Stream::table)).data;
  }
  return faults;
}

}  // namespace proact
