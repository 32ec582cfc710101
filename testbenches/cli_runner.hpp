#pragma once
// Runs the `proact` binary as a user would, for the CLI tests. Its path comes from PROACT_CLI
// (ctest sets it; run by hand: PROACT_CLI=build/sw/proact build/testbenches/proact_tests).
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

namespace proact::testing {

struct Run {
  int exit_code;
  std::string output;  // stdout, or stdout and stderr with merge_stderr
};

// The `proact` binary under test.
inline std::string cli_path() {
  const char* cli = std::getenv("PROACT_CLI");
  REQUIRE(cli != nullptr);
  return cli;
}

// A shell command line (sh -c) and what it prints on stdout.
inline Run run_shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline Run run_cli(const std::string& arguments, bool merge_stderr = false) {
  return run_shell(cli_path() + " " + arguments + (merge_stderr ? " 2>&1" : " 2>/dev/null"));
}

// `proact ARGUMENTS` on `ranks` MPI processes (as root, mpirun needs the two OMPI_ALLOW
// variables); its exit status as std::system returns it, output discarded.
inline int run_mpi(int ranks, const std::string& arguments) {
  const std::string command = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np " +
                              std::to_string(ranks) + " --oversubscribe " + cli_path() + " " + arguments +
                              " > /dev/null 2>&1";
  return std::system(command.c_str());
}

}  // namespace proact::testing
