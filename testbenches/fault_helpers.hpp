#pragma once
// What the fault tests share: a small accelerator whose weight SRAM faults at modest rates land
// on used words, a seeded lenet5 with activation ranges, and ProAct-style hybrid hard clipping.
#include <cstdint>
#include <vector>

#include "hw/config.hpp"
#include "models/net/activation_layer.hpp"
#include "models/net/architectures.hpp"
#include "models/net/checkpoint.hpp"
#include "models/net/deployment.hpp"
#include "models/random.hpp"
#include "sw/protection/protection.hpp"

namespace proact::testing {

inline AcceleratorConfig campaign_config(Format format = Format::fp32) {
  AcceleratorConfig c = preset("default");
  c.weight_sram_bytes = 16 * 1024;  // 4096 words
  c.dram_bytes = 32ull << 20;
  c.weight_format = format;
  c.validate();
  return c;
}

// Hard clipping as ProAct deploys it: layer-wise thresholds, neuron-wise in the last clipped layer;
// with `all_neuron_wise`, as FitAct deploys it: neuron-wise in every clipped layer.
inline Protection hybrid_clipping(bool all_neuron_wise = false) {
  return {all_neuron_wise ? "neuron-test" : "hybrid-test", "test", "hard", 0, [all_neuron_wise](Network& network) {
            std::vector<std::size_t> sites;
            for (std::size_t i = 0; i < network.size(); ++i)
              if (dynamic_cast<Activation*>(&network.layer(i))) sites.push_back(i);
            Rng rng(7);
            for (std::size_t i : sites) {
              Tensor t(all_neuron_wise || i == sites.back() ? network.node(i).output_shape : Shape{1});
              for (float& v : t.values()) v = 0.5f + 2.0f * rng.uniform();
              dynamic_cast<Activation&>(network.layer(i)).set_clipping(ClipForm::hard, t);
            }
          }};
}

inline Checkpoint random_lenet(std::uint64_t seed, const Tensor& images) {
  Network network = build_network("lenet5", seed);
  nlohmann::json ranges = calibrate_input_ranges(network, images);
  return {std::move(network), {{"activation_ranges", ranges}}};
}

}  // namespace proact::testing
