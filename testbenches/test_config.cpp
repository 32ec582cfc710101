// The accelerator config: presets, every validation rule (the message names the field, the value
// and the allowed range) and the JSON form.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "hw/config.hpp"

using namespace proact;
using Catch::Matchers::Contains;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("accelerator presets are valid and distinct", "[hw][config]") {
  CHECK(preset_names() == std::vector<std::string>{"default", "edge-8x8", "scalesim-32x32", "validation-4x4"});
  const std::string name = GENERATE(from_range(preset_names()));
  CAPTURE(name);
  const AcceleratorConfig config = preset(name);
  CHECK_NOTHROW(config.validate());
  CHECK(config_to_json(config_from_json(config_to_json(config))) == config_to_json(config));

  const AcceleratorConfig defaults;
  CHECK(config_to_json(preset("default")) == config_to_json(defaults));
  CHECK(defaults.array_rows == 32);
  CHECK(defaults.array_cols == 32);
  CHECK(defaults.dataflow == Dataflow::ws);
  CHECK(defaults.weight_sram_bytes == 256 * 1024);
  CHECK(defaults.act_sram_bytes == 256 * 1024);
  CHECK(defaults.weight_format == Format::fp32);
  CHECK(defaults.timing.is_scalesim());
  CHECK(defaults.weight_sram_words() == 65536);
  CHECK(defaults.act_sram_words() == 65536);
  CHECK(defaults.clock_period_ns() == 1.0);
  CHECK(preset("scalesim-32x32").dataflow == Dataflow::os);
  CHECK(preset("scalesim-32x32").timing.is_scalesim());
  CHECK(preset("validation-4x4").validation_mode);
  CHECK(preset("edge-8x8").weight_format == Format::int8);
  CHECK(preset("edge-8x8").weight_sram_words() == 16 * 1024);
  CHECK_THROWS_AS(preset("huge"), std::invalid_argument);
  CHECK_THROWS_WITH(preset("huge"), Contains("'huge'") && Contains("edge-8x8") && Contains("validation-4x4"));
}

TEST_CASE("every preset ships as examples/accelerator/<preset>.json, field for field", "[hw][config]") {
  const std::string name = GENERATE(from_range(preset_names()));
  const std::string path = "examples/accelerator/" + name + ".json";
  CAPTURE(path);
  CHECK(config_to_json(load_config(path)) == config_to_json(preset(name)));
  std::ifstream file(path);
  CHECK(nlohmann::json::parse(file).size() == config_to_json(preset(name)).size());  // every field spelled out
}

TEST_CASE("accelerator config validation names the field, value and range", "[hw][config]") {
  struct Rule {
    const char* what;
    std::function<void(AcceleratorConfig&)> change;
    std::vector<const char*> message;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Rule rule = GENERATE_COPY(
      Rule{"rows 0", [](AcceleratorConfig& c) { c.array_rows = 0; }, {"array_rows = 0", "1..256"}},
      Rule{"rows 257", [](AcceleratorConfig& c) { c.array_rows = 257; }, {"array_rows = 257", "1..256"}},
      Rule{"cols -1", [](AcceleratorConfig& c) { c.array_cols = -1; }, {"array_cols = -1", "1..256"}},
      Rule{"word 12", [](AcceleratorConfig& c) { c.sram_word_bits = 12; }, {"sram_word_bits = 12", "8, 16, 24, 32"}},
      Rule{"word narrower than format", [](AcceleratorConfig& c) { c.sram_word_bits = 16; },
           {"sram_word_bits = 16", "fp32 weight (32 bits)"}},
      Rule{"weight SRAM below two tiles", [](AcceleratorConfig& c) { c.weight_sram_bytes = 512; },
           {"weight_sram_bytes = 512", "two tiles of the 32x32 array", "4 bytes = 8192 bytes"}},
      Rule{"weight SRAM not whole words", [](AcceleratorConfig& c) { c.weight_sram_bytes = 8194; },
           {"weight_sram_bytes = 8194", "multiple of 4 bytes"}},
      Rule{"weight SRAM too large", [](AcceleratorConfig& c) { c.weight_sram_bytes = 1ull << 30; },
           {"weight_sram_bytes = 1073741824", "maximum 268435456"}},
      Rule{"act bank below a row", [](AcceleratorConfig& c) { c.act_sram_bytes = 64; },
           {"act_sram_bytes = 64", "one row of the 32-column array", "128 bytes"}},
      Rule{"act bank not whole words", [](AcceleratorConfig& c) { c.act_sram_bytes = 1026; },
           {"act_sram_bytes = 1026", "multiple of 4"}},
      Rule{"dram too small", [](AcceleratorConfig& c) { c.dram_bytes = 1024; }, {"dram_bytes = 1024", "4096"}},
      Rule{"dram too large", [](AcceleratorConfig& c) { c.dram_bytes = 1ull << 33; },
           {"dram_bytes = 8589934592", "maximum"}},
      Rule{"dram bandwidth 0", [](AcceleratorConfig& c) { c.dram_words_per_cycle = 0; },
           {"dram_words_per_cycle = 0", "(0, 1024]"}},
      Rule{"dram bandwidth NaN", [nan](AcceleratorConfig& c) { c.dram_words_per_cycle = nan; },
           {"dram_words_per_cycle = nan", "(0, 1024]"}},
      Rule{"dram latency", [](AcceleratorConfig& c) { c.dram_latency_cycles = -1; },
           {"dram_latency_cycles = -1", "0..1000000"}},
      Rule{"clock", [](AcceleratorConfig& c) { c.clock_mhz = 20000; }, {"clock_mhz = 20000", "(0, 10000]"}},
      Rule{"timing", [](AcceleratorConfig& c) { c.timing.fold_overhead_cycles = -3; }, {"timing: "}},
      Rule{"validation mode on a big array", [](AcceleratorConfig& c) { c.validation_mode = true; },
           {"validation_mode = true", "16x16", "32x32"}},
      Rule{"quantum", [](AcceleratorConfig& c) { c.quantum_ns = -1; }, {"quantum_ns = -1", "(0, 1e+09]"}},
      Rule{"csr latency", [](AcceleratorConfig& c) { c.csr_latency_cycles = 5000; },
           {"csr_latency_cycles = 5000", "0..1000"}},
      Rule{"ECC on words it cannot cover",
           [](AcceleratorConfig& c) {
             c.weight_format = Format::int8;
             c.sram_word_bits = 24;
             c.weight_sram_bytes = 3 * 2048;
             c.weight_sram_ecc = EccScheme::secded_39_32;
           },
           {"weight_sram_ecc = secded-39-32", "24-bit"}},
      Rule{"ECC codewords across the SRAM halves",
           [](AcceleratorConfig& c) {
             c.weight_format = Format::int8;
             c.sram_word_bits = 8;
             c.weight_sram_bytes = 2052;  // halves of 1026 words; a (72,64) codeword spans 8
             c.weight_sram_ecc = EccScheme::secded_72_64;
           },
           {"weight_sram_ecc = secded-72-64", "8 words", "2052-word"}});
  CAPTURE(rule.what);
  AcceleratorConfig config;
  rule.change(config);
  CHECK_THROWS_AS(config.validate(), std::invalid_argument);
  for (const char* part : rule.message) CHECK_THROWS_WITH(config.validate(), Contains(part));

  SECTION("the limits themselves are accepted") {
    AcceleratorConfig c;
    c.array_rows = 256;
    c.array_cols = 1;
    c.weight_sram_bytes = 2 * 256 * 4;
    c.act_sram_bytes = 4;
    c.dram_latency_cycles = 0;
    c.csr_latency_cycles = 0;
    CHECK_NOTHROW(c.validate());
    AcceleratorConfig edge = preset("edge-8x8");
    edge.sram_word_bits = 32;  // a wider word than the int8 weight is allowed
    edge.weight_sram_bytes = 2 * 64 * 4;
    CHECK_NOTHROW(edge.validate());
    AcceleratorConfig small = preset("validation-4x4");
    small.array_rows = small.array_cols = 16;
    small.weight_sram_bytes = 2 * 256 * 4;
    CHECK_NOTHROW(small.validate());
  }
}

TEST_CASE("accelerator config JSON", "[hw][config]") {
  SECTION("missing keys take the defaults, a preset key picks the base") {
    const AcceleratorConfig c = config_from_json(nlohmann::json::parse(R"({"array_rows": 16, "dataflow": "is"})"));
    CHECK(c.array_rows == 16);
    CHECK(c.array_cols == 32);
    CHECK(c.dataflow == Dataflow::is);
    const AcceleratorConfig edge =
        config_from_json(nlohmann::json::parse(R"({"preset": "edge-8x8", "timing": {"fold_overhead_cycles": 3}})"));
    CHECK(edge.array_rows == 8);
    CHECK(edge.timing.fold_overhead_cycles == 3);
    CHECK(edge.timing.overlap_weight_load);
    CHECK(config_from_json(nlohmann::json::object()).array_rows == 32);
  }
  SECTION("every field round-trips") {
    AcceleratorConfig c = preset("edge-8x8");
    c.dram_words_per_cycle = 2.5;
    c.timing.pipeline_latency_cycles = 7;
    c.timing.trim_partial_folds = true;
    c.quantum_ns = 250;
    c.weight_sram_ecc = EccScheme::secded_39_32;
    const nlohmann::json json = config_to_json(c);
    CHECK(json.at("weight_sram_ecc") == "secded-39-32");
    CHECK(json.at("weight_format") == "int8");
    CHECK(json.at("dataflow") == "ws");
    CHECK(json.at("timing").at("pipeline_latency_cycles") == 7);
    CHECK(config_to_json(config_from_json(json)) == json);
  }
  SECTION("unknown keys, wrong types and invalid values are rejected naming the key") {
    struct Case {
      const char* text;
      const char* message;
    };
    const Case bad = GENERATE(
        Case{R"({"rows": 8})", "unknown config key 'rows'"},
        Case{R"({"timing": {"overlap": true}})", "unknown timing key 'overlap'"},
        Case{R"({"array_rows": "8"})", "'array_rows' must be an integer"},
        Case{R"({"array_rows": 8.5})", "'array_rows' must be an integer"},
        Case{R"({"dram_bytes": -4})", "'dram_bytes' must be a non-negative integer"},
        Case{R"({"array_cols": 10000000000})", "'array_cols' must be an integer"},
        Case{R"({"clock_mhz": "fast"})", "'clock_mhz' must be a number"},
        Case{R"({"validation_mode": 1})", "'validation_mode' must be true or false"},
        Case{R"({"timing": 3})", "'timing' must be an object"},
        Case{R"({"timing": {"trim_partial_folds": "yes"}})", "'trim_partial_folds' must be true or false"},
        Case{R"({"dataflow": "rs"})", "config key 'dataflow'"},
        Case{R"({"weight_format": "fp8"})", "config key 'weight_format'"},
        Case{R"({"weight_sram_ecc": "hamming"})", "config key 'weight_sram_ecc'"},
        Case{R"({"preset": "tiny"})", "unknown accelerator preset 'tiny'"},
        Case{R"({"preset": 3})", "'preset' must be a string"},
        Case{R"({"array_rows": 300})", "array_rows = 300"},
        Case{R"([1, 2])", "JSON object"});
    CAPTURE(bad.text);
    CHECK_THROWS_AS(config_from_json(nlohmann::json::parse(bad.text)), std::invalid_argument);
    CHECK_THROWS_WITH(config_from_json(nlohmann::json::parse(bad.text)), Contains(bad.message));
  }
  SECTION("load_config names the file") {
    const std::string good = write_temp("proact_test_config.json", R"({"preset": "validation-4x4"})");
    CHECK(load_config(good).validation_mode);
    CHECK_THROWS_WITH(load_config("/nonexistent/accel.json"), Contains("/nonexistent/accel.json"));
    const std::string bad = write_temp("proact_test_config_bad.json", R"({"array_rows": 0})");
    CHECK_THROWS_WITH(load_config(bad), Contains(bad) && Contains("array_rows = 0"));
    const std::string garbage = write_temp("proact_test_config_garbage.json", "{");
    CHECK_THROWS_WITH(load_config(garbage), Contains(garbage));
  }
}
