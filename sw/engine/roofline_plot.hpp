#pragma once
// A run's GEMM layers on the roofline of the configured accelerator, drawn by gnuplot: x is the
// arithmetic intensity (MACs per DRAM byte), y the achieved MACs per cycle; the roof is the
// array's peak (R x C MACs per cycle) and the DRAM channel's slope (4 x dram_words_per_cycle
// bytes per cycle). The script (.gp) and data (.dat) stay beside the PNG so it can be restyled.
#include <string>
#include <vector>

#include "hw/config.hpp"
#include "hw/control/layer_timing.hpp"

namespace proact {

// layers[i] is named names[i]; layers without MACs or DRAM traffic are left out. `png` ends in
// ".png". Throws std::runtime_error naming the script when gnuplot is missing or fails.
void plot_roofline(const std::string& png, const std::string& title, const std::vector<std::string>& names,
                   const std::vector<LayerReport>& layers, const AcceleratorConfig& config);

}  // namespace proact
