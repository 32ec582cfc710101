#include "testbenches/elaborated.hpp"

#include <vector>

namespace proact::testing {

namespace {

std::vector<std::function<void()>>& builders() {
  static std::vector<std::function<void()>> list;  // filled during static initialisation
  return list;
}

}  // namespace

void declare_module(std::function<void()> build) { builders().push_back(std::move(build)); }

void elaborate_declared_modules() {
  static const bool elaborated = [] {
    for (const auto& build : builders()) build();
    return true;
  }();
  (void)elaborated;
}

}  // namespace proact::testing
