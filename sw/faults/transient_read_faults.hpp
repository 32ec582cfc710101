#pragma once
// Transient read-path upsets (the `transient` model): every bit a weight-SRAM read delivers flips
// with probability `rate`, independently per bit and per read, after the SRAM's own hook (ECC does
// not cover the read path). Only the SystemC engine reads word by word, so the functional engine
// refuses them.
#include "sw/faults/fault_family.hpp"

namespace proact {

class TransientReadFaults : public FamilyFaults {
 public:
  TransientReadFaults(double rate, std::uint64_t seed) : rate(rate), seed(seed) {}
  double rate;         // flip probability per bit read
  std::uint64_t seed;  // of the upsets' stream, in read order

  std::size_t count() const override { return 0; }
  void apply(NetworkEdits& edits, const WeightPlacement* placement, FaultCounts& counts) const override;
  void install(AcceleratorFaults& target) const override;
};

class TransientReadFamily : public FaultFamily {
 public:
  using FaultFamily::FaultFamily;
  FaultNeeds needs() const override {
    FaultNeeds needs;
    needs.systemc_engine = true;
    return needs;
  }
  std::shared_ptr<const FamilyFaults> draw(const ProtectedNetwork& network, const AcceleratorConfig& config,
                                           double rate, std::uint64_t seed) const override;
};

}  // namespace proact
