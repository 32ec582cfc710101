// The unit-test executable's sc_main (hw/systemc_main.cpp owns main): Catch2 runs from here.
// A SystemC testbench elaborates its modules once per process (SystemC cannot re-elaborate).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>  // declares sc_main extern "C"

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
