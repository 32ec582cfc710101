#pragma once
// Golden register traces: every bus access the driver makes for a run, in order, with the words
// each read returned, and the config of the accelerator it ran on. Replayed by the driver alone on
// a fresh accelerator of that config (no compiler, no network), a trace checks the hardware bit
// for bit: the register map, the descriptors' meaning, the datapath, the timing model's counters.
//
// File (gzip-compressed JSON lines): first
//   {"format": "proact-bus-trace", "version": 1, "register_map": "1.1", "config": {...},
//    "source": {...}}                       (source: free-form, e.g. the model and images recorded)
// then one access per line:
//   {"op": "write", "address": "0x40000008", "words": "00000001"}       (8 hex digits per word)
//   {"op": "read",  "address": "0x100000", "words": "3f800000..."}      (the words read)
//   {"op": "run", "poll": false, "status": "00000002"}   (CTRL.START, then wait for done; STATUS)
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hw/config.hpp"

namespace proact {

class Driver;

struct BusAccess {
  enum class Op { write, read, run };
  Op op = Op::write;
  std::uint64_t address = 0;         // write, read: the bus address (DRAM, or kCsrBase + offset)
  std::vector<std::uint32_t> words;  // write: written; read: read back; run: {STATUS}
  bool poll = false;                 // run: poll STATUS instead of waiting for the interrupt
};

struct BusTrace {
  AcceleratorConfig config;
  nlohmann::json source = nlohmann::json::object();
  std::vector<BusAccess> accesses;
};

// Writes atomically; throws std::runtime_error naming the file.
void save_bus_trace(const BusTrace& trace, const std::string& path);
// Throws std::runtime_error "<path>: line N: <problem>" for a file that is not such a trace, of
// another version or register map version, or has a malformed access.
BusTrace load_bus_trace(const std::string& path);

// A read (or run status) that came back different from the trace.
class TraceMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Replays `trace` through `driver`, whose accelerator must be fresh and built from trace.config:
// writes as recorded; every read and run status compared bit for bit. Runs the SystemC kernel
// until the replay ends. Returns the number of accesses; throws TraceMismatch naming the first
// access that differs (its line, the register or DRAM address, the word, expected and actual).
std::size_t replay_bus_trace(const BusTrace& trace, Driver& driver);

}  // namespace proact
