// libFuzzer targets for every reader of outside data (testbenches/fuzz/readers.hpp). The build
// compiles this file once per reader, PROACT_FUZZ_READER naming it (CMakeLists.txt here).
// Crashes, sanitizer reports, hangs, leaks and running out of memory are the findings
// (scripts/fuzz.sh runs the targets; docs/reliability.md lists them).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "testbenches/fuzz/readers.hpp"

// The libraries reference sc_main through Debian's libsystemc; a fuzzer never elaborates.
extern "C" int sc_main(int, char*[]) { return 0; }

namespace {

using proact::fuzz::Reader;

const Reader& this_reader() {
  static const Reader* reader = [] {
    for (const Reader& r : proact::fuzz::kReaders)
      if (std::strcmp(r.name, PROACT_FUZZ_READER) == 0) return &r;
    std::fprintf(stderr, "testbenches/fuzz/readers.hpp has no reader named %s\n", PROACT_FUZZ_READER);
    std::abort();
  }();
  return *reader;
}

// This process's scratch folder, created once (libFuzzer runs one input at a time).
const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    const auto path = std::filesystem::temp_directory_path() / ("proact-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  proact::fuzz::run_reader(this_reader(), scratch(), data, size);
  return 0;
}
