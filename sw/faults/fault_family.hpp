#pragma once
// Fault families: the pieces a fault model is made of, each one kind of fault on one kind of
// target (docs/faults.md). A family draws its part of a map from the map's seed; the part applies
// itself to the functional engine (changed stored words and thresholds) and installs itself on
// the SystemC model (a changed program, fault hooks), and both engines give bit-identical logits.
// The campaign loops over a model's families without knowing which they are; adding a family is
// its own file (and its test) plus its line in fault_families().
#include <cstdint>
#include <memory>
#include <vector>

#include "sw/faults/accelerator_faults.hpp"
#include "sw/faults/fault_models.hpp"
#include "sw/faults/network_edits.hpp"
#include "sw/faults/protected_network.hpp"
#include "sw/faults/weight_placement.hpp"

namespace proact {

// Independent streams of one map's seed, one per target, so a map's faults on one target are the
// same for every protection and whatever else the model faults.
enum MapStream : std::uint64_t {
  weight_stream = 1,            // stored weights and biases, or the weight SRAM's cells
  threshold_word_stream = 2,    // stored neuron-wise thresholds
  clip_register_stream = 3,     // CLIP_THRESHOLD register cells
  threshold_table_stream = 4,   // THRESHOLD_TABLE cells
  transient_stream = 5,         // read-path upsets
};

// One family's faults of one map.
class FamilyFaults {
 public:
  virtual ~FamilyFaults() = default;
  virtual std::size_t count() const = 0;  // flips or faulty cells (0 for per-read upsets)
  // Functional engine: changes the network's stored words and thresholds through `edits` and adds
  // what one accelerator run would count. `placement`: where weights sit in the weight SRAM
  // (nullptr unless the family needs_fold_mapping). Throws std::invalid_argument naming the
  // option when only the SystemC engine can apply these faults.
  virtual void apply(NetworkEdits& edits, const WeightPlacement* placement, FaultCounts& counts) const = 0;
  // SystemC engine: changes the run's program and installs hooks through `target`.
  virtual void install(AcceleratorFaults& target) const = 0;
};

// What a family needs from the campaign that runs it.
struct FaultNeeds {
  bool q15_16_storage = false;   // weights and neuron-wise thresholds stored as Q15.16 words
  bool fold_mapping = false;     // the functional engine needs the compiled program's fold mapping
  bool systemc_engine = false;   // only the SystemC engine applies them
  bool sram_cells = false;       // faults the weight SRAM's cells (so its ECC acts on them)
  FaultNeeds& operator|=(const FaultNeeds& other);
};

// A family of `model` (its rate law and cell kinds).
class FaultFamily {
 public:
  explicit FaultFamily(FaultModel model) : model_(std::move(model)) {}
  virtual ~FaultFamily() = default;
  virtual FaultNeeds needs() const = 0;
  // This family's faults of the map with seed `seed` (map_seed) at `rate` over `network` deployed on
  // `config`. Throws std::invalid_argument for a rate outside the model's range.
  virtual std::shared_ptr<const FamilyFaults> draw(const ProtectedNetwork& network, const AcceleratorConfig& config,
                                                   double rate, std::uint64_t seed) const = 0;

 protected:
  const FaultModel& model() const { return model_; }

 private:
  FaultModel model_;
};

// The faults of one map: each family's part, in the order of the model's families.
struct MapFaults {
  std::vector<std::shared_ptr<const FamilyFaults>> parts;
  std::size_t count() const;
};

// A fault model as its families: proact-paper is stored-word flips; the physical models are
// weight-SRAM cells, and threshold-store cells with threshold_faults; transient is read-path upsets.
class FaultFamilies {
 public:
  explicit FaultFamilies(const FaultModel& model);
  FaultNeeds needs() const;
  MapFaults draw(const ProtectedNetwork& network, const AcceleratorConfig& config, double rate,
                 std::uint64_t seed) const;

 private:
  std::vector<std::shared_ptr<const FaultFamily>> families_;
};

}  // namespace proact
