#include "sw/faults/transient_read_faults.hpp"

#include <stdexcept>

#include "hw/faults/transient_hook.hpp"
#include "models/random.hpp"

namespace proact {

void TransientReadFaults::apply(NetworkEdits&, const WeightPlacement*, FaultCounts&) const {
  throw std::invalid_argument("transient read-path flips happen per read of the weight SRAM: run them with --engine systemc");
}

void TransientReadFaults::install(AcceleratorFaults& target) const {
  auto hook = std::make_shared<TransientReadHook>(target.weight_sram_hook(), target.config().sram_word_bits, rate, seed);
  target.set_weight_sram_hook(hook);
  target.after_run([hook](FaultCounts& counts) { counts.read_flips += hook->flipped_bits(); });
}

std::shared_ptr<const FamilyFaults> TransientReadFamily::draw(const ProtectedNetwork&, const AcceleratorConfig&,
                                                              double rate, std::uint64_t seed) const {
  model().ber(rate);  // validates the rate
  return std::make_shared<TransientReadFaults>(rate, Rng::derive(seed, transient_stream));
}

}  // namespace proact
