// The process entry point of every executable, linked as proact_systemc_main (the proact CLI, the tests,
// the benchmarks). SystemC's library calls sc_main, which each executable defines; this main only
// silences the kernel's copyright banner (it would interleave with --json output and progress
// lines) and hands over to the kernel. A user's SYSTEMC_DISABLE_COPYRIGHT_MESSAGE is respected.
#include <cstdlib>
#include <systemc>

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
