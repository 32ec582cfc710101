#include "sw/faults/weight_placement.hpp"

#include <algorithm>
#include <stdexcept>

#include "hw/array/weight_tiling.hpp"

namespace proact {

WeightPlacement::WeightPlacement(const Program& program, const Deployment& deployment, const AcceleratorConfig& config)
    : sram_words_(config.weight_sram_words()), word_bits_(config.sram_word_bits) {
  const std::uint64_t half = sram_words_ / 2;
  for (std::size_t i = 0; i < program.layers.size(); ++i) {
    const LayerDescriptor& d = program.layers[i];
    if (!is_gemm(d.op)) continue;
    Layer layer{deployment.parameters().size(), d.gemm_k(), {}};
    for (std::size_t p = 0; p < deployment.parameters().size(); ++p) {
      const StoredParameter& s = deployment.parameters()[p];
      if (s.node == d.node && s.parameter == "weight") layer.parameter = p;
    }
    if (layer.parameter == deployment.parameters().size())
      throw std::logic_error("layer '" + program.layer_names[i] + "' has no stored weight in the deployment");
    const std::vector<LayerFold> folds = layer_folds(d, config);
    long loaded = 0;
    for (std::size_t f = 0; f < folds.size(); ++f) {
      const FoldBlock& b = folds[f].block;
      const long row = folds[f].group * d.gemm_n();  // the group's first row of W (out_channels, K)
      layer.blocks.push_back({weight_sram_address(b, f, half, b.n0, b.k0), row + b.n0, row + b.n1, b.k0, b.k1});
      loaded += b.weight_words();
    }
    const long weights = static_cast<long>(d.out_channels) * d.gemm_k();
    if (loaded != weights) {
      throw std::invalid_argument(
          "layer '" + program.layer_names[i] + "': the " + dataflow_name(config.dataflow) + " dataflow loads its " +
          std::to_string(weights) + " weights " + std::to_string(loaded) +
          " times in all (once per fold over M), so a faulty weight-SRAM cell hits different weights at different "
          "times and the functional engine cannot apply it as changed stored weights; run this fault model with "
          "--engine systemc (or a weight-stationary config)");
    }
    layers_.push_back(std::move(layer));
  }
}

std::vector<WordEdit> WeightPlacement::edits(const SramFaults& faults, const Deployment& deployment,
                                             EccCounts& counts) const {
  if (faults.words != sram_words_ || faults.code.word_bits() != word_bits_) {
    throw std::invalid_argument("the fault map is for a memory of " + std::to_string(faults.words) + " words of " +
                                std::to_string(faults.code.word_bits()) + " bits, the weight SRAM has " +
                                std::to_string(sram_words_) + " words of " + std::to_string(word_bits_));
  }
  const EccCode& code = faults.code;
  const auto per = static_cast<std::uint64_t>(code.words_per_codeword());
  const std::uint32_t mask = word_bits_ == 32 ? 0xFFFFFFFFu : (1u << word_bits_) - 1u;
  const std::vector<CodewordFaults> faulty = faulty_codewords(faults);
  std::vector<WordEdit> edits;
  for (const Layer& layer : layers_) {
    const std::vector<std::uint32_t>& words = deployment.parameters()[layer.parameter].stored.words;
    for (const Block& b : layer.blocks) {
      const long width = b.n1 - b.n0;
      const std::uint64_t end = b.base + static_cast<std::uint64_t>(width * (b.k1 - b.k0));
      // The element of W held in SRAM word `address` of this block.
      const auto element = [&](std::uint64_t address) {
        const auto offset = static_cast<long>(address - b.base);
        return static_cast<std::size_t>((b.n0 + offset % width) * layer.k + b.k0 + offset / width);
      };
      auto it = std::lower_bound(faulty.begin(), faulty.end(), b.base / per,
                                 [](const CodewordFaults& f, std::uint64_t c) { return f.codeword < c; });
      for (; it != faulty.end() && it->codeword * per < end; ++it) {
        // The codeword as the DMA wrote it: this block's words, 0 past the block's end.
        std::uint64_t data = 0;
        for (std::uint64_t s = 0; s < per; ++s) {
          const std::uint64_t address = it->codeword * per + s;
          if (address < end) data |= static_cast<std::uint64_t>(words[element(address)] & mask) << (s * word_bits_);
        }
        const EccDecode decoded = read_codeword(code, *it, data);
        for (std::uint64_t s = 0; s < per; ++s) {
          const std::uint64_t address = it->codeword * per + s;
          if (address >= end) break;
          const auto stored = static_cast<std::uint32_t>((data >> (s * word_bits_)) & mask);
          const auto delivered = static_cast<std::uint32_t>((decoded.data >> (s * word_bits_)) & mask);
          counts.count(decoded.outcome, stored, delivered);
          if (delivered != stored) edits.push_back({layer.parameter, element(address), delivered});
        }
      }
    }
  }
  return edits;
}

}  // namespace proact
