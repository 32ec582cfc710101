#include "hw/config.hpp"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "hw/interface/register_map.hpp"
#include "models/io/json_file.hpp"

namespace proact {

namespace {

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * kKiB;
constexpr std::uint64_t kMaxSramBytes = 256 * kMiB;

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

[[noreturn]] void reject(const std::string& field, const std::string& value, const std::string& problem) {
  throw std::invalid_argument(field + " = " + value + " " + problem);
}

void check_range(const std::string& field, long long value, long long low, long long high) {
  if (value < low || value > high)
    reject(field, std::to_string(value),
           "is outside the allowed range " + std::to_string(low) + ".." + std::to_string(high));
}

// (low, high] for a real-valued field; NaN and inf are rejected.
void check_positive(const std::string& field, double value, double high) {
  if (!std::isfinite(value) || value <= 0 || value > high)
    reject(field, number(value), "is outside the allowed range (0, " + number(high) + "]");
}

void check_bytes(const std::string& field, std::uint64_t value, std::uint64_t multiple, std::uint64_t low,
                 std::uint64_t high, const std::string& why_low) {
  if (value % multiple != 0)
    reject(field, std::to_string(value), "is not a multiple of " + std::to_string(multiple) + " bytes");
  if (value < low) reject(field, std::to_string(value), why_low);
  if (value > high) reject(field, std::to_string(value), "is larger than the maximum " + std::to_string(high));
}

// Typed reads of one JSON key into a field; wrong types throw naming the key.
template <typename T>
void read_integer(const nlohmann::json& json, const std::string& key, T& field) {
  if (!json.contains(key)) return;
  const nlohmann::json& v = json.at(key);
  bool fits = false;  // non-negative JSON integers are unsigned, negative ones signed
  if (v.is_number_unsigned()) {
    fits = v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  } else if constexpr (std::is_signed_v<T>) {
    fits = v.is_number_integer() && v.get<std::int64_t>() >= std::numeric_limits<T>::min() &&
           v.get<std::int64_t>() <= std::numeric_limits<T>::max();
  }
  if (!fits)
    throw std::invalid_argument("config key '" + key + "' must be " +
                                (std::is_signed_v<T> ? "an integer" : "a non-negative integer") + ", got " + v.dump());
  field = v.get<T>();
}

void read_real(const nlohmann::json& json, const std::string& key, double& field) {
  if (!json.contains(key)) return;
  const nlohmann::json& v = json.at(key);
  if (!v.is_number()) throw std::invalid_argument("config key '" + key + "' must be a number, got " + v.dump());
  field = v.get<double>();
}

void read_bool(const nlohmann::json& json, const std::string& key, bool& field) {
  if (!json.contains(key)) return;
  const nlohmann::json& v = json.at(key);
  if (!v.is_boolean()) throw std::invalid_argument("config key '" + key + "' must be true or false, got " + v.dump());
  field = v.get<bool>();
}

std::string read_string(const nlohmann::json& json, const std::string& key) {
  const nlohmann::json& v = json.at(key);
  if (!v.is_string()) throw std::invalid_argument("config key '" + key + "' must be a string, got " + v.dump());
  return v.get<std::string>();
}

void reject_unknown_keys(const nlohmann::json& json, const std::vector<std::string>& known, const std::string& where) {
  for (const auto& item : json.items()) {
    bool found = false;
    for (const std::string& k : known) found = found || k == item.key();
    if (found) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    throw std::invalid_argument("unknown " + where + " key '" + item.key() + "' (keys: " + list + ")");
  }
}

const std::vector<std::string> kConfigKeys = {
    "preset", "array_rows", "array_cols", "dataflow", "weight_sram_bytes", "act_sram_bytes", "dram_bytes",
    "sram_word_bits", "weight_format", "dram_words_per_cycle", "dram_latency_cycles", "clock_mhz", "timing",
    "validation_mode", "quantum_ns", "csr_latency_cycles", "weight_sram_ecc", "threshold_table_words",
    "fuse_post_processing", "on_chip_activations"};
const std::vector<std::string> kTimingKeys = {"overlap_weight_load", "trim_partial_folds", "fold_overhead_cycles",
                                              "pipeline_latency_cycles"};

}  // namespace

void AcceleratorConfig::validate() const {
  check_range("array_rows", array_rows, 1, 256);
  check_range("array_cols", array_cols, 1, 256);
  if (sram_word_bits != 8 && sram_word_bits != 16 && sram_word_bits != 24 && sram_word_bits != 32)
    reject("sram_word_bits", std::to_string(sram_word_bits), "is not one of 8, 16, 24, 32");
  if (sram_word_bits < format_bits(weight_format))
    reject("sram_word_bits", std::to_string(sram_word_bits),
           "is narrower than a " + format_name(weight_format) + " weight (" +
               std::to_string(format_bits(weight_format)) + " bits); an SRAM word holds one weight");
  const std::uint64_t tile_words = static_cast<std::uint64_t>(array_rows) * static_cast<std::uint64_t>(array_cols);
  const std::uint64_t word_bytes = sram_word_bytes();
  check_bytes("weight_sram_bytes", weight_sram_bytes, word_bytes, 2 * tile_words * word_bytes, kMaxSramBytes,
              "is smaller than two tiles of the " + std::to_string(array_rows) + "x" + std::to_string(array_cols) +
                  " array (2 * " + std::to_string(array_rows) + "*" + std::to_string(array_cols) + " words of " +
                  std::to_string(word_bytes) + " bytes = " + std::to_string(2 * tile_words * word_bytes) +
                  " bytes; weights are double buffered)");
  const std::uint64_t row_bytes = static_cast<std::uint64_t>(array_cols) * kActivationWordBytes;
  check_bytes("act_sram_bytes", act_sram_bytes, kActivationWordBytes, row_bytes, kMaxSramBytes,
              "is smaller than one row of the " + std::to_string(array_cols) + "-column array (" +
                  std::to_string(array_cols) + " fp32 words = " + std::to_string(row_bytes) + " bytes per bank)");
  check_bytes("dram_bytes", dram_bytes, 4, 4 * kKiB, 4096 * kMiB,
              "is smaller than the minimum " + std::to_string(4 * kKiB) + " bytes");
  const EccCode code = [&] {
    try {
      return EccCode(weight_sram_ecc, sram_word_bits);
    } catch (const std::invalid_argument& e) {
      reject("weight_sram_ecc", ecc_scheme_name(weight_sram_ecc), std::string("does not fit the SRAM words: ") + e.what());
    }
  }();
  if (weight_sram_words() % (2 * static_cast<std::uint64_t>(code.words_per_codeword())) != 0)
    reject("weight_sram_ecc", ecc_scheme_name(weight_sram_ecc),
           "codewords of " + std::to_string(code.words_per_codeword()) + " words do not tile the halves of the " +
               std::to_string(weight_sram_words()) + "-word weight SRAM");
  check_positive("dram_words_per_cycle", dram_words_per_cycle, 1024);
  check_range("dram_latency_cycles", dram_latency_cycles, 0, 1000000);
  check_positive("clock_mhz", clock_mhz, 10000);
  try {
    timing.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("timing: ") + e.what());
  }
  if (validation_mode && (array_rows > 16 || array_cols > 16))
    reject("validation_mode", "true",
           "needs an array of at most 16x16 (the per-PE model is slow), but the array is " +
               std::to_string(array_rows) + "x" + std::to_string(array_cols));
  if (validation_mode && format_is_integer(weight_format))
    reject("validation_mode", "true",
           "models the float datapath; use a float weight_format (fp32, fp16, bf16, q15.16), not " +
               format_name(weight_format));
  check_positive("quantum_ns", quantum_ns, 1e9);
  check_range("csr_latency_cycles", csr_latency_cycles, 0, 1000);
  check_range("threshold_table_words", threshold_table_words, 1, kThresholdTableMaxWords);
}

std::vector<std::string> preset_names() { return {"default", "edge-8x8", "scalesim-32x32", "validation-4x4"}; }

AcceleratorConfig preset(const std::string& name) {
  AcceleratorConfig c;
  if (name == "default") return c;
  if (name == "edge-8x8") {
    c.array_rows = c.array_cols = 8;
    c.weight_format = Format::int8;
    c.sram_word_bits = 8;
    c.weight_sram_bytes = 16 * kKiB;
    c.act_sram_bytes = 16 * kKiB;
    c.dram_bytes = 16 * kMiB;
    c.dram_words_per_cycle = 1.0;
    c.dram_latency_cycles = 50;
    c.clock_mhz = 200.0;
    c.timing.overlap_weight_load = true;
    return c;
  }
  if (name == "scalesim-32x32") {
    c.dataflow = Dataflow::os;
    c.weight_sram_bytes = 64 * kKiB;
    c.act_sram_bytes = 64 * kKiB;
    c.dram_words_per_cycle = 10.0;
    c.dram_latency_cycles = 0;
    return c;
  }
  if (name == "validation-4x4") {
    c.array_rows = c.array_cols = 4;
    c.weight_sram_bytes = 4 * kKiB;
    c.act_sram_bytes = 4 * kKiB;
    c.dram_bytes = 4 * kMiB;
    c.validation_mode = true;
    return c;
  }
  std::string names;
  for (const std::string& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown accelerator preset '" + name + "' (presets: " + names + ")");
}

nlohmann::json config_to_json(const AcceleratorConfig& c) {
  return {{"array_rows", c.array_rows},
          {"array_cols", c.array_cols},
          {"dataflow", dataflow_name(c.dataflow)},
          {"weight_sram_bytes", c.weight_sram_bytes},
          {"act_sram_bytes", c.act_sram_bytes},
          {"dram_bytes", c.dram_bytes},
          {"sram_word_bits", c.sram_word_bits},
          {"weight_format", format_name(c.weight_format)},
          {"dram_words_per_cycle", c.dram_words_per_cycle},
          {"dram_latency_cycles", c.dram_latency_cycles},
          {"clock_mhz", c.clock_mhz},
          {"timing",
           {{"overlap_weight_load", c.timing.overlap_weight_load},
            {"trim_partial_folds", c.timing.trim_partial_folds},
            {"fold_overhead_cycles", c.timing.fold_overhead_cycles},
            {"pipeline_latency_cycles", c.timing.pipeline_latency_cycles}}},
          {"validation_mode", c.validation_mode},
          {"quantum_ns", c.quantum_ns},
          {"csr_latency_cycles", c.csr_latency_cycles},
          {"weight_sram_ecc", ecc_scheme_name(c.weight_sram_ecc)},
          {"threshold_table_words", c.threshold_table_words},
          {"fuse_post_processing", c.fuse_post_processing},
          {"on_chip_activations", c.on_chip_activations}};
}

AcceleratorConfig config_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("an accelerator config is a JSON object, got " + json.dump());
  reject_unknown_keys(json, kConfigKeys, "config");
  AcceleratorConfig c = json.contains("preset") ? preset(read_string(json, "preset")) : AcceleratorConfig{};
  read_integer(json, "array_rows", c.array_rows);
  read_integer(json, "array_cols", c.array_cols);
  if (json.contains("dataflow")) {
    try {
      c.dataflow = parse_dataflow(read_string(json, "dataflow"));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("config key 'dataflow': ") + e.what());
    }
  }
  read_integer(json, "weight_sram_bytes", c.weight_sram_bytes);
  read_integer(json, "act_sram_bytes", c.act_sram_bytes);
  read_integer(json, "dram_bytes", c.dram_bytes);
  read_integer(json, "sram_word_bits", c.sram_word_bits);
  if (json.contains("weight_format")) {
    try {
      c.weight_format = parse_format(read_string(json, "weight_format"));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("config key 'weight_format': ") + e.what());
    }
  }
  read_real(json, "dram_words_per_cycle", c.dram_words_per_cycle);
  read_integer(json, "dram_latency_cycles", c.dram_latency_cycles);
  read_real(json, "clock_mhz", c.clock_mhz);
  if (json.contains("timing")) {
    const nlohmann::json& t = json.at("timing");
    if (!t.is_object()) throw std::invalid_argument("config key 'timing' must be an object, got " + t.dump());
    reject_unknown_keys(t, kTimingKeys, "timing");
    read_bool(t, "overlap_weight_load", c.timing.overlap_weight_load);
    read_bool(t, "trim_partial_folds", c.timing.trim_partial_folds);
    read_integer(t, "fold_overhead_cycles", c.timing.fold_overhead_cycles);
    read_integer(t, "pipeline_latency_cycles", c.timing.pipeline_latency_cycles);
  }
  read_bool(json, "validation_mode", c.validation_mode);
  read_real(json, "quantum_ns", c.quantum_ns);
  read_integer(json, "csr_latency_cycles", c.csr_latency_cycles);
  read_integer(json, "threshold_table_words", c.threshold_table_words);
  read_bool(json, "fuse_post_processing", c.fuse_post_processing);
  read_bool(json, "on_chip_activations", c.on_chip_activations);
  if (json.contains("weight_sram_ecc")) {
    try {
      c.weight_sram_ecc = parse_ecc_scheme(read_string(json, "weight_sram_ecc"));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("config key 'weight_sram_ecc': ") + e.what());
    }
  }
  c.validate();
  return c;
}

AcceleratorConfig load_config(const std::string& path) {
  return parse_json_file(path, "accelerator config", config_from_json);
}

}  // namespace proact
