#include "sw/campaign/map_runner.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "hw/accelerator.hpp"
#include "models/net/activation_layer.hpp"
#include "hw/faults/transient_hook.hpp"

namespace proact {

namespace {

// What a CSR threshold word with these cell faults delivers (store, then read, as the hardware does).
std::uint32_t through(FaultMap map, std::uint64_t address, std::uint32_t word) {
  return map.on_read(address, map.on_store(address, word));
}

Tensor& thresholds_of(Network& network, std::size_t node) {
  return dynamic_cast<Activation&>(network.layer(node)).parameter("thresholds").value;
}

// The XOR mask of every (neuron-wise layer, element) that proact-paper flips.
std::map<std::pair<std::size_t, std::size_t>, std::uint32_t> threshold_masks(const std::vector<StoredFlip>& flips) {
  std::map<std::pair<std::size_t, std::size_t>, std::uint32_t> masks;
  for (const StoredFlip& f : flips) masks[{f.tensor, f.element}] ^= 1u << f.bit;
  return masks;
}

std::size_t accelerator_runs(const Tensor& images, int batch) {
  return (static_cast<std::size_t>(images.dim(0)) + static_cast<std::size_t>(batch) - 1) / static_cast<std::size_t>(batch);
}

}  // namespace

FunctionalRunner::FunctionalRunner(ProtectedNetwork& network, const AcceleratorConfig& config, const Program* program,
                                   const Tensor& images, bool incremental, std::size_t cache_bytes)
    : network_(network),
      incremental_(incremental),
      forward_(network.deployment().network(), images, accumulation_order(config.dataflow, config.array_rows), 256,
               incremental ? cache_bytes : 0) {
  if (program) placement_.emplace(*program, network.deployment(), config);
}

FunctionalRunner::FunctionalRunner(ProtectedNetwork& network, const FunctionalRunner& shared)
    : network_(network),
      placement_(shared.placement_),
      incremental_(shared.incremental_),
      forward_(network.deployment().network(), shared.forward_) {}

void FunctionalRunner::set_word(std::size_t parameter, std::size_t element, std::uint32_t word) {
  std::uint32_t& stored = network_.deployment().parameters()[parameter].stored.words[element];
  saved_words_.push_back({parameter, element, stored});
  stored = word;
}

void FunctionalRunner::set_threshold(std::size_t node, std::size_t element, float value) {
  float& t = thresholds_of(network_.deployment().network(), node)[element];
  saved_thresholds_.push_back({node, element, t});
  t = value;
}

std::vector<NodeChange> FunctionalRunner::apply(const MapFaults& faults, EccCounts& ecc) {
  Deployment& deployment = network_.deployment();
  if (faults.transient_rate > 0.0)
    throw std::invalid_argument("transient read-path flips happen per read of the weight SRAM: run them with --engine systemc");
  for (const StoredFlip& f : faults.parameter_flips) {
    const std::uint32_t word = deployment.parameters()[f.tensor].stored.words[f.element];
    set_word(f.tensor, f.element, word ^ (1u << f.bit));
  }
  if (faults.weight_sram) {
    if (!placement_) throw std::logic_error("weight-SRAM faults need the compiled program's fold mapping");
    for (const WordEdit& e : placement_->edits(*faults.weight_sram, deployment, ecc)) set_word(e.parameter, e.element, e.word);
  }
  // Output channels of each conv/dense node whose stored words changed.
  std::map<std::size_t, std::set<int>> channels;
  std::set<std::size_t> parameters;
  for (const SavedWord& s : saved_words_) {
    const StoredParameter& p = deployment.parameters()[s.parameter];
    const std::size_t per_channel = p.stored.words.size() / static_cast<std::size_t>(p.stored.shape.at(0));
    channels[p.node].insert(static_cast<int>(s.element / per_channel));
    parameters.insert(s.parameter);
  }
  for (std::size_t p : parameters) deployment.apply(p);

  Network& net = deployment.network();
  std::set<std::size_t> threshold_nodes;
  for (const auto& [at, mask] : threshold_masks(faults.threshold_flips)) {
    for (const ClippedLayer& c : network_.clipped()) {
      if (!c.neuron_wise || c.slot != at.first) continue;
      set_threshold(c.node, at.second, decode_word(Format::q15_16, network_.threshold_words(c.slot)[at.second] ^ mask));
      threshold_nodes.insert(c.node);
    }
  }
  for (const ClippedLayer& c : network_.clipped()) {
    const std::optional<FaultMap>& map = c.neuron_wise ? faults.threshold_table : faults.clip_thresholds;
    if (!map || map->empty()) continue;
    Tensor& t = thresholds_of(net, c.node);
    for (std::size_t j = 0; j < t.size(); ++j) {
      const std::uint64_t address = c.neuron_wise ? j : c.slot;
      const std::uint32_t word = encode_word(kActivationFormat, t[j]);
      const std::uint32_t delivered = through(*map, address, word);
      if (delivered == word) continue;
      set_threshold(c.node, j, decode_word(kActivationFormat, delivered));
      threshold_nodes.insert(c.node);
    }
  }
  std::vector<NodeChange> changes;
  for (const auto& [node, set] : channels) changes.push_back({node, std::vector<int>(set.begin(), set.end())});
  for (std::size_t node : threshold_nodes) changes.push_back({node, {}});
  return changes;
}

void FunctionalRunner::restore() {
  Deployment& deployment = network_.deployment();
  std::set<std::size_t> parameters;
  for (auto it = saved_words_.rbegin(); it != saved_words_.rend(); ++it) {
    deployment.parameters()[it->parameter].stored.words[it->element] = it->word;
    parameters.insert(it->parameter);
  }
  for (std::size_t p : parameters) deployment.apply(p);
  for (auto it = saved_thresholds_.rbegin(); it != saved_thresholds_.rend(); ++it)
    thresholds_of(deployment.network(), it->node)[it->element] = it->value;
  saved_words_.clear();
  saved_thresholds_.clear();
}

MapOutcome FunctionalRunner::run(const MapFaults& faults) {
  MapOutcome outcome;
  try {
    const std::vector<NodeChange> changes = apply(faults, outcome.ecc);
    outcome.logits = !incremental_ ? forward_.naive_logits() : changes.empty() ? forward_.clean_logits() : forward_.logits(changes);
  } catch (...) {
    restore();
    throw;
  }
  restore();
  return outcome;
}

SystemcRunner::SystemcRunner(SystemcEngine& engine, ProtectedNetwork& network, const AcceleratorConfig& config,
                             int batch, const Tensor& images)
    : engine_(engine),
      network_(network),
      program_(compile_program(network.deployment(), config, batch)),
      images_(images) {
  clean_ = engine_.run(program_, images_).logits;
}

MapOutcome SystemcRunner::run(const MapFaults& faults) {
  Accelerator& accelerator = engine_.accelerator();
  Program program = program_;
  for (const StoredFlip& f : faults.parameter_flips) {
    const DramSegment& segment = parameter_segment(program_, network_.deployment(), f.tensor);
    const auto index = static_cast<std::size_t>(&segment - program_.segments.data());
    program.segments[index].words[f.element] ^= 1u << f.bit;
  }
  for (const auto& [at, mask] : threshold_masks(faults.threshold_flips)) {
    if (at.first != 0) throw std::logic_error("the accelerator holds one neuron-wise threshold layer");
    program.threshold_table.at(at.second) = decode_word(Format::q15_16, network_.threshold_words(0)[at.second] ^ mask);
  }
  std::shared_ptr<ProtectedMemoryHook> ecc_hook;
  std::shared_ptr<TransientReadHook> transient_hook;
  std::shared_ptr<FaultHook> weight_hook;
  if (faults.weight_sram) weight_hook = ecc_hook = std::make_shared<ProtectedMemoryHook>(*faults.weight_sram);
  if (faults.transient_rate > 0.0) {
    weight_hook = transient_hook = std::make_shared<TransientReadHook>(
        weight_hook, accelerator.config().sram_word_bits, faults.transient_rate, faults.transient_seed);
  }
  accelerator.weight_sram().set_fault_hook(weight_hook);
  if (faults.clip_thresholds) accelerator.csr().clip_thresholds().set_fault_map(std::make_shared<FaultMap>(*faults.clip_thresholds));
  if (faults.threshold_table) accelerator.csr().threshold_table().set_fault_map(std::make_shared<FaultMap>(*faults.threshold_table));
  MapOutcome outcome;
  try {
    outcome.logits = engine_.run(program, images_).logits;
  } catch (...) {
    accelerator.weight_sram().set_fault_hook(nullptr);
    accelerator.csr().clip_thresholds().set_fault_hook(nullptr);
    accelerator.csr().threshold_table().set_fault_hook(nullptr);
    throw;
  }
  accelerator.weight_sram().set_fault_hook(nullptr);
  accelerator.csr().clip_thresholds().set_fault_hook(nullptr);
  accelerator.csr().threshold_table().set_fault_hook(nullptr);
  if (transient_hook) outcome.read_flips = transient_hook->flipped_bits();
  if (ecc_hook) {
    const std::size_t runs = accelerator_runs(images_, program.batch);
    const EccCounts& total = ecc_hook->counts();
    outcome.ecc = {total.corrected / runs, total.detected / runs, total.silent / runs};
  }
  return outcome;
}

}  // namespace proact
