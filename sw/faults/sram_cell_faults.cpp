#include "sw/faults/sram_cell_faults.hpp"

#include <stdexcept>

#include "models/random.hpp"

namespace proact {

void SramCellFaults::apply(NetworkEdits& edits, const WeightPlacement* placement, FaultCounts& counts) const {
  if (!placement) throw std::logic_error("weight-SRAM faults need the compiled program's fold mapping");
  for (const WordEdit& e : placement->edits(cells, edits.network().deployment(), counts.ecc))
    edits.set_word(e.parameter, e.element, e.word);
}

void SramCellFaults::install(AcceleratorFaults& target) const {
  auto hook = std::make_shared<ProtectedMemoryHook>(cells);
  target.set_weight_sram_hook(hook);
  target.after_run([hook, runs = target.runs()](FaultCounts& counts) {
    const EccCounts& total = hook->counts();
    counts.ecc += EccCounts{total.corrected / runs, total.detected / runs, total.silent / runs};
  });
}

std::shared_ptr<const FamilyFaults> SramCellFamily::draw(const ProtectedNetwork&, const AcceleratorConfig& config,
                                                         double rate, std::uint64_t seed) const {
  const MemoryShape sram{config.weight_sram_words(), config.sram_word_bits, config.weight_sram_ecc};
  return std::make_shared<SramCellFaults>(cell_faults(model(), rate, sram, Rng::derive(seed, weight_stream)));
}

}  // namespace proact
