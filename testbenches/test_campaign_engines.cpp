// Fault maps on both engines: the functional engine (stored words changed through the fold
// mapping, incremental forward) and the SystemC model (fault hooks on the weight SRAM and CSR
// threshold stores, flipped DRAM words) give bit-identical logits and equal ECC counts for the
// same map; the incremental forward equals the naive one.
//
// The accelerator is declared once and elaborated on first use (testbenches/elaborated.hpp).
#include <catch2/catch.hpp>


#include "testbenches/elaborated.hpp"
#include "testbenches/fault_helpers.hpp"
#include "testbenches/tensor_helpers.hpp"
#include "models/net/activation_layer.hpp"
#include "models/net/architectures.hpp"
#include "models/random.hpp"
#include "sw/campaign/cache_budget.hpp"
#include "sw/campaign/map_runner.hpp"
#include "sw/faults/sram_cell_faults.hpp"
#include "sw/faults/stored_word_flips.hpp"
#include "sw/faults/threshold_cell_faults.hpp"

using namespace proact;
using proact::testing::Elaborated;
using proact::testing::campaign_config;
using proact::testing::hybrid_clipping;
using proact::testing::random_lenet;
using proact::testing::random_images;
using proact::testing::same_bits;
using Catch::Matchers::Contains;

namespace {

Elaborated<SystemcEngine> campaign_engine(campaign_config(), std::string(), std::string("acc_campaign"));

}  // namespace

TEST_CASE("campaign engines: weight-SRAM maps give bit-identical logits and ECC counts on both engines", "[campaign][engines]") {
  const Tensor images = random_images(8, 3);
  const Checkpoint checkpoint = random_lenet(9, images);
  const EccScheme ecc = GENERATE(EccScheme::none, EccScheme::parity, EccScheme::secded_39_32, EccScheme::secded_72_64);
  AcceleratorConfig config = campaign_config();
  config.weight_sram_ecc = ecc;
  const std::string model_name = GENERATE("bernoulli", "stuck-at", "burst");
  INFO(model_name << " with ECC " << ecc_scheme_name(ecc));
  FaultModel model = FaultModel::named(model_name);
  model.threshold_faults = true;
  ProtectedNetwork network(checkpoint, hybrid_clipping(), config, false);
  SystemcRunner systemc(*campaign_engine, network, config, 4, images);
  FunctionalRunner functional(network, config, &systemc.program(), images);
  CHECK(same_bits(functional.clean_logits(), systemc.clean_logits()));
  int changed = 0;
  for (std::size_t m = 0; m < 3; ++m) {
    const MapFaults faults = FaultFamilies(model).draw(network, config, 4e-3, map_seed(1, model, 4e-3, m));
    REQUIRE(faults.parts.size() == 2);
    REQUIRE(dynamic_cast<const SramCellFaults*>(faults.parts[0].get()));
    REQUIRE(dynamic_cast<const ThresholdCellFaults*>(faults.parts[1].get()));
    const MapOutcome a = functional.run(faults);
    const MapOutcome b = systemc.run(faults);
    INFO("map " << m << ", " << faults.count() << " faults");
    CHECK(same_bits(a.logits, b.logits));
    CHECK(a.counts.ecc == b.counts.ecc);
    changed += !same_bits(a.logits, functional.clean_logits());
    if (ecc == EccScheme::none) CHECK(a.counts.ecc.silent > 0);
    if (ecc != EccScheme::none) CHECK(a.counts.ecc.corrected + a.counts.ecc.detected + a.counts.ecc.silent > 0);
  }
  CHECK(changed > 0);
  // Both engines are clean again afterwards.
  CHECK(same_bits(functional.run(MapFaults{}).logits, functional.clean_logits()));
  CHECK(same_bits(systemc.run(MapFaults{}).logits, systemc.clean_logits()));
}

TEST_CASE("campaign engines: proact-paper maps give bit-identical logits on both engines", "[campaign][engines]") {
  const Tensor images = random_images(8, 4);
  const AcceleratorConfig config = campaign_config(Format::q15_16);
  const Checkpoint checkpoint = random_lenet(5, images);
  const FaultModel model = FaultModel::named("proact-paper");
  ProtectedNetwork network(checkpoint, hybrid_clipping(), config, true);
  SystemcRunner systemc(*campaign_engine, network, config, 4, images);
  FunctionalRunner functional(network, config, nullptr, images);
  CHECK(same_bits(functional.clean_logits(), systemc.clean_logits()));
  for (double ber : {1e-5, 1e-4, 1e-3}) {
    const MapFaults faults = FaultFamilies(model).draw(network, config, ber, map_seed(2, model, ber, 0));
    const auto& flips = dynamic_cast<const StoredWordFlips&>(*faults.parts.at(0));
    INFO("BER " << ber << ": " << flips.parameters.size() << " weight flips, " << flips.thresholds.size()
                << " threshold flips");
    if (ber >= 1e-3) CHECK(!flips.thresholds.empty());  // 84 neuron-wise thresholds * 32 bits
    CHECK(same_bits(functional.run(faults).logits, systemc.run(faults).logits));
  }
}

TEST_CASE("campaign engines: neuron-wise thresholds in every layer, faulted in their table windows, agree on both engines", "[campaign][engines]") {
  const Tensor images = random_images(8, 5);
  const Checkpoint checkpoint = random_lenet(6, images);
  for (const char* name : {"bernoulli", "proact-paper"}) {
    FaultModel model = FaultModel::named(name);
    model.threshold_faults = true;
    const bool paper = model.kind == FaultModelKind::proact_paper;
    const AcceleratorConfig config = campaign_config(paper ? Format::q15_16 : Format::fp32);
    ProtectedNetwork network(checkpoint, hybrid_clipping(true), config, paper);
    REQUIRE(network.neuron_wise_layers() == 4);
    CHECK(network.clipped()[2].unit.table_base == 4704 + 1600);  // windows packed in execution order
    SystemcRunner systemc(*campaign_engine, network, config, 4, images);
    FunctionalRunner functional(network, config, paper ? nullptr : &systemc.program(), images);
    CHECK(same_bits(functional.clean_logits(), systemc.clean_logits()));
    int changed = 0;
    for (std::size_t m = 0; m < 3; ++m) {
      const double rate = paper ? 1e-3 : 4e-3;
      const MapFaults faults = FaultFamilies(model).draw(network, config, rate, map_seed(4, model, rate, m));
      INFO(name << " map " << m << ", " << faults.count() << " faults");
      const MapOutcome a = functional.run(faults);
      CHECK(same_bits(a.logits, systemc.run(faults).logits));
      changed += !same_bits(a.logits, functional.clean_logits());
    }
    CHECK(changed > 0);
  }
}

TEST_CASE("campaign engines: the incremental forward equals the naive forward bit for bit", "[campaign][engines]") {
  const Tensor images = random_images(40, 6);
  const Format format = GENERATE(Format::q15_16, Format::int8, Format::fp16);
  const AcceleratorConfig config = campaign_config(format);
  INFO(format_name(format));
  const Checkpoint checkpoint = random_lenet(8, images);
  ProtectedNetwork network(checkpoint, hybrid_clipping(), config, format == Format::q15_16);
  const Program program = compile_program(network.deployment(), config, 16);
  FunctionalRunner fast(network, config, &program, images, true);
  FunctionalRunner naive(network, config, &program, images, false);
  // A cache too small for the early layers: runs that start there recompute from the images.
  FunctionalRunner trimmed(network, config, &program, images, true, 64 * 1024);
  CHECK(trimmed.forward().kept_nodes() < fast.forward().kept_nodes());
  CHECK(same_bits(fast.clean_logits(), naive.clean_logits()));
  // run_functional on the clean deployment: the engine the campaign's numbers must match.
  CHECK(same_bits(fast.clean_logits(), run_functional(network.deployment(), program, config, images).logits));
  for (const char* name : {"proact-paper", "bernoulli", "column"}) {
    FaultModel model = FaultModel::named(name);
    model.threshold_faults = true;
    const double rate = model.kind == FaultModelKind::proact_paper ? 3e-5 : model.kind == FaultModelKind::column ? 3e-3 : 1e-3;
    for (std::size_t m = 0; m < 4; ++m) {
      const MapFaults faults = FaultFamilies(model).draw(network, config, rate, map_seed(3, model, rate, m));
      INFO(name << " map " << m);
      const Tensor expected = naive.run(faults).logits;
      CHECK(same_bits(fast.run(faults).logits, expected));
      CHECK(same_bits(trimmed.run(faults).logits, expected));
    }
  }
}

TEST_CASE("campaign engines: the automatic activation cache takes half the free memory, shared", "[campaign][engines]") {
  constexpr std::size_t kGiB = std::size_t{1} << 30, kMiB = std::size_t{1} << 20;
  CHECK(automatic_cache_bytes(16 * kGiB, 1, 1) == 8 * kGiB);
  CHECK(automatic_cache_bytes(16 * kGiB, 1, 2) == 4 * kGiB);  // per protection
  CHECK(automatic_cache_bytes(16 * kGiB, 4, 2) == 1 * kGiB);  // four processes on the machine
  CHECK(automatic_cache_bytes(100 * kMiB, 1, 1) == 256 * kMiB);  // the floor
  CHECK(automatic_cache_bytes(16 * kGiB, 0, 0) == 8 * kGiB);     // no count below one
  CHECK(available_memory_bytes() > 0);
}

TEST_CASE("campaign engines: the functional engine refuses what it cannot apply exactly", "[campaign][engines]") {
  const Tensor images = random_images(4, 1);
  const Checkpoint checkpoint = random_lenet(2, images);
  SECTION("output-stationary folds reload every weight") {
    AcceleratorConfig os = campaign_config();
    os.dataflow = Dataflow::os;
    os.weight_sram_bytes = 256 * 1024;
    ProtectedNetwork network(checkpoint, no_protection(), os, false);
    const Program program = compile_program(network.deployment(), os, 4);
    CHECK_THROWS_WITH(FunctionalRunner(network, os, &program, images),
                      Contains("conv1") && Contains("--engine systemc"));
  }
  SECTION("transient read flips need the SystemC engine, where they are reproducible") {
    const AcceleratorConfig config = campaign_config();
    ProtectedNetwork network(checkpoint, no_protection(), config, false);
    const FaultModel model = FaultModel::named("transient");
    const MapFaults faults = FaultFamilies(model).draw(network, config, 1e-4, 77);
    FunctionalRunner functional(network, config, nullptr, images);
    CHECK_THROWS_WITH(functional.run(faults), Contains("--engine systemc"));
    SystemcRunner systemc(*campaign_engine, network, config, 4, images);
    const Tensor first = systemc.run(faults).logits;
    CHECK_FALSE(same_bits(first, systemc.clean_logits()));
    CHECK(same_bits(first, systemc.run(faults).logits));
  }
}
