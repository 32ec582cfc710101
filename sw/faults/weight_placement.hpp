#pragma once
// Physical weight-SRAM faults for the functional engine: which stored weight sits in which
// weight-SRAM word while each conv/dense layer runs (the fold mapping, hw/array/weight_tiling.hpp), so
// a map of faulty cells becomes changes to exactly the stored weight words the SystemC model
// would read back wrong. Exact when every weight is loaded into the SRAM once per run
// (weight-stationary: the folds partition the weights); other dataflows reload weights per fold
// over M, a cell then hits different weights at different times, and the constructor refuses.
#include <cstdint>
#include <vector>

#include "hw/config.hpp"
#include "models/net/deployment.hpp"
#include "hw/faults/protected_sram.hpp"
#include "sw/compiler/program.hpp"

namespace proact {

// The new value of one stored word of a deployment parameter.
struct WordEdit {
  std::size_t parameter = 0;  // index in Deployment::parameters()
  std::size_t element = 0;
  std::uint32_t word = 0;
};

class WeightPlacement {
 public:
  // Throws std::invalid_argument naming the layer when a weight is loaded more than once per run
  // (pointing to --engine systemc). A valid config's ECC codewords tile the SRAM halves.
  WeightPlacement(const Program& program, const Deployment& deployment, const AcceleratorConfig& config);

  // The stored-word changes that `faults` (cells of this config's weight SRAM under its ECC)
  // cause in `deployment`, in the order the array reads them, and the ECC counts of one run (each
  // weight read once). Words that come back unchanged are not listed.
  std::vector<WordEdit> edits(const SramFaults& faults, const Deployment& deployment, EccCounts& counts) const;

  std::uint64_t sram_words() const { return sram_words_; }

 private:
  struct Block {                // one fold's weights: W[n][k] for n in [n0, n1), k in [k0, k1)
    std::uint64_t base;         // SRAM word of W[n0][k0]; the block is k-major, (k1 - k0) * (n1 - n0) words
    long n0, n1, k0, k1;
  };
  struct Layer {
    std::size_t parameter;      // the weight's index in Deployment::parameters()
    long k;                     // K: row length of W (out_channels, K), per channel group
    std::vector<Block> blocks;  // in fold order
  };

  std::uint64_t sram_words_;
  int word_bits_;
  std::vector<Layer> layers_;
};

}  // namespace proact
