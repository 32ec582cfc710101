#pragma once
// SystemC modules for tests, built on first use. SystemC elaborates modules only before the first
// sc_start, and the test binary runs many test cases, so a module cannot be built when a test first
// needs it if another test has run the kernel before. Tests declare the modules they use at
// namespace scope with Elaborated<T> (which builds nothing), and the first use of any of them
// builds every declared module at once, in declaration order. A test process that needs none
// (most of them: ctest runs each test case in its own process) builds none.
#include <functional>
#include <memory>
#include <tuple>
#include <utility>

namespace proact::testing {

// Registers a builder run by elaborate_declared_modules(); only at namespace scope.
void declare_module(std::function<void()> build);
// Runs every declared builder once (later calls do nothing).
void elaborate_declared_modules();

template <typename T>
class Elaborated {
 public:
  // `args` are copied and passed to T's constructor when the modules are elaborated.
  template <typename... Args>
  explicit Elaborated(Args... args) {
    declare_module([this, arguments = std::make_tuple(std::move(args)...)] {
      object_ = std::apply([](const auto&... a) { return std::make_unique<T>(a...); }, arguments);
    });
  }
  Elaborated(const Elaborated&) = delete;
  Elaborated& operator=(const Elaborated&) = delete;

  T& operator*() {
    elaborate_declared_modules();
    return *object_;
  }
  T* operator->() { return &**this; }

 private:
  std::unique_ptr<T> object_;
};

}  // namespace proact::testing
