#pragma once
// Running one protected network under one fault map, on either engine (docs/design.md 2.9: "two
// engines, one answer"). Both apply the same MapFaults, family by family, and give bit-identical
// logits:
//   functional  each family changes the deployment's stored words and the clipped layers'
//               thresholds (NetworkEdits); the runner runs the incremental forward
//               (IncrementalForward) and puts everything back;
//   systemc     each family changes a copy of the program and installs its fault hooks
//               (AcceleratorFaults); the runner runs the accelerator, and the guard removes them.
// ECC counts are per accelerator run (one read of every weight).
#include <memory>
#include <optional>

#include "sw/campaign/incremental_forward.hpp"
#include "sw/engine/inference.hpp"
#include "sw/faults/fault_family.hpp"

namespace proact {

struct MapOutcome {
  Tensor logits;        // (images, classes)
  FaultCounts counts;
};

class MapRunner {
 public:
  virtual ~MapRunner() = default;
  virtual const Tensor& clean_logits() const = 0;
  virtual MapOutcome run(const MapFaults& faults) = 0;
};

class FunctionalRunner : public MapRunner {
 public:
  // `program`: the network compiled for `config`, for families that need the fold mapping
  // (FaultNeeds::fold_mapping), else nullptr. Throws std::invalid_argument when the fold mapping
  // cannot be applied (see WeightPlacement). `incremental` false: every run
  // recomputes all nodes (the naive path); `cache_bytes` bounds the kept clean activations.
  FunctionalRunner(ProtectedNetwork& network, const AcceleratorConfig& config, const Program* program,
                   const Tensor& images, bool incremental = true, std::size_t cache_bytes = std::size_t{2} << 30);

  // A runner over `network`, a copy of `shared`'s protected network, sharing its clean run: maps
  // run in parallel, one runner per thread.
  FunctionalRunner(ProtectedNetwork& network, const FunctionalRunner& shared);

  const Tensor& clean_logits() const override { return forward_.clean_logits(); }
  // Throws std::invalid_argument for faults only the SystemC engine applies (FaultNeeds).
  MapOutcome run(const MapFaults& faults) override;
  const IncrementalForward& forward() const { return forward_; }

 private:
  ProtectedNetwork& network_;
  std::optional<WeightPlacement> placement_;
  bool incremental_;
  IncrementalForward forward_;
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
