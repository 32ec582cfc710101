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

std::string preset_list() {
  std::string names;
  for (const std::string& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
  return names;
}

void AcceleratorOptions::add_to(CLI::App& command, bool with_format) {
  command.add_option("--preset", preset, "Accelerator preset: " + preset_list())->capture_default_str();
  command.add_option("--config", config_file, "Accelerator config JSON file (overrides --preset)");
  if (with_format)
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

void EnergyOptions::add_table_to(CLI::App& command) {
  command.add_option("--energy-table", table_file, "Energy table JSON (docs/energy.md); default: the built-in 45 nm table");
}

void EnergyOptions::add_to(CLI::App& command) {
  add_table_to(command);
  command.add_option("--weight-sram-volts", weight_sram_volts,
                     "Supply voltage of the weight SRAM for its energy; default: the table's nominal voltage")
      ->check(CLI::PositiveNumber);
}

EnergyTable EnergyOptions::table() const {
  return table_file.empty() ? builtin_energy_table() : load_energy_table(table_file);
}

double EnergyOptions::volts(const EnergyTable& table) const {
  return weight_sram_volts > 0 ? weight_sram_volts : table.nominal_volts;
}

void NormalizationOptions::add_to(CLI::App& command) {
  CLI::Option* normalize = command.add_option("--normalize", preset, "Per-channel normalisation preset, applied after pixel / 255")
                               ->check(CLI::IsMember(normalization_presets()))
                               ->capture_default_str();
  CLI::Option* m = command.add_option("--mean", mean, "Per-channel mean subtracted after pixel / 255")
                       ->delimiter(',')
                       ->excludes(normalize);
  CLI::Option* s = command.add_option("--std", std, "Per-channel standard deviation (x - mean) is divided by")
                       ->delimiter(',')
                       ->excludes(normalize);
  m->needs(s);
  s->needs(m);
}

Normalization NormalizationOptions::normalization() const {
  return mean.empty() ? normalization_preset(preset) : custom_normalization(mean, std);
}

void DataOptions::add_to(CLI::App& command) {
  CLI::Option* data = command.add_option("--data", spec,
                                         "Images: fashion-mnist[:DIR], cifar10:DIR, cifar100:DIR, npy:IMAGES.npy,LABELS.npy "
                                         "or npy:TRAIN_IMAGES.npy,TRAIN_LABELS.npy,TEST_IMAGES.npy,TEST_LABELS.npy")
                           ->capture_default_str();
  command.add_option("--data-dir", dir, "Fashion-MNIST directory (IDX files): the same as --data fashion-mnist:DIR")
      ->excludes(data);
  normalization.add_to(command);
}

DataSpec DataOptions::data_spec() const {
  DataSpec data = parse_data_spec(dir.empty() ? spec : "fashion-mnist:" + dir);
  data.normalization = normalization.normalization();
  return data;
}

void print_json(const nlohmann::json& object) { std::cout << object.dump() << std::endl; }

}  // namespace proact
