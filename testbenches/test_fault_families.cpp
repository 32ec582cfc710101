// Fault families (sw/faults/fault_family.hpp): which families a model is made of and what they
// need, maps as pure functions of their seeds, each family applied to the functional engine's
// network and put back exactly, and installed on the SystemC model by a guard that removes every
// hook, also when the run throws. That both engines give the same logits for every family's
// maps is test_campaign_engines.cpp.
#include <catch2/catch.hpp>

#include "hw/faults/transient_hook.hpp"
#include "testbenches/elaborated.hpp"
#include "testbenches/fault_helpers.hpp"
#include "testbenches/tensor_helpers.hpp"
#include "sw/engine/inference.hpp"
#include "sw/faults/sram_cell_faults.hpp"
#include "sw/faults/stored_word_flips.hpp"
#include "sw/faults/threshold_cell_faults.hpp"
#include "sw/faults/transient_read_faults.hpp"

using namespace proact;
using proact::testing::campaign_config;
using proact::testing::Elaborated;
using proact::testing::hybrid_clipping;
using proact::testing::random_images;
using proact::testing::random_lenet;
using proact::testing::same_bits;
using Catch::Matchers::Contains;

namespace {

Elaborated<SystemcEngine> families_engine(campaign_config(), std::string(), std::string("acc_families"));

FaultModel with_threshold_faults(const char* name) {
  FaultModel model = FaultModel::named(name);
  model.threshold_faults = true;
  return model;
}

// Every stored word and every threshold of the network, in order.
std::vector<std::uint32_t> words_of(ProtectedNetwork& network) {
  std::vector<std::uint32_t> words;
  for (const StoredParameter& p : network.deployment().parameters())
    words.insert(words.end(), p.stored.words.begin(), p.stored.words.end());
  for (const ClippedLayer& c : network.clipped()) {
    const Tensor& t = dynamic_cast<Activation&>(network.deployment().network().layer(c.node)).parameter("thresholds").value;
    for (float v : t.values()) words.push_back(encode_word(Format::fp32, v));
  }
  return words;
}

}  // namespace

TEST_CASE("fault families: each model's families and what they need", "[faults][families]") {
  const FaultNeeds paper = FaultFamilies(FaultModel::named("proact-paper")).needs();
  CHECK(paper.q15_16_storage);
  CHECK_FALSE((paper.fold_mapping || paper.systemc_engine || paper.sram_cells));
  for (const char* name : {"bernoulli", "stuck-at", "burst", "column", "row", "voltage"}) {
    CAPTURE(name);
    const FaultNeeds cells = FaultFamilies(FaultModel::named(name)).needs();
    CHECK(cells.fold_mapping);
    CHECK(cells.sram_cells);
    CHECK_FALSE((cells.q15_16_storage || cells.systemc_engine));
  }
  const FaultNeeds transient = FaultFamilies(FaultModel::named("transient")).needs();
  CHECK(transient.systemc_engine);
  CHECK_FALSE((transient.sram_cells || transient.fold_mapping));
}

TEST_CASE("fault families: a map is drawn from its seed alone, one part per family", "[faults][families]") {
  const Tensor images = random_images(4, 1);
  const Checkpoint checkpoint = random_lenet(3, images);
  const AcceleratorConfig config = campaign_config(Format::q15_16);
  ProtectedNetwork network(checkpoint, hybrid_clipping(), config, true);

  const FaultFamilies paper(FaultModel::named("proact-paper"));
  const MapFaults a = paper.draw(network, config, 1e-3, 11), b = paper.draw(network, config, 1e-3, 11);
  REQUIRE(a.parts.size() == 1);
  const auto& flips_a = dynamic_cast<const StoredWordFlips&>(*a.parts[0]);
  const auto& flips_b = dynamic_cast<const StoredWordFlips&>(*b.parts[0]);
  CHECK(flips_a.parameters == flips_b.parameters);
  CHECK(flips_a.thresholds == flips_b.thresholds);
  CHECK(a.count() == flips_a.parameters.size() + flips_a.thresholds.size());
  const MapFaults other = paper.draw(network, config, 1e-3, 12);
  CHECK_FALSE(dynamic_cast<const StoredWordFlips&>(*other.parts[0]).parameters == flips_a.parameters);

  const FaultFamilies cells(with_threshold_faults("bernoulli"));
  const MapFaults c = cells.draw(network, config, 1e-3, 11), d = cells.draw(network, config, 1e-3, 11);
  REQUIRE(c.parts.size() == 2);
  CHECK(dynamic_cast<const SramCellFaults&>(*c.parts[0]).cells.data.faults() ==
        dynamic_cast<const SramCellFaults&>(*d.parts[0]).cells.data.faults());
  CHECK(dynamic_cast<const ThresholdCellFaults&>(*c.parts[1]).table.faults() ==
        dynamic_cast<const ThresholdCellFaults&>(*d.parts[1]).table.faults());
  // A family's part does not depend on the others: the weight SRAM's cells are the same without
  // threshold faults.
  const MapFaults alone = FaultFamilies(FaultModel::named("bernoulli")).draw(network, config, 1e-3, 11);
  REQUIRE(alone.parts.size() == 1);
  CHECK(dynamic_cast<const SramCellFaults&>(*alone.parts[0]).cells.data.faults() ==
        dynamic_cast<const SramCellFaults&>(*c.parts[0]).cells.data.faults());

  CHECK_THROWS_WITH(paper.draw(network, config, 2.0, 1), Contains("2"));
}

TEST_CASE("fault families: the functional engine's edits are put back exactly", "[faults][families]") {
  const Tensor images = random_images(4, 2);
  const Checkpoint checkpoint = random_lenet(4, images);
  const char* name = GENERATE("proact-paper", "bernoulli", "column");
  CAPTURE(name);
  const FaultModel model = with_threshold_faults(name);
  const bool paper = model.kind == FaultModelKind::proact_paper;
  const AcceleratorConfig config = campaign_config(paper ? Format::q15_16 : Format::fp32);
  ProtectedNetwork network(checkpoint, hybrid_clipping(), config, paper);
  const Program program = compile_program(network.deployment(), config, 4);
  const WeightPlacement placement(program, network.deployment(), config);
  const std::vector<std::uint32_t> clean = words_of(network);
  const Tensor clean_weights = network.deployment().network().layer(0).parameter("weight").value;

  const MapFaults faults = FaultFamilies(model).draw(network, config, paper ? 1e-3 : 3e-3, 5);
  REQUIRE(faults.count() > 0);
  {
    NetworkEdits edits(network);
    FaultCounts counts;
    for (const auto& part : faults.parts) part->apply(edits, &placement, counts);
    const std::vector<NodeChange> changes = edits.commit();
    CHECK_FALSE(changes.empty());
    CHECK_FALSE(words_of(network) == clean);
  }
  CHECK(words_of(network) == clean);
  CHECK(same_bits(network.deployment().network().layer(0).parameter("weight").value, clean_weights));
}

TEST_CASE("fault families: transient upsets are refused by the functional engine", "[faults][families]") {
  const Tensor images = random_images(4, 3);
  const AcceleratorConfig config = campaign_config();
  ProtectedNetwork network(random_lenet(5, images), no_protection(), config, false);
  const MapFaults faults = FaultFamilies(FaultModel::named("transient")).draw(network, config, 1e-4, 7);
  NetworkEdits edits(network);
  FaultCounts counts;
  CHECK_THROWS_WITH(faults.parts.at(0)->apply(edits, nullptr, counts), Contains("--engine systemc"));
}

TEST_CASE("fault families: the accelerator guard installs every family's hooks and removes them", "[faults][families]") {
  const Tensor images = random_images(4, 4);
  const AcceleratorConfig config = campaign_config();
  ProtectedNetwork network(random_lenet(6, images), hybrid_clipping(), config, false);
  const Program program = compile_program(network.deployment(), config, 4);
  Accelerator& accelerator = families_engine->accelerator();
  const MapFaults cells = FaultFamilies(with_threshold_faults("bernoulli")).draw(network, config, 3e-3, 9);
  const MapFaults transient = FaultFamilies(FaultModel::named("transient")).draw(network, config, 1e-4, 9);
  const auto clean = [&] {
    return !accelerator.weight_sram().fault_hook() && !accelerator.csr().clip_thresholds().fault_hook() &&
           !accelerator.csr().threshold_table().fault_hook();
  };
  REQUIRE(clean());
  {
    AcceleratorFaults target(accelerator, network, program, 1);
    for (const auto& part : cells.parts) part->install(target);
    CHECK(std::dynamic_pointer_cast<ProtectedMemoryHook>(accelerator.weight_sram().fault_hook()));
    CHECK(accelerator.csr().clip_thresholds().fault_hook());
    CHECK(accelerator.csr().threshold_table().fault_hook());
    // A read-path family wraps the hook installed before it.
    transient.parts.at(0)->install(target);
    CHECK(std::dynamic_pointer_cast<TransientReadHook>(accelerator.weight_sram().fault_hook()));
    CHECK(target.counts().read_flips == 0);  // nothing read yet
  }
  CHECK(clean());
  try {
    AcceleratorFaults target(accelerator, network, program, 1);
    for (const auto& part : cells.parts) part->install(target);
    throw std::runtime_error("the run failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(clean());
  // The stored-word flips change the guard's copy of the program, never the original.
  ProtectedNetwork paper_network(random_lenet(6, images), hybrid_clipping(), campaign_config(Format::q15_16), true);
  const Program paper_program = compile_program(paper_network.deployment(), campaign_config(Format::q15_16), 4);
  const MapFaults flips =
      FaultFamilies(FaultModel::named("proact-paper")).draw(paper_network, campaign_config(Format::q15_16), 1e-3, 9);
  AcceleratorFaults target(accelerator, paper_network, paper_program, 1);
  flips.parts.at(0)->install(target);
  bool changed = false;
  for (std::size_t s = 0; s < paper_program.segments.size(); ++s)
    changed = changed || paper_program.segments[s].words != target.program().segments[s].words;
  CHECK(changed);
}
