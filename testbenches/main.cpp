// The unit-test executable's sc_main (hw/systemc_main.cpp owns main): Catch2 runs from here.
// SystemC elaborates modules only before the first sc_start: tests declare theirs with
// Elaborated<T> (testbenches/elaborated.hpp), built together on first use.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>  // declares sc_main extern "C"

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
