#pragma once
// Options and helpers shared by the subcommands.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "hw/config.hpp"
#include "hw/energy/energy_model.hpp"
#include "models/kernels/gemm.hpp"
#include "sw/data/data_spec.hpp"

namespace proact {

extern const char* const kVersion;

// --dataflow ws|os|is|free and --rows R: the accumulation order of conv/dense sums
// (free = any order, fastest; the others reproduce the systolic array's order exactly).
struct OrderOptions {
  std::string dataflow = "ws";
  int rows = 32;
  void add_to(CLI::App& command);
  AccumulationOrder order() const;
  std::string describe() const;  // "ws 32 rows" or "free"
};

// The accelerator presets for help texts: "default, edge-8x8, ...".
std::string preset_list();

// --preset NAME | --config FILE, and --format F overriding the weight storage format: the
// accelerator configuration a command models.
struct AcceleratorOptions {
  std::string preset = "default";
  std::string config_file;
  std::string format;  // empty: the config's
  // with_format = false: --preset and --config alone (a command whose formats come from elsewhere).
  void add_to(CLI::App& command, bool with_format = true);
  AcceleratorConfig config() const;  // validated; errors name the file or field
};

// --energy-table FILE (default: the built-in 45 nm table) and --weight-sram-volts V (default:
// the table's nominal voltage): how a command prices the counts (docs/energy.md).
struct EnergyOptions {
  std::string table_file;
  double weight_sram_volts = 0;  // 0: nominal
  void add_to(CLI::App& command);
  void add_table_to(CLI::App& command);  // --energy-table alone (the voltage comes from elsewhere)
  EnergyTable table() const;             // errors name the file
  double volts(const EnergyTable& table) const;
};

// --normalize PRESET or --mean M,... --std S,...: the per-channel normalisation applied to images
// after pixel / 255 (docs/data.md).
struct NormalizationOptions {
  std::string preset = "none";
  std::vector<double> mean, std;  // as given (recorded exactly); applied in float
  void add_to(CLI::App& command);
  Normalization normalization() const;  // errors name the option
};

// --data SPEC or --data-dir DIR (the same as --data fashion-mnist:DIR), and the normalisation
// options: the images a command reads and their normalisation (docs/data.md).
struct DataOptions {
  std::string spec = "fashion-mnist";
  std::string dir;  // --data-dir
  NormalizationOptions normalization;
  void add_to(CLI::App& command);
  DataSpec data_spec() const;  // parsed; errors name the option
};

// Prints a JSON object on stdout as one line (the --json contract for scripts).
void print_json(const nlohmann::json& object);

}  // namespace proact
