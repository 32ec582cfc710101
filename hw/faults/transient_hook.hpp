#pragma once
// Transient read-path upsets (the `transient` fault model, SystemC engine only): every bit a read
// delivers is flipped with probability `rate`, independently per bit and per read, after the
// memory's own hook (and so after ECC: the upset is on the read path, which ECC does not cover).
// Draws follow the sequence of reads, so one seed and one program give the same upsets.
#include <cstdint>
#include <memory>

#include "hw/faults/fault_hook.hpp"
#include "models/random.hpp"

namespace proact {

class TransientReadHook : public FaultHook {
 public:
  // `inner` (may be nullptr) is the memory's own hook; `word_bits` the memory's word width.
  TransientReadHook(std::shared_ptr<FaultHook> inner, int word_bits, double rate, std::uint64_t seed);

  std::uint32_t on_store(std::uint64_t address, std::uint32_t word) override;
  std::uint32_t on_read(std::uint64_t address, std::uint32_t word) override;

  std::uint64_t flipped_bits() const { return flipped_; }
  std::uint64_t upset_reads() const { return upset_reads_; }  // reads with at least one flipped bit

 private:
  void draw_gap();

  std::shared_ptr<FaultHook> inner_;
  int word_bits_;
  double rate_;
  Rng rng_;
  std::uint64_t gap_ = 0;  // bits still to read before the next flipped one
  bool never_ = false;     // rate 0: nothing flips
  std::uint64_t flipped_ = 0, upset_reads_ = 0;
};

}  // namespace proact
