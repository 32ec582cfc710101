#pragma once
// A trained network as the accelerator holds it: batch norm folded into the preceding conv/dense
// layers, and every conv/dense weight and bias stored in one number format. Inference decodes
// the stored words, so a bit flipped in them is seen exactly as the hardware would see it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/net/network.hpp"
#include "models/numeric/format.hpp"

namespace proact {

// Folds every batch norm that directly follows a conv/dense layer (and is that layer's only
// reader) into its weights and bias: w' = w * s, b' = (b - mean) * s + beta, s = gamma/sqrt(var+eps).
// The layers are moved, not copied: pass a copy (or std::move the network) as the caller needs.
Network fold_batch_norm(Network network);

// Per conv/dense layer, the largest |input| seen over `images` (eval mode): the ranges from
// which int8 deployments derive their activation scales. {"layer name": max, ...}
nlohmann::json calibrate_input_ranges(Network& network, const Tensor& images);

struct StoredParameter {
  std::size_t node;       // index in Deployment::network()
  std::string parameter;  // "weight" or "bias"
  StoredTensor stored;
};

class Deployment {
 public:
  // int8 needs `input_ranges` for every conv/dense layer (a checkpoint's "activation_ranges");
  // other formats ignore it. Throws std::invalid_argument naming a missing layer. `trained` is
  // taken over (std::move a network you no longer need; a copy is made otherwise).
  Deployment(Network trained, Format format, const nlohmann::json& input_ranges = {});

  Format format() const { return format_; }
  Network& network() { return network_; }
  const Network& network() const { return network_; }
  std::vector<StoredParameter>& parameters() { return parameters_; }
  const std::vector<StoredParameter>& parameters() const { return parameters_; }
  std::size_t stored_bits() const;  // total bits of all stored parameters

  // Decodes parameters()[i] (after its words changed) into the network; apply_all() for all.
  void apply(std::size_t i);
  void apply_all();

 private:
  Format format_;
  Network network_;
  std::vector<StoredParameter> parameters_;
};

}  // namespace proact
