#pragma once
// Running one protected network under one fault map, on either engine (docs/design.md 2.9: "two
// engines, one answer"). Both apply the same MapFaults and give bit-identical logits:
//   functional  changes the deployment's stored words (proact-paper flips; weight-SRAM cells
//               through the fold mapping, WeightPlacement) and the clipped layers' thresholds,
//               runs the incremental forward (IncrementalForward), and puts everything back;
//   systemc     flips the program's DRAM words and threshold values (proact-paper), or installs
//               the fault hooks on the weight SRAM (ECC decorator, transient read flips) and the
//               CSR threshold stores, runs the accelerator, and removes them.
// ECC counts are per accelerator run (one read of every weight).
#include <memory>

#include "sw/campaign/incremental_forward.hpp"
#include "sw/campaign/protected_network.hpp"
#include "sw/campaign/weight_placement.hpp"
#include "sw/engine/inference.hpp"

namespace proact {

struct MapOutcome {
  Tensor logits;   // (images, classes)
  EccCounts ecc;   // weight-SRAM word reads per accelerator run
  std::uint64_t read_flips = 0;  // transient: bits flipped on the read path over all runs
};

class MapRunner {
 public:
  virtual ~MapRunner() = default;
  virtual const Tensor& clean_logits() const = 0;
  virtual MapOutcome run(const MapFaults& faults) = 0;
};

class FunctionalRunner : public MapRunner {
 public:
  // `program`: the network compiled for `config`, needed for weight-SRAM and CSR faults (the fold
  // mapping and the register slots), nullptr for proact-paper. Throws std::invalid_argument when
  // the fold mapping cannot be applied (see WeightPlacement). `incremental` false: every run
  // recomputes all nodes (the naive path); `cache_bytes` bounds the kept clean activations.
  FunctionalRunner(ProtectedNetwork& network, const AcceleratorConfig& config, const Program* program,
                   const Tensor& images, bool incremental = true, std::size_t cache_bytes = std::size_t{2} << 30);

  // A runner over `network`, a copy of `shared`'s protected network, sharing its clean run: maps
  // run in parallel, one runner per thread.
  FunctionalRunner(ProtectedNetwork& network, const FunctionalRunner& shared);

  const Tensor& clean_logits() const override { return forward_.clean_logits(); }
  // Throws std::invalid_argument for transient faults (per-read upsets need --engine systemc).
  MapOutcome run(const MapFaults& faults) override;
  const IncrementalForward& forward() const { return forward_; }

 private:
  struct SavedWord { std::size_t parameter, element; std::uint32_t word; };
  struct SavedThreshold { std::size_t node, element; float value; };
  std::vector<NodeChange> apply(const MapFaults& faults, EccCounts& ecc);
  void set_word(std::size_t parameter, std::size_t element, std::uint32_t word);
  void set_threshold(std::size_t node, std::size_t element, float value);
  void restore();

  ProtectedNetwork& network_;
  std::optional<WeightPlacement> placement_;
  bool incremental_;
  IncrementalForward forward_;
  std::vector<SavedWord> saved_words_;
  std::vector<SavedThreshold> saved_thresholds_;
};

class SystemcRunner : public MapRunner {
 public:
  // `engine` is elaborated for `config`; the network is compiled with `batch` images per run.
  SystemcRunner(SystemcEngine& engine, ProtectedNetwork& network, const AcceleratorConfig& config, int batch,
                const Tensor& images);

  const Tensor& clean_logits() const override { return clean_; }
  MapOutcome run(const MapFaults& faults) override;
  const Program& program() const { return program_; }

 private:
  SystemcEngine& engine_;
  ProtectedNetwork& network_;
  Program program_;
  const Tensor& images_;
  Tensor clean_;
};

}  // namespace proact
