#include "sw/campaign/protection.hpp"

#include <stdexcept>

namespace proact {

Protection no_protection() {
  return {"none", "none", "relu", [](Network&) {}};
}

Protection load_protection(const std::string& spec) {
  if (spec == "none") return no_protection();
  throw std::invalid_argument("--thresholds '" + spec +
                              "': threshold files are read once `proact thresholds` (issue 4) is on main; use "
                              "--thresholds none for the unprotected network until then");
}

}  // namespace proact
