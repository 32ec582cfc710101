// The energy model (hw/energy/): one layer's energy and the default accelerator's area worked out
// by hand from the shipped table's numbers, the voltage laws, the ECC's gate count, the table's
// validation, and a SystemC run whose energy is its counters priced (simulate --json).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "error_helpers.hpp"
#include "file_helpers.hpp"
#include "hw/control/layer_timing.hpp"
#include "hw/energy/energy_model.hpp"
#include "hw/energy/energy_table.hpp"

using namespace proact;
using Catch::Matchers::WithinRel;

namespace {

// The shipped table's numbers, as docs/energy.md cites them.
constexpr double kMacFp32 = 4.6;      // pJ, Horowitz: FP32 multiply 3.7 + add 0.9
constexpr double kRegisterBit = 0.009;  // pJ per bit
constexpr double kCompare = 0.1;        // pJ
constexpr double kDramBit = 30.5;       // pJ per bit
constexpr double kLeakBit = 1.0;        // nW per bit at 1.0 V
constexpr double kCellUm2 = 1.215;      // um^2 per SRAM bit
// 64-bit access energy between Horowitz's 32 KB (20 pJ) and 1 MB (100 pJ) points, log-log.
double sram64(double kib) { return 20.0 * std::pow(kib / 32.0, std::log(5.0) / std::log(32.0)); }

LayerDescriptor clipped_dense() {
  LayerDescriptor d;
  d.op = LayerOp::dense;
  d.in_channels = 8;
  d.out_channels = 8;
  d.post = PostOp::clip;
  return d;
}

}  // namespace

TEST_CASE("the shipped table is the file's numbers, each with its source", "[energy]") {
  const EnergyTable table = builtin_energy_table();
  CHECK(table.nominal_volts == 1.0);
  CHECK(table.mac_energy(Format::fp32).value == kMacFp32);
  CHECK(table.mac_energy(Format::int8).value == 0.3);
  CHECK(table.register_read_pj_per_bit.value == kRegisterBit);
  CHECK(table.comparator_pj.value == kCompare);
  CHECK(table.dram_pj_per_bit.value == kDramBit);
  CHECK(table.sram_leakage_nw_per_bit.value == kLeakBit);
  CHECK(table.sram_um2_per_bit.value == kCellUm2);
  CHECK_THAT(table.sram_access_pj(8, 64), WithinRel(10.0, 1e-12));     // the points themselves
  CHECK_THAT(table.sram_access_pj(1024, 32), WithinRel(50.0, 1e-12));  // half the bits, half the energy
  CHECK_THAT(table.sram_access_pj(2, 64), WithinRel(5.0, 1e-12));      // the first slope (x2 per x4) extended
  for (const auto& [format, value] : table.mac_pj) CHECK_FALSE(value.source.empty());
  CHECK(table.leakage_volts_exponent.source.find("Roy") != std::string::npos);
}

TEST_CASE("one clipped dense layer's energy, worked out by hand", "[energy]") {
  const AcceleratorConfig config = preset("default");  // 256 KiB weight SRAM (two 128 KiB halves), 256 KiB banks
  const LayerReport r = layer_timing(clipped_dense(), config);
  // The counts test_layer_timing works out: 64 MACs, 64 weight words, 8 + 8 activation words,
  // 80 DRAM reads and 8 writes, 217 cycles; and 8 clipped outputs.
  REQUIRE(r.macs == 64);
  REQUIRE(r.weight_sram_words == 64);
  REQUIRE(r.act_reads + r.act_writes == 16);
  REQUIRE(r.dram_reads + r.dram_writes == 88);
  REQUIRE(r.total_cycles == 217);
  REQUIRE(r.clip_compares == 8);

  const EnergyModel model(builtin_energy_table(), config, 1.0);
  const EnergyBreakdown e = model.layer(r, false);
  CHECK_THAT(e.mac, WithinRel(64 * kMacFp32, 1e-12));
  CHECK_THAT(e.weight_sram, WithinRel(2 * 64 * sram64(128) / 2, 1e-12));  // stored and read back, 32 of 64 bits
  CHECK_THAT(e.act_sram, WithinRel(16 * sram64(256) / 2, 1e-12));
  CHECK_THAT(e.clip, WithinRel(8 * (32 * kRegisterBit + kCompare), 1e-12));
  CHECK(e.ecc == 0);
  CHECK_THAT(e.dram, WithinRel(88 * 32 * kDramBit, 1e-12));
  // 256 KiB weights + 2 x 256 KiB activations + 64 Ki threshold words: 4 x 2^21 cells at 1 nW,
  // 217 cycles of 1 ns: 1e-18 J = 1e-6 pJ per nW ns.
  CHECK_THAT(e.leakage, WithinRel(4.0 * (1 << 21) * kLeakBit * 217 * 1e-6, 1e-12));
  CHECK_THAT(e.total(), WithinRel(e.mac + e.weight_sram + e.act_sram + e.clip + e.dram + e.leakage, 1e-12));

  SECTION("a neuron-wise clip unit reads a word of the 256 KiB threshold table instead of a register") {
    CHECK_THAT(model.layer(r, true).clip, WithinRel(8 * (sram64(256) / 2 + kCompare), 1e-12));
  }
  SECTION("the weight SRAM at 0.7 V: dynamic energy x 0.49, its cells' leakage by the DIBL law") {
    const EnergyModel low(builtin_energy_table(), config, 0.7);
    const EnergyBreakdown l = low.layer(r, false);
    CHECK_THAT(l.weight_sram, WithinRel(0.49 * e.weight_sram, 1e-12));
    CHECK(l.mac == e.mac);
    CHECK(l.dram == e.dram);
    const double weight_leak_scale = 0.7 * std::exp(2.57 * (0.7 - 1.0));
    CHECK_THAT(l.leakage, WithinRel(e.leakage * (weight_leak_scale + 3.0) / 4.0, 1e-12));
  }
  SECTION("area: cells at 1.215 um^2, 1024 fp32 MACs at 11884 um^2, 64 threshold registers") {
    const AreaBreakdown& a = model.area();
    CHECK_THAT(a.weight_sram, WithinRel((1 << 21) * kCellUm2 * 1e-6, 1e-12));
    CHECK_THAT(a.act_sram, WithinRel(2.0 * (1 << 21) * kCellUm2 * 1e-6, 1e-12));
    CHECK_THAT(a.thresholds, WithinRel(((1 << 21) * kCellUm2 + 64 * 32 * 5.98) * 1e-6, 1e-12));
    CHECK_THAT(a.pe_array, WithinRel(1024 * 11884 * 1e-6, 1e-12));
  }
}

TEST_CASE("ECC costs its check cells on every weight access and its gates on every encode and decode", "[energy]") {
  const EccGates parity = ecc_gates(EccCode(EccScheme::parity, 32));
  CHECK(parity.encode == 31);            // one tree over 32 bits
  CHECK(parity.decode == 32 + 32);       // the tree with the stored bit, then zeroing 32 bits on an error
  const EccGates secded = ecc_gates(EccCode(EccScheme::secded_39_32, 32));
  CHECK(secded.encode > parity.encode);
  CHECK(secded.decode >= secded.encode + 7 + 32 * 7);
  CHECK(ecc_gates(EccCode(EccScheme::none, 32)).decode == 0);

  AcceleratorConfig config = preset("default");
  const EnergyModel plain(builtin_energy_table(), config, 1.0);
  config.weight_sram_ecc = EccScheme::secded_39_32;
  const EnergyModel protected_model(builtin_energy_table(), config, 1.0);
  CHECK_THAT(protected_model.prices().weight_word, WithinRel(plain.prices().weight_word * 39 / 32, 1e-12));
  CHECK_THAT(protected_model.prices().ecc_decode_word, WithinRel(secded.decode * 0.00057, 1e-12));
  CHECK_THAT(protected_model.area().weight_sram, WithinRel(plain.area().weight_sram * 39 / 32, 1e-12));
}

TEST_CASE("a bad energy table or voltage is refused, naming what is wrong", "[energy]") {
  nlohmann::json json = nlohmann::json::parse(builtin_energy_table_json());
  using testing::error_of;
  SECTION("a number without a source") {
    json["dram_pj_per_bit"].erase("source");
    CHECK_THAT(error_of([&] { energy_table_from_json(json); }), Catch::Contains("dram_pj_per_bit.source: missing"));
  }
  SECTION("a missing weight format") {
    json["mac_pj"].erase("bf16");
    CHECK_THAT(error_of([&] { energy_table_from_json(json); }), Catch::Contains("mac_pj.bf16: missing"));
  }
  SECTION("a negative price") {
    json["comparator_pj"]["value"] = -1;
    CHECK_THAT(error_of([&] { energy_table_from_json(json); }),
               Catch::Contains("comparator_pj.value: not a positive finite number"));
  }
  SECTION("SRAM points out of order") {
    json["sram_access_pj_per_64_bits"]["points"][1]["kib"] = 4;
    CHECK_THAT(error_of([&] { energy_table_from_json(json); }), Catch::Contains("points[1].kib: capacities must increase"));
  }
  SECTION("a file names itself") {
    testing::TempDir dir;
    const std::string path = dir.file("bad.json");
    std::ofstream(path) << "{\"name\": \"x\"}";
    CHECK_THAT(error_of([&] { load_energy_table(path); }), Catch::Contains("energy table '" + path + "': nominal_volts: missing"));
  }
  SECTION("a weight SRAM voltage above nominal") {
    CHECK_THAT(error_of([&] { EnergyModel(builtin_energy_table(), preset("default"), 1.2); }),
               Catch::Contains("weight SRAM voltage 1.2 V is outside (0, 1] V"));
  }
}

TEST_CASE("simulate prices the SystemC model's counters: its energy is what they count", "[energy][cli]") {
  const testing::Run run = testing::run_cli("simulate --model lenet5 --limit 64 --json --weight-sram-volts 0.8");
  REQUIRE(run.exit_code == 0);
  const nlohmann::json out = nlohmann::json::parse(run.output);
  const nlohmann::json& counters = out.at("counters");
  const nlohmann::json& energy = out.at("energy").at("network_pj");
  const EnergyModel model(builtin_energy_table(), preset("default"), 0.8);
  const auto count = [&](const char* name) { return counters.at(name).get<double>(); };
  CHECK_THAT(energy.at("mac").get<double>(), WithinRel(count("MACS") * model.prices().mac, 1e-9));
  CHECK_THAT(energy.at("weight_sram").get<double>(),
             WithinRel((count("WEIGHT_SRAM_READS") + count("WEIGHT_SRAM_WRITES")) * model.prices().weight_word, 1e-9));
  CHECK_THAT(energy.at("act_sram").get<double>(),
             WithinRel((count("ACT_SRAM_READS") + count("ACT_SRAM_WRITES")) * model.prices().act_word, 1e-9));
  CHECK_THAT(energy.at("dram").get<double>(),
             WithinRel((count("DRAM_READS") + count("DRAM_WRITES")) * model.prices().dram_word, 1e-9));
  CHECK_THAT(energy.at("leakage").get<double>(), WithinRel(count("CYCLES") * model.prices().leakage_per_cycle, 1e-9));
  CHECK_THAT(out.at("energy").at("per_image_pj").at("total").get<double>(),
             WithinRel(energy.at("total").get<double>() / 64, 1e-9));
  CHECK(out.at("area_mm2").at("total").get<double>() > 0);
}
