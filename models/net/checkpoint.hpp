#pragma once
// Checkpoints: a network's architecture name, its layer list, every parameter and buffer, and
// free-form metadata (dataset, epochs, seed, accuracies, ...), in the checksummed archive format
// of models/io/archive.hpp. Loading rebuilds the architecture from its definition and checks
// that every layer and tensor matches, so a stale or foreign file is refused, not misread.
#include <nlohmann/json.hpp>
#include <string>

#include "models/net/network.hpp"

namespace proact {

struct Checkpoint {
  Network network;
  nlohmann::json metadata;
};

void save_checkpoint(const std::string& path, const Network& network, const nlohmann::json& metadata);
Checkpoint load_checkpoint(const std::string& path);

// A zoo name ("lenet5") or a checkpoint path -> the file to load. Zoo files are looked up in
// $PROACT_ZOO_DIR, then share/proact/zoo of an installed executable's prefix, then models/zoo of
// the source tree a build/sw/proact sits in, then ./models/zoo.
// Throws std::runtime_error listing the places searched.
std::string resolve_model_path(const std::string& name_or_path);

}  // namespace proact
