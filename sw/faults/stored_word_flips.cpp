#include "sw/faults/stored_word_flips.hpp"

#include <map>
#include <stdexcept>

#include "models/random.hpp"

namespace proact {

namespace {

// The XOR mask of every (neuron-wise layer, element) that the flips change.
std::map<std::pair<std::size_t, std::size_t>, std::uint32_t> threshold_masks(const std::vector<StoredFlip>& flips) {
  std::map<std::pair<std::size_t, std::size_t>, std::uint32_t> masks;
  for (const StoredFlip& f : flips) masks[{f.tensor, f.element}] ^= 1u << f.bit;
  return masks;
}

}  // namespace

void StoredWordFlips::apply(NetworkEdits& edits, const WeightPlacement*, FaultCounts&) const {
  for (const StoredFlip& f : parameters) edits.set_word(f.tensor, f.element, edits.word(f.tensor, f.element) ^ (1u << f.bit));
  const ProtectedNetwork& network = edits.network();
  for (const auto& [at, mask] : threshold_masks(thresholds)) {
    edits.set_threshold(network.neuron_wise_layer(at.first).node, at.second,
                        decode_word(Format::q15_16, network.threshold_words(at.first)[at.second] ^ mask));
  }
}

void StoredWordFlips::install(AcceleratorFaults& target) const {
  Program& program = target.program();
  const Deployment& deployment = target.network().deployment();
  for (const StoredFlip& f : parameters) {
    const DramSegment& segment = parameter_segment(program, deployment, f.tensor);
    program.segments[static_cast<std::size_t>(&segment - program.segments.data())].words[f.element] ^= 1u << f.bit;
  }
  const ProtectedNetwork& network = target.network();
  for (const auto& [at, mask] : threshold_masks(thresholds)) {
    program.threshold_table.at(network.neuron_wise_layer(at.first).unit.table_base + at.second) =
        decode_word(Format::q15_16, network.threshold_words(at.first)[at.second] ^ mask);
  }
}

std::shared_ptr<const FamilyFaults> StoredWordFlipFamily::draw(const ProtectedNetwork& network, const AcceleratorConfig&,
                                                               double rate, std::uint64_t seed) const {
  const double ber = model().ber(rate);
  auto flips = std::make_shared<StoredWordFlips>();
  std::vector<std::size_t> numels;
  for (const StoredParameter& p : network.deployment().parameters()) numels.push_back(p.stored.words.size());
  flips->parameters = paper_flips(numels, ber, Rng::derive(seed, weight_stream));
  std::vector<std::size_t> tables;
  for (std::size_t i = 0; i < network.neuron_wise_layers(); ++i) tables.push_back(network.threshold_words(i).size());
  flips->thresholds = paper_flips(tables, ber, Rng::derive(seed, threshold_word_stream));
  return flips;
}

}  // namespace proact
