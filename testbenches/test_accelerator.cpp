// The accelerator end to end: the compiler's descriptors, the SystemC model driven over TLM, and
// its agreement with the functional engine (bit-identical logits, same cycles and counters),
// fault maps in the weight SRAM, and device errors.
//
// SystemC cannot re-elaborate, so every accelerator these tests use is elaborated once, at
// namespace scope, under its own name (ctest runs each TEST_CASE in its own process).
#include <catch2/catch.hpp>

#include <memory>

#include "testbenches/tensor_helpers.hpp"
#include "hw/accelerator.hpp"
#include "hw/weight_tiling.hpp"
#include "models/net/activation_layer.hpp"
#include "models/net/architectures.hpp"
#include "models/net/checkpoint.hpp"
#include "models/random.hpp"
#include "sw/compiler/program.hpp"
#include "sw/data/dataset.hpp"
#include "sw/driver/driver.hpp"
#include "sw/engine/inference.hpp"
#include "sw/train/evaluate.hpp"

using namespace proact;
using proact::testing::random_images;
using proact::testing::same_bits;

namespace {

AcceleratorConfig with_dataflow(const std::string& preset_name, Dataflow dataflow, int rows, int cols) {
  AcceleratorConfig c = preset(preset_name);
  c.dataflow = dataflow;
  c.array_rows = rows;
  c.array_cols = cols;
  c.dram_bytes = 16ull << 20;
  c.validate();
  return c;
}

AcceleratorConfig small_default() {
  AcceleratorConfig c = preset("default");
  c.dram_bytes = 32ull << 20;
  return c;
}

AcceleratorConfig validation_ws() {
  AcceleratorConfig c = preset("validation-4x4");
  c.dram_bytes = 16ull << 20;
  return c;
}

SystemcEngine default_engine(small_default(), "", "acc_default");
SystemcEngine os_engine(with_dataflow("default", Dataflow::os, 16, 8), "", "acc_os");
SystemcEngine is_engine(with_dataflow("default", Dataflow::is, 8, 16), "", "acc_is");
SystemcEngine validation_engine(validation_ws(), "", "acc_validation");

Tensor test_images(std::size_t count) {
  return batch_images(load_fashion_mnist(default_data_dir(), Split::test), 0, count);
}

// Both engines on the same deployment and program: logits bit for bit, reports and counters equal.
void check_engines_agree(SystemcEngine& engine, Deployment& deployment, const AcceleratorConfig& config,
                         const Tensor& images, int batch) {
  const Program program = compile_program(deployment, config, batch);
  const InferenceRun functional = run_functional(deployment, program, config, images);
  const InferenceRun systemc = engine.run(program, images);
  CHECK(same_bits(functional.logits, systemc.logits));
  REQUIRE(functional.layers.size() == systemc.layers.size());
  for (std::size_t i = 0; i < functional.layers.size(); ++i) {
    INFO("descriptor " << i << " " << program.layer_names[i]);
    CHECK(functional.layers[i].total_cycles == systemc.layers[i].total_cycles);
    CHECK(functional.layers[i].stall_cycles == systemc.layers[i].stall_cycles);
    CHECK(functional.layers[i].macs == systemc.layers[i].macs);
  }
  for (std::size_t c = 0; c < kCounterCount; ++c) {
    INFO(counter_name(static_cast<Counter>(c)));
    CHECK(functional.counters[c] == systemc.counters[c]);
  }
}

// Clipped ReLUs as ProAct deploys them: a layer-wise threshold everywhere but the last clipped
// layer, which gets one threshold per output element (thresholds at `scale` x a seeded value).
void clip_all(Network& network, ClipForm form) {
  std::vector<std::size_t> activations;
  for (std::size_t i = 0; i < network.size(); ++i)
    if (dynamic_cast<Activation*>(&network.layer(i))) activations.push_back(i);
  Rng rng(7);
  for (std::size_t i : activations) {
    auto& activation = dynamic_cast<Activation&>(network.layer(i));
    const bool last = i == activations.back();
    Tensor thresholds(last ? network.node(i).output_shape : Shape{1});
    for (float& t : thresholds.values()) t = 0.5f + 2.0f * rng.uniform();
    activation.set_clipping(form, thresholds);
  }
}

}  // namespace

TEST_CASE("layer descriptors survive encode and decode, and bad words are refused", "[accelerator]") {
  LayerDescriptor d;
  d.op = LayerOp::conv;
  d.node = 3;
  d.batch = 16;
  d.input = 0x1040;
  d.output = 0x123456789ull;
  d.weights = 0x2000;
  d.format = Format::q15_16;
  d.in_channels = 6, d.in_height = 14, d.in_width = 14, d.out_channels = 16, d.out_height = 10, d.out_width = 10;
  d.kernel = 5, d.stride = 1, d.padding = 0;
  d.input_scale = 0.25f;
  d.post = PostOp::clip;
  d.threshold_slot = kThresholdTableSlot;
  const std::vector<std::uint32_t> words = d.encode();
  REQUIRE(words.size() == kDescriptorWords);
  const LayerDescriptor back = LayerDescriptor::decode(words.data());
  CHECK(back.encode() == words);
  CHECK(back.gemm_m() == 1600);
  CHECK(back.gemm_k() == 150);

  std::vector<std::uint32_t> bad = words;
  bad[0] = 99;
  CHECK_THROWS_WITH(LayerDescriptor::decode(bad.data()), Catch::Matchers::Contains("op = 99"));
}

TEST_CASE("the compiler fuses activations, frees flatten and names what does not fit", "[accelerator]") {
  Network lenet = build_network("lenet5", 1);
  Deployment deployment(lenet, Format::fp32);
  const Program program = compile_program(deployment, preset("default"), 4);
  std::vector<LayerOp> ops;
  std::vector<PostOp> posts;
  for (const LayerDescriptor& d : program.layers) ops.push_back(d.op), posts.push_back(d.post);
  CHECK(ops == std::vector<LayerOp>{LayerOp::conv, LayerOp::max_pool, LayerOp::conv, LayerOp::max_pool, LayerOp::dense,
                                    LayerOp::dense, LayerOp::dense});
  CHECK(posts == std::vector<PostOp>{PostOp::relu, PostOp::none, PostOp::relu, PostOp::none, PostOp::relu, PostOp::relu,
                                     PostOp::none});
  CHECK(program.layer_names.front() == "conv1");
  CHECK(program.output_elements == 10);

  SECTION("a fold larger than half the weight SRAM") {
    AcceleratorConfig tiny = preset("validation-4x4");
    tiny.dataflow = Dataflow::os;
    CHECK_THROWS_WITH(compile_program(deployment, tiny, 4),
                      Catch::Matchers::Contains("conv2") && Catch::Matchers::Contains("weight_sram_bytes"));
  }
  SECTION("the smooth clip form is for training only") {
    Network clipped = lenet;
    clip_all(clipped, ClipForm::smooth);
    Deployment smooth(clipped, Format::fp32);
    CHECK_THROWS_WITH(compile_program(smooth, preset("default"), 4), Catch::Matchers::Contains("smooth"));
  }
  SECTION("a DRAM too small for the batch") {
    AcceleratorConfig c = preset("default");
    c.dram_bytes = 1 << 20;
    CHECK_THROWS_WITH(compile_program(deployment, c, 256), Catch::Matchers::Contains("dram_bytes"));
  }
}

TEST_CASE("SystemC and functional engines give bit-identical logits on the whole zoo in every format",
          "[accelerator][zoo]") {
  const Tensor images = test_images(24);
  const AcceleratorConfig config = small_default();
  for (const std::string& model : architecture_names()) {
    const Checkpoint checkpoint = load_checkpoint(resolve_model_path(model));
    for (const char* format : {"fp32", "fp16", "bf16", "int8", "q15.16"}) {
      INFO(model << " " << format);
      Deployment deployment(checkpoint.network, parse_format(format), checkpoint.metadata.at("activation_ranges"));
      check_engines_agree(default_engine, deployment, config, images, 16);
    }
  }
}

TEST_CASE("both engines agree in every dataflow, with clipping units and in validation mode", "[accelerator]") {
  Network lenet = build_network("lenet5", 5);
  const Tensor images = random_images(10, 11);
  SECTION("plain ReLU, output and input stationary") {
    Deployment deployment(lenet, Format::fp32);
    check_engines_agree(os_engine, deployment, with_dataflow("default", Dataflow::os, 16, 8), images, 4);
    check_engines_agree(is_engine, deployment, with_dataflow("default", Dataflow::is, 8, 16), images, 4);
  }
  SECTION("hard clip: layer-wise registers and the neuron-wise table") {
    clip_all(lenet, ClipForm::hard);
    Deployment deployment(lenet, Format::fp16);
    const Program program = compile_program(deployment, small_default(), 4);
    CHECK(program.layer_thresholds.size() == 3);
    CHECK(program.threshold_table.size() == 84);
    check_engines_agree(default_engine, deployment, small_default(), images, 4);
    // The clipping changed the function: compare with the unclipped network.
    Deployment unclipped(build_network("lenet5", 5), Format::fp16);
    const InferenceRun plain = run_functional(unclipped, compile_program(unclipped, small_default(), 4), small_default(), images);
    const InferenceRun clipped = run_functional(deployment, program, small_default(), images);
    CHECK_FALSE(same_bits(plain.logits, clipped.logits));
  }
  SECTION("saturating clip") {
    clip_all(lenet, ClipForm::saturate);
    Deployment deployment(lenet, Format::bf16);
    check_engines_agree(is_engine, deployment, with_dataflow("default", Dataflow::is, 8, 16), images, 4);
  }
  SECTION("the per-PE validation array") {
    Deployment deployment(lenet, Format::fp32);
    check_engines_agree(validation_engine, deployment, validation_ws(), random_images(3, 2), 2);
  }
}

TEST_CASE("a weight SRAM fault map hits the weights the mapping stores there, and clears", "[accelerator][faults]") {
  Network lenet = build_network("lenet5", 9);
  Deployment deployment(lenet, Format::fp32);
  const AcceleratorConfig config = small_default();
  const Program program = compile_program(deployment, config, 4);
  const Tensor images = random_images(8, 3);
  const InferenceRun clean = default_engine.run(program, images);

  const std::uint64_t address = GENERATE(5, 700);
  const int bit = GENERATE(30, 22);
  INFO("address " << address << " bit " << bit);
  auto map = std::make_shared<FaultMap>(std::vector<Fault>{{address, bit, FaultKind::flip}});
  default_engine.accelerator().weight_sram().set_fault_map(map);
  const InferenceRun faulty = default_engine.run(program, images);
  default_engine.accelerator().weight_sram().set_fault_hook(nullptr);

  // The same upset applied to every stored weight that the mapping puts in that cell.
  Deployment expected = deployment;
  const std::uint64_t half = config.weight_sram_words() / 2;
  int hits = 0;
  for (const LayerDescriptor& d : program.layers) {
    if (!is_gemm(d.op)) continue;
    const GemmShape shape{d.gemm_m(), d.gemm_n(), d.gemm_k()};
    const std::vector<Fold> plan = fold_plan(shape, config.array_rows, config.array_cols, config.dataflow, config.timing);
    for (std::size_t p = 0; p < expected.parameters().size(); ++p) {
      StoredParameter& stored = expected.parameters()[p];
      if (stored.node != d.node || stored.parameter != "weight") continue;
      for (std::size_t f = 0; f < plan.size(); ++f) {
        const FoldBlock b = fold_block(plan[f], config.dataflow, shape);
        for (long n = b.n0; n < b.n1; ++n)
          for (long k = b.k0; k < b.k1; ++k)
            if (weight_sram_address(b, f, half, n, k) == address) {
              auto& word = stored.stored.words[static_cast<std::size_t>(n * shape.k + k)];
              word = flip_bit(Format::fp32, word, bit);
              ++hits;
            }
      }
      expected.apply(p);
    }
  }
  CHECK(hits > 0);
  CHECK(map->changed_stores() == static_cast<std::uint64_t>(hits) * (images.dim(0) / program.batch));
  const InferenceRun reference = run_functional(expected, program, config, images);
  CHECK(same_bits(faulty.logits, reference.logits));
  CHECK_FALSE(same_bits(faulty.logits, clean.logits));
  // Cleared between inferences, no re-elaboration: the clean logits again.
  CHECK(same_bits(default_engine.run(program, images).logits, clean.logits));
}

TEST_CASE("the driver polls or takes the interrupt, and the device reports bad programs", "[accelerator][driver]") {
  Network lenet = build_network("lenet5", 4);
  Deployment deployment(lenet, Format::int8, nlohmann::json{{"conv1", 1.0}, {"conv2", 4.0}, {"fc1", 8.0}, {"fc2", 8.0}, {"fc3", 8.0}});
  const Program program = compile_program(deployment, small_default(), 4);
  const Tensor images = random_images(4, 5);
  const InferenceRun interrupt = default_engine.run(program, images, {}, false);
  const InferenceRun polled = default_engine.run(program, images, {}, true);
  CHECK(same_bits(interrupt.logits, polled.logits));
  CHECK(interrupt.counters == polled.counters);

  Driver& driver = default_engine.driver();
  std::uint32_t status = 0, error = 0, id = 0;
  bool unmapped_refused = false;
  driver.set_job([&] {
    id = driver.read_register(RegisterId::id);
    driver.write_register(RegisterId::desc_count, 0);
    status = driver.start_and_wait(true);
    error = driver.read_register(RegisterId::error_code);
    try {
      driver.read_word(kCsrBase + 0x3000);
    } catch (const std::runtime_error& e) {
      unmapped_refused = std::string(e.what()).find("ADDRESS_ERROR") != std::string::npos;
    }
  });
  sc_core::sc_start();
  driver.rethrow_job_error();
  CHECK(id == kDeviceIdMagic);
  CHECK((status & kStatusError) != 0);
  CHECK(error == static_cast<std::uint32_t>(DeviceError::bad_descriptor));
  CHECK(unmapped_refused);
  CHECK_THAT(default_engine.accelerator().controller().last_error(), Catch::Matchers::Contains("DESC_COUNT"));
}
