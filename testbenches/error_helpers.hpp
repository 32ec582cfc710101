#pragma once
// What a call throws, for tests of error messages.
#include <catch2/catch.hpp>

#include <exception>
#include <functional>
#include <string>

namespace proact::testing {

// The message of what `call` throws (the test fails when it throws nothing).
inline std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::exception& e) {
    return e.what();
  }
  FAIL("no exception");
  return "";
}

}  // namespace proact::testing
