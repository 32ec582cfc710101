#include "sw/compiler/clip_units.hpp"

namespace proact {

ClipUnit ClipUnitAllocator::next(std::uint64_t thresholds) {
  ClipUnit unit;
  unit.unit = units_++;
  if (thresholds > 1) {
    unit.table_base = static_cast<std::uint32_t>(table_words_);
    unit.table_length = static_cast<std::uint32_t>(thresholds);
    table_words_ += thresholds;
  }
  return unit;
}

}  // namespace proact
