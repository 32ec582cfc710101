#include "sw/util/parse_number.hpp"

#include <stdexcept>

namespace proact {

std::optional<double> parse_double(const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace proact
