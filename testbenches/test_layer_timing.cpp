// The accelerator's timing model (hw/control/layer_timing.hpp): the DRAM channel, the DMA schedule
// of a layer worked out by hand, and the roofline that bounds every layer of the zoo from below.
#include <catch2/catch.hpp>

#include "hw/control/dma_schedule.hpp"
#include "hw/control/layer_timing.hpp"
#include "hw/memory/dram_channel.hpp"
#include "models/net/checkpoint.hpp"
#include "models/net/architectures.hpp"
#include "sw/compiler/program.hpp"

using namespace proact;

namespace {

// 4 words per cycle, 100 cycles read latency: the default preset's DRAM.
AcceleratorConfig default_dram() {
  AcceleratorConfig c = preset("default");
  REQUIRE(c.dram_words_per_cycle == 4.0);
  REQUIRE(c.dram_latency_cycles == 100);
  return c;
}

LayerDescriptor dense(long in_features, long out_features, int batch) {
  LayerDescriptor d;
  d.op = LayerOp::dense;
  d.batch = static_cast<std::uint32_t>(batch);
  d.in_channels = static_cast<std::uint32_t>(in_features);
  d.out_channels = static_cast<std::uint32_t>(out_features);
  return d;
}

}  // namespace

TEST_CASE("the DRAM channel serves transfers in issue order, hiding a read's latency behind a busy channel",
          "[timing]") {
  DramChannel channel(default_dram());
  CHECK(channel.read(0, 40) == 110);    // data from 100, 10 cycles
  CHECK(channel.read(0, 8) == 112);     // issued at 0 too: its latency passed while the first moved
  CHECK(channel.write(50, 4) == 113);   // posted, but behind the reads
  CHECK(channel.write(200, 6) == 202);  // an idle channel: no latency for a write
  CHECK(channel.read(200, 0) == 200);   // nothing to move
  CHECK(channel.free_at() == 202);
  CHECK(channel.busy_cycles(5) == 2);
}

TEST_CASE("one small dense layer's cycles and traffic, worked out by hand", "[timing]") {
  const AcceleratorConfig config = default_dram();  // 32x32 weight-stationary, SCALE-Sim's fold cycles
  // K = 8 inputs, N = 8 outputs, one image: one fold of 2R + C + M - 2 = 64 + 32 + 1 - 2 = 95 cycles.
  const LayerReport r = layer_timing(dense(8, 8, 1), config);
  // Weights (64 words) and bias (8) are read at cycle 0: data from 100, 18 cycles -> 118; the
  // input (8 words) follows on the channel -> 120; the fold computes 120..215; its 8 outputs
  // drain 215..217.
  CHECK(r.folds == 1);
  CHECK(r.dram_reads == 64 + 8 + 8);
  CHECK(r.dram_writes == 8);
  CHECK(r.weight_stall_cycles == 118);
  CHECK(r.input_stall_cycles == 2);
  CHECK(r.output_stall_cycles == 2);
  CHECK(r.compute_cycles == 95);
  CHECK(r.total_cycles == 217);
  CHECK(r.macs == 64);
  REQUIRE(r.transfers.size() == 3);
  CHECK(r.transfers[2].kind == DmaKind::output);
  CHECK(r.transfers[2].issue_cycle == 215);
  // 64 of the 1024 PEs hold weights: 960 x 95 PE-cycles idle in a partial fold, 64 x 94 filling
  // and draining around the 64 MACs.
  CHECK(r.partial_fold_pe_cycles == 960 * 95);
  CHECK(r.fill_drain_pe_cycles == 64 * 95 - 64);
  CHECK(r.act_writes == 8);  // the result, staged: written, then read back by the drain
  CHECK(r.act_reads == 8);

  SECTION("its input and result in the activation SRAM move no DRAM words") {
    LayerDescriptor d = dense(8, 8, 1);
    d.input_on_chip = d.output_on_chip = true;
    const LayerReport on_chip = layer_timing(d, config);
    CHECK(on_chip.dram_reads == 64 + 8);  // weights and bias: ready at 118
    CHECK(on_chip.dram_writes == 0);
    CHECK(on_chip.total_cycles == 118 + 95);
    CHECK(on_chip.act_writes == 8);  // the result, kept
    CHECK(on_chip.act_reads == 8);   // the input
  }
}

TEST_CASE("a layer's folds read each weight block once and the input once when it fits a bank", "[timing]") {
  const AcceleratorConfig config = default_dram();
  // K = 64, N = 48: 2 row folds x 2 column folds (columns outer); M = 16 images.
  const LayerReport r = layer_timing(dense(64, 48, 16), config);
  CHECK(r.folds == 4);
  // Weights 64 x 48, bias 48, the input 16 x 64 once (the second column fold reuses it).
  CHECK(r.dram_reads == 64 * 48 + 48 + 16 * 64);
  CHECK(r.dram_writes == 16 * 48);
  CHECK(r.weight_sram_words == 64 * 48);
  long input = 0, output = 0;
  for (const DmaTransfer& t : r.transfers) {
    if (t.kind == DmaKind::input) input += t.words;
    if (t.kind == DmaKind::output) output += t.words;
  }
  CHECK(input == 16 * 64);
  CHECK(output == 16 * 48);

  SECTION("an input larger than a bank is fetched again by every fold that reuses it") {
    AcceleratorConfig small = config;
    small.act_sram_bytes = 512 * 4;  // 512 words per bank < 16 x 64 input words
    const LayerReport s = layer_timing(dense(64, 48, 16), small);
    CHECK(s.dram_reads == 64 * 48 + 48 + 2 * 16 * 64);
    CHECK(s.dram_writes == 16 * 48);
  }
}

TEST_CASE("every layer of the zoo is at or above its roofline bound, and its PE-cycles add up",
          "[timing][zoo]") {
  // Every preset as it is (but scalesim-32x32, SCALE-Sim's config for `proact cycles`: its 64 KiB
  // weight SRAM holds no zoo model's largest fold in OS), and the default in the other dataflows.
  std::vector<std::pair<std::string, AcceleratorConfig>> configs;
  for (const std::string& name : preset_names())
    if (name != "scalesim-32x32") configs.emplace_back(name, preset(name));
  for (const Dataflow dataflow : {Dataflow::os, Dataflow::is}) {
    configs.emplace_back("default " + dataflow_name(dataflow), preset("default"));
    configs.back().second.dataflow = dataflow;
  }
  for (const auto& [name, config] : configs) {
    for (const std::string& model : architecture_names()) {
      const Checkpoint checkpoint = load_checkpoint(resolve_model_path(model));
      Deployment deployment(checkpoint.network, config.weight_format, checkpoint.metadata.at("activation_ranges"));
      const Program program = compile_program(deployment, config, name.rfind("default", 0) == 0 ? 64 : 4);
      for (std::size_t i = 0; i < program.layers.size(); ++i) {
        INFO(name << " " << model << " " << program.layer_names[i]);
        const LayerReport r = layer_timing(program.layers[i], config);
        const RooflineBound bound = roofline_bound(r, config);
        CHECK(bound.cycles() > 0);
        CHECK(r.total_cycles >= bound.cycles());
        CHECK(r.total_cycles == r.compute_cycles + r.stall_cycles);
        CHECK(r.stall_cycles == r.weight_stall_cycles + r.input_stall_cycles + r.output_stall_cycles);
        CHECK(pe_cycles(r, config).total() == static_cast<long>(config.array_rows) * config.array_cols * r.total_cycles);
        long reads = 0, writes = 0;
        for (const DmaTransfer& t : r.transfers) (t.kind == DmaKind::output ? writes : reads) += t.words;
        CHECK(reads == r.dram_reads);
        CHECK(writes == r.dram_writes);
      }
    }
  }
}
