#pragma once
// The two engines that run a compiled network on images (docs/design.md 2.9, "Two engines, one
// answer"): `functional` runs the deployed network in the array's accumulation order (fast, for
// campaigns) and reports the accelerator's per-layer costs from the timing model; `systemc`
// runs the program on the SystemC/TLM model through the driver. For the same deployment,
// program and config both give bit-identical logits and the same per-layer reports.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hw/config.hpp"
#include "hw/control/layer_timing.hpp"
#include "hw/interface/register_map.hpp"
#include "models/net/deployment.hpp"
#include "sw/compiler/program.hpp"

namespace proact {

enum class Engine { functional, systemc };
Engine parse_engine(const std::string& name);  // "functional", "systemc"
std::string engine_name(Engine engine);

struct InferenceRun {
  Tensor logits;                                   // (images, classes)
  std::vector<LayerReport> layers;                 // per descriptor, summed over all batches
  std::array<std::uint64_t, kCounterCount> counters{};  // the device counters (systemc) or their model
  double simulated_ns = 0;                         // device time of the runs (systemc), else cycle-derived
};

using ProgressCallback = std::function<void(std::size_t images_done)>;

// images (N, C, H, W) in batches of program.batch (the last one padded with zeros).
InferenceRun run_functional(Deployment& deployment, const Program& program, const AcceleratorConfig& config,
                            const Tensor& images, const ProgressCallback& progress = {});

class Accelerator;
class Driver;

// The accelerator and its driver, elaborated once per process (SystemC cannot re-elaborate);
// run() may be called any number of times with programs for the same config. With a trace
// directory, a VCD of the controller's signals and a Chrome timeline are written there
// (accelerator.vcd, timeline.json) by finish_trace() or the destructor. Several engines may be
// elaborated side by side under distinct names.
class SystemcEngine {
 public:
  explicit SystemcEngine(const AcceleratorConfig& config, const std::string& trace_dir = "",
                         const std::string& name = "accelerator");
  ~SystemcEngine();
  SystemcEngine(const SystemcEngine&) = delete;
  SystemcEngine& operator=(const SystemcEngine&) = delete;

  // Loads the program (constant data, thresholds, registers) and runs the images. `poll` waits
  // for done by polling STATUS instead of the interrupt. Throws std::runtime_error naming the
  // device error when a run ends with STATUS.ERROR.
  InferenceRun run(const Program& program, const Tensor& images, const ProgressCallback& progress = {},
                   bool poll = false);

  Accelerator& accelerator();
  Driver& driver();
  void finish_trace();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace proact
