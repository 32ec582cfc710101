#pragma once
// Profiling for threshold initialisation (docs/design.md 3.3): the per-element maximum of every
// clipped layer's output over a calibration subset of the training split, reduced to the
// granularity a method uses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/net/network.hpp"
#include "sw/data/dataset.hpp"

namespace proact {

// `count` samples of `train` drawn without replacement in an order shuffled by Rng(seed)
// (all of them, shuffled, when count >= train.size()); throws std::invalid_argument for count 0.
Dataset seeded_subset(const Dataset& train, std::size_t count, std::uint64_t seed, const std::string& name);

// Per clipped layer (execution order, see clip_sites), a tensor of its per-sample output shape
// holding the largest output value each element reached over `calibration`, run in eval mode
// with the network's current activations (plain ReLU for an unclipped model), `batch_size`
// images at a time.
std::vector<Tensor> profile_max_activations(Network& network, const Dataset& calibration, std::size_t batch_size = 250);

enum class Granularity {
  layer,        // one threshold per clipped layer
  neuron,       // one threshold per output element of every clipped layer
  hybrid,       // layer-wise, except neuron-wise for the last clipped layer in execution order
  hybrid_first  // layer-wise, except neuron-wise for the first clipped layer (an ablation of hybrid)
};
Granularity parse_granularity(const std::string& name);  // "layer", "neuron", "hybrid", "hybrid-first"
std::string granularity_name(Granularity granularity);

// Initial thresholds from profiled maxima: a neuron-wise layer keeps its per-element maxima
// (shape unchanged), a layer-wise one becomes the max over its elements, shape (1).
std::vector<Tensor> initial_thresholds(const std::vector<Tensor>& maxima, Granularity granularity);

}  // namespace proact
