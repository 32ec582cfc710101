#include "sw/cli/common.hpp"

#include <iostream>

namespace proact {

const char* const kVersion = PROACT_VERSION;

void OrderOptions::add_to(CLI::App& command) {
  command.add_option("--dataflow", dataflow, "Accumulation order of the array's dataflow (ws, os, is) or free")
      ->check(CLI::IsMember({"ws", "os", "is", "free"}))
      ->capture_default_str();
  command.add_option("--rows", rows, "Systolic array rows (fold length for ws/is)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
}

AccumulationOrder OrderOptions::order() const {
  return dataflow == "free" ? AccumulationOrder::free_order() : accumulation_order(parse_dataflow(dataflow), rows);
}

std::string OrderOptions::describe() const {
  return dataflow == "free" ? "free" : dataflow + " " + std::to_string(rows) + " rows";
}

void AcceleratorOptions::add_to(CLI::App& command) {
  command.add_option("--preset", preset, "Accelerator preset: " + [] {
    std::string names;
    for (const std::string& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
    return names;
  }())->capture_default_str();
  command.add_option("--config", config_file, "Accelerator config JSON file (overrides --preset)");
  command.add_option("--format", format, "Weight storage format (fp32, fp16, bf16, int8, q15.16); default: the config's");
}

AcceleratorConfig AcceleratorOptions::config() const {
  AcceleratorConfig config = config_file.empty() ? proact::preset(preset) : load_config(config_file);
  if (!format.empty()) {
    config.weight_format = parse_format(format);
    config.validate();
  }
  return config;
}

void print_json(const nlohmann::json& object) { std::cout << object.dump() << std::endl; }

}  // namespace proact
