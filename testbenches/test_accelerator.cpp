// The accelerator end to end: the compiler's descriptors, the SystemC model driven over TLM, and
// its agreement with the functional engine (bit-identical logits, same cycles and counters),
// fault maps in the weight SRAM, and device errors.
//
// Every accelerator these tests use is declared once, under its own name, and elaborated on
// first use (testbenches/elaborated.hpp).
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <set>

#include "testbenches/elaborated.hpp"
#include "testbenches/error_helpers.hpp"
#include "testbenches/tensor_helpers.hpp"
#include "hw/accelerator.hpp"
#include "hw/array/weight_tiling.hpp"
#include "hw/control/layer_executor.hpp"
#include "models/net/activation_layer.hpp"
#include "models/net/architectures.hpp"
#include "models/net/checkpoint.hpp"
#include "models/onnx/import.hpp"
#include "models/random.hpp"
#include "sw/compiler/program.hpp"
#include "sw/data/dataset.hpp"
#include "sw/driver/driver.hpp"
#include "sw/engine/inference.hpp"
#include "sw/train/evaluate.hpp"

using namespace proact;
using proact::testing::Elaborated;
using proact::testing::error_of;
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

Elaborated<SystemcEngine> default_engine(small_default(), std::string(), std::string("acc_default"));
Elaborated<SystemcEngine> os_engine(with_dataflow("default", Dataflow::os, 16, 8), std::string(), std::string("acc_os"));
Elaborated<SystemcEngine> is_engine(with_dataflow("default", Dataflow::is, 8, 16), std::string(), std::string("acc_is"));
Elaborated<SystemcEngine> validation_engine(validation_ws(), std::string(), std::string("acc_validation"));

// count seeded inputs of the given per-sample shape, uniform in [-1, 2) so that clamps bite.
Tensor seeded_inputs(int count, const Shape& shape, std::uint64_t seed) {
  Shape full{count};
  full.insert(full.end(), shape.begin(), shape.end());
  Tensor images(full);
  Rng rng(seed);
  for (float& v : images.values()) v = -1.0f + 3.0f * rng.uniform();
  return images;
}

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
// Clips every activation of `network`: layer-wise with a random threshold, except the last one
// (or every one with `all_neuron_wise`), which gets one random threshold per output element.
void clip_all(Network& network, ClipForm form, bool all_neuron_wise = false) {
  std::vector<std::size_t> activations;
  for (std::size_t i = 0; i < network.size(); ++i)
    if (dynamic_cast<Activation*>(&network.layer(i))) activations.push_back(i);
  Rng rng(7);
  for (std::size_t i : activations) {
    auto& activation = dynamic_cast<Activation&>(network.layer(i));
    const bool neuron_wise = all_neuron_wise || i == activations.back();
    Tensor thresholds(neuron_wise ? network.node(i).output_shape : Shape{1});
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
  d.kernel = {5, 3}, d.stride = {1, 2}, d.dilation = {2, 1}, d.padding = {4, 1, 4, 0};
  d.groups = 2;
  d.input_scale = 0.25f;
  d.post = PostOp::clip;
  d.clamp = {-1.0f, 6.0f};
  d.clip_unit = 63;
  const std::vector<std::uint32_t> words = d.encode();
  REQUIRE(words.size() == kDescriptorWords);
  const LayerDescriptor back = LayerDescriptor::decode(words.data());
  CHECK(back.encode() == words);
  CHECK(back.conv_window() == d.conv_window());
  CHECK(back.clamp == d.clamp);
  CHECK(back.gemm_m() == 1600);
  CHECK(back.gemm_n() == 8);   // per group
  CHECK(back.gemm_k() == 45);  // 3 channels x 5 x 3
  CHECK(back.gemm_groups() == 2);

  LayerDescriptor pool;
  pool.op = LayerOp::avg_pool;
  pool.kernel = {3, 2}, pool.stride = {2, 2}, pool.padding = {1, 0, 1, 0};
  pool.ceil_mode = true, pool.count_include_pad = true;
  CHECK(LayerDescriptor::decode(pool.encode().data()).pool_window() == pool.pool_window());
  LayerDescriptor pad;
  pad.op = LayerOp::pad, pad.padding = {0, 1, 2, 3}, pad.pad_value = 0.5f;
  CHECK(LayerDescriptor::decode(pad.encode().data()).encode() == pad.encode());

  const auto refusal = [&](std::size_t word, std::uint32_t value) {
    std::vector<std::uint32_t> bad = words;
    bad[word] = value;
    return error_of([&] { LayerDescriptor::decode(bad.data()); });
  };
  CHECK_THAT(refusal(0, 99), Catch::Matchers::Contains("op = 99"));
  // Groups that do not divide the channels; a zero kernel; clamp bounds the wrong way round.
  const auto at = [&](auto field_of) {
    LayerDescriptor marked = d;
    field_of(marked);
    const std::vector<std::uint32_t> changed = marked.encode();
    for (std::size_t i = 0; i < words.size(); ++i)
      if (changed[i] != words[i]) return i;
    return words.size();
  };
  CHECK_THAT(refusal(at([](LayerDescriptor& x) { x.groups = 3; }), 4), Catch::Matchers::Contains("groups = 4"));
  CHECK_THAT(refusal(at([](LayerDescriptor& x) { x.kernel.width = 7; }), 0), Catch::Matchers::Contains("window word"));
  CHECK_THAT(refusal(at([](LayerDescriptor& x) { x.clamp.lo = 2.0f; }), encode_word(Format::fp32, 7.0f)),
             Catch::Matchers::Contains("clamp bounds"));

  // The post-processing unit's fused ops: a residual add and a pooling of the result.
  LayerDescriptor fused = d;
  fused.residual = true, fused.input2 = 0x8000;
  fused.fused_pool = FusedPool::avg;
  fused.pool.kernel = {3, 3}, fused.pool.stride = {2, 1}, fused.pool.padding = {1, 1, 0, 0};
  fused.pool.ceil_mode = true, fused.pool.count_include_pad = true;
  fused.pool_out_height = 5, fused.pool_out_width = 8;
  const std::vector<std::uint32_t> fused_words = fused.encode();
  const LayerDescriptor fused_back = LayerDescriptor::decode(fused_words.data());
  CHECK(fused_back.encode() == fused_words);
  CHECK(fused_back.pool == fused.pool);
  CHECK(fused_back.result_elements() == 16 * 5 * 8);
  CHECK(fused_back.output_elements() == 16 * 10 * 10);
  CHECK(fused_back.op_label() == "conv+add+avg_pool");
  LayerDescriptor residual_pool = pool;
  residual_pool.residual = true;
  CHECK_THAT(error_of([&] { LayerDescriptor::decode(residual_pool.encode().data()); }),
             Catch::Matchers::Contains("residual (conv and dense only)"));
  LayerDescriptor pooled_pool = pool;
  pooled_pool.fused_pool = FusedPool::max;
  CHECK_THAT(error_of([&] { LayerDescriptor::decode(pooled_pool.encode().data()); }),
             Catch::Matchers::Contains("fused pool (conv, dense and add only)"));
}

TEST_CASE("the post-processing unit refuses a fused pool whose plane is not the descriptor's", "[accelerator]") {
  const AcceleratorConfig config = preset("default");
  CsrBank csr(config);
  WordMemory weights = make_weight_sram(config);
  ActivationSram activations(config);
  LayerExecutor executor(config, weights, activations, csr);
  std::vector<unsigned char> dram(4096);
  LayerDescriptor d;
  d.op = LayerOp::add;
  d.in_channels = d.out_channels = 2, d.in_height = d.out_height = 4, d.in_width = d.out_width = 4;
  d.input = 0, d.input2 = 256, d.output = 512;
  d.fused_pool = FusedPool::max;  // 2x2, stride 2: a 2x2 plane
  d.pool_out_height = 2, d.pool_out_width = 2;
  const LayerReport report = executor.execute(d, 0, {dram.data(), dram.size()});
  CHECK(report.dram_writes == 2 * 2 * 2);
  d.pool_out_height = 3;
  try {
    executor.execute(d, 7, {dram.data(), dram.size()});
    FAIL("the wrong plane ran");
  } catch (const DeviceFault& fault) {
    CHECK(fault.code() == DeviceError::bad_descriptor);
    CHECK_THAT(fault.what(), Catch::Matchers::Contains("descriptor 7: its fused pool gives a 2x2 plane, the descriptor says 3x2"));
  }
}

TEST_CASE("the compiler fuses activations and pools, frees flatten and names what does not fit", "[accelerator]") {
  Network lenet = build_network("lenet5", 1);
  Deployment deployment(lenet, Format::fp32);
  const Program program = compile_program(deployment, preset("default"), 4);
  std::vector<std::string> ops;
  std::vector<PostOp> posts;
  for (const LayerDescriptor& d : program.layers) ops.push_back(d.op_label()), posts.push_back(d.post);
  CHECK(ops == std::vector<std::string>{"conv+max_pool", "conv+max_pool", "dense", "dense", "dense"});
  CHECK(posts == std::vector<PostOp>{PostOp::clamp, PostOp::clamp, PostOp::clamp, PostOp::clamp, PostOp::none});
  CHECK(program.layer_names.front() == "conv1+pool1");
  CHECK(program.layers.front().output_elements() == 6 * 28 * 28);  // the conv's plane, pooled to
  CHECK(program.layers.front().result_elements() == 6 * 14 * 14);
  CHECK(program.output_elements == 10);

  SECTION("without post-processing fusion, pools are descriptors of their own") {
    AcceleratorConfig unfused = preset("default");
    unfused.fuse_post_processing = false;
    const Program separate = compile_program(deployment, unfused, 4);
    std::vector<LayerOp> separate_ops;
    std::vector<PostOp> separate_posts;
    for (const LayerDescriptor& d : separate.layers) separate_ops.push_back(d.op), separate_posts.push_back(d.post);
    CHECK(separate_ops == std::vector<LayerOp>{LayerOp::conv, LayerOp::max_pool, LayerOp::conv, LayerOp::max_pool,
                                               LayerOp::dense, LayerOp::dense, LayerOp::dense});
    CHECK(separate_posts == std::vector<PostOp>{PostOp::clamp, PostOp::none, PostOp::clamp, PostOp::none,
                                                PostOp::clamp, PostOp::clamp, PostOp::none});
    CHECK(separate.layer_names.front() == "conv1");
  }
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

TEST_CASE("the compiler reuses an activation buffer once its last reader has run, and only then", "[accelerator]") {
  // resnet-small: residual adds (a buffer read twice, far apart) fused into convs, fused
  // activations and global pooling, flatten, values kept in the activation SRAM; and the same
  // without post-processing fusion.
  Deployment deployment(build_network("resnet-small", 2), Format::fp32);
  const Network& network = deployment.network();  // batch norm folded: the nodes the descriptors name
  const int batch = 3;
  const bool fuse = GENERATE(true, false);
  AcceleratorConfig config = preset("default");
  config.fuse_post_processing = fuse;
  INFO("fuse_post_processing " << fuse);
  const Program program = compile_program(deployment, config, batch);
  std::uint64_t one_per_value = 0;
  for (std::size_t i = 0; i < network.size(); ++i) one_per_value += shape_numel(network.node(i).output_shape);
  one_per_value *= batch * sizeof(float);
  CHECK(program.dram_bytes < program.layers.front().weights + one_per_value / 2);  // most buffers reused
  // Every read sees its producer's words: the last descriptor before the reader that wrote any
  // byte of the range it reads is the one that computed the value (through flatten and the nodes
  // fused into a descriptor, which have none of their own).
  const auto bytes = [&](std::size_t elements) { return static_cast<std::uint64_t>(elements) * batch * sizeof(float); };
  std::map<std::uint32_t, const LayerDescriptor*> by_node;
  for (const LayerDescriptor& d : program.layers) by_node[d.node] = &d;
  const auto is_add = [&](int node) { return network.layer(node).kind() == "add"; };
  // The add that reads `node`, and the add's other operand.
  const auto add_reading = [&](int node) {
    for (std::size_t a = node + 1; a < network.size(); ++a) {
      const std::vector<int>& in = network.node(a).inputs;
      if (is_add(static_cast<int>(a)) && (in[0] == node || in[1] == node)) return static_cast<int>(a);
    }
    FAIL("no add reads node " << node);
    return -1;
  };
  const auto producer = [&](int node) {
    while (node != Network::kInput && !by_node.count(static_cast<std::uint32_t>(node))) {
      const std::vector<int>& in = network.node(node).inputs;
      if (is_add(node)) {  // fused into the conv among its operands that carries the residual
        node = by_node.count(in[0]) && by_node.at(in[0])->residual ? in[0] : in[1];
      } else {
        node = in[0];
      }
    }
    return node;
  };
  int residuals = 0, on_chip = 0;
  for (std::size_t u = 0, part = 0; u < program.layers.size(); ++u) {
    const LayerDescriptor& reader = program.layers[u];
    part = u > 0 && program.layers[u - 1].node == reader.node ? part + 1 : 0;  // a concat's descriptor per input
    const std::vector<int>& sources = network.node(reader.node).inputs;
    struct Read {
      std::uint64_t address;
      bool on_chip;
      int source;
    };
    std::vector<Read> reads{{reader.input, reader.input_on_chip, sources[part]}};
    if (reader.op == LayerOp::add) reads.push_back({reader.input2, reader.input2_on_chip, sources[1]});
    if (reader.residual) {
      const int add = add_reading(static_cast<int>(reader.node));
      const std::vector<int>& in = network.node(add).inputs;
      reads.push_back({reader.input2, reader.input2_on_chip, in[0] == static_cast<int>(reader.node) ? in[1] : in[0]});
      ++residuals;
    }
    for (const Read& read : reads) {
      const int source = producer(read.source);
      if (source == Network::kInput) continue;
      // DRAM ranges in bytes, activation SRAM ranges in words.
      const auto extent = [&](std::size_t elements, bool on_chip) { return on_chip ? elements * batch : bytes(elements); };
      const LayerDescriptor* last = nullptr;
      for (std::size_t s = 0; s < u; ++s) {
        const LayerDescriptor& writer = program.layers[s];
        const bool overlaps = writer.output_on_chip == read.on_chip &&
                              writer.output < read.address + extent(reader.input_elements(), read.on_chip) &&
                              read.address < writer.output + extent(writer.result_elements(), read.on_chip);
        if (overlaps) last = &writer;
      }
      INFO("descriptor " << u << " (" << program.layer_names[u] << ") reads " << read.address
                         << (read.on_chip ? " on chip" : " in DRAM"));
      REQUIRE(last != nullptr);
      CHECK(last->node == static_cast<std::uint32_t>(source));
      CHECK(last->output == read.address);
      on_chip += read.on_chip;
    }
  }
  CHECK(residuals == (fuse ? 3 : 0));
  CHECK(on_chip > 0);  // at batch 3 most values stay in the activation SRAM
}

TEST_CASE("the compiler keeps results in the activation SRAM above every descriptor's staging words",
          "[accelerator]") {
  Deployment deployment(build_network("resnet-small", 2), Format::fp32);
  const AcceleratorConfig config = preset("default");
  const std::uint64_t total = config.act_sram_total_words();
  const int batch = GENERATE(1, 3, 64);
  INFO("batch " << batch);
  const Program program = compile_program(deployment, config, batch);
  int resident = 0;
  for (std::size_t i = 0; i < program.layers.size(); ++i) {
    const LayerDescriptor& d = program.layers[i];
    INFO(program.layer_names[i]);
    CHECK(d.stage_words >= total / 4);  // a quarter of the SRAM always stages DRAM transfers
    CHECK(d.stage_words <= total);
    // Every operand on chip lies above the staging words and inside the SRAM.
    const auto check = [&](bool on_chip, std::uint64_t address, std::size_t elements) {
      if (!on_chip) return;
      CHECK(address >= d.stage_words);
      CHECK(address + elements * batch <= total);
    };
    check(d.input_on_chip, d.input, d.input_elements());
    check(d.input2_on_chip, d.input2, d.residual ? d.output_elements() : d.input_elements());
    check(d.output_on_chip, d.output, d.result_elements());
    resident += d.output_on_chip;
  }
  CHECK_FALSE(program.layers.back().output_on_chip);  // the logits, for the driver to read
  // One image: every result but the logits fits; 64: conv1's 802,816 words do not.
  if (batch == 1) CHECK(resident == static_cast<int>(program.layers.size()) - 1);
  else if (batch == 64) CHECK(resident < static_cast<int>(program.layers.size()) - 1);
  CHECK(resident > 0);

  SECTION("with on-chip activations off, every result goes to DRAM through the whole SRAM") {
    AcceleratorConfig off = config;
    off.on_chip_activations = false;
    for (const LayerDescriptor& d : compile_program(deployment, off, batch).layers) {
      CHECK_FALSE((d.input_on_chip || d.input2_on_chip || d.output_on_chip));
      CHECK(d.stage_words == 0);
    }
  }
}

TEST_CASE("activations kept on chip pass the activation SRAM's fault hooks on both sides", "[accelerator]") {
  Network lenet = build_network("lenet5", 7);
  Deployment deployment(lenet, Format::fp32);
  const Program program = compile_program(deployment, small_default(), 4);
  REQUIRE(program.layers.front().output_on_chip);
  const Tensor images = random_images(4, 12);
  const InferenceRun clean = default_engine->run(program, images);
  // conv1+pool1's result sits at the top of the space, in bank 1: a stuck-at-1 on the exponent's
  // top bit of its first word turns that activation into a huge value for conv2.
  const std::uint64_t address = program.layers.front().output - small_default().act_sram_words();
  auto map = std::make_shared<FaultMap>(std::vector<Fault>{{address, 30, FaultKind::stuck_at_1}});
  ActivationSram& sram = default_engine->accelerator().activation_sram();
  sram.bank(1).set_fault_map(map);
  const InferenceRun faulty = default_engine->run(program, images);
  sram.bank(1).set_fault_hook(nullptr);
  CHECK_FALSE(same_bits(faulty.logits, clean.logits));
  CHECK(same_bits(default_engine->run(program, images).logits, clean.logits));
  // The counters: every result written once, staged ones read back, resident ones read by their readers.
  const InferenceRun functional = run_functional(deployment, program, small_default(), images);
  CHECK(functional.counters == clean.counters);
}

TEST_CASE("a deployment compiled by move gives the program its stored words, the same program", "[accelerator]") {
  Deployment deployment(build_network("lenet5", 3), Format::int8, {{"conv1", 1.0}, {"conv2", 2.0}, {"fc1", 3.0},
                                                                    {"fc2", 4.0}, {"fc3", 5.0}});
  const Program copied = compile_program(deployment, preset("default"), 2);
  Deployment moved_from = deployment;
  const Program moved = compile_program(std::move(moved_from), preset("default"), 2);
  REQUIRE(moved.segments.size() == copied.segments.size());
  for (std::size_t s = 0; s < copied.segments.size(); ++s) {
    CHECK(moved.segments[s].name == copied.segments[s].name);
    CHECK(moved.segments[s].address == copied.segments[s].address);
    CHECK(moved.segments[s].words == copied.segments[s].words);
  }
  CHECK(moved.dram_bytes == copied.dram_bytes);
  CHECK(moved_from.parameters().front().stored.words.empty());  // taken, not copied
  CHECK(!deployment.parameters().front().stored.words.empty());
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
      check_engines_agree(*default_engine, deployment, config, images, 16);
    }
  }
}

TEST_CASE("both engines agree in every dataflow, with clipping units and in validation mode", "[accelerator]") {
  Network lenet = build_network("lenet5", 5);
  const Tensor images = random_images(10, 11);
  SECTION("plain ReLU, output and input stationary") {
    Deployment deployment(lenet, Format::fp32);
    check_engines_agree(*os_engine, deployment, with_dataflow("default", Dataflow::os, 16, 8), images, 4);
    check_engines_agree(*is_engine, deployment, with_dataflow("default", Dataflow::is, 8, 16), images, 4);
  }
  SECTION("hard clip: layer-wise registers and the neuron-wise table") {
    clip_all(lenet, ClipForm::hard);
    Deployment deployment(lenet, Format::fp16);
    const Program program = compile_program(deployment, small_default(), 4);
    REQUIRE(program.clip_units.size() == 4);
    CHECK(program.clip_units[3].table_base == 0);
    CHECK(program.clip_units[3].table_length == 84);
    CHECK(program.threshold_table.size() == 84);
    check_engines_agree(*default_engine, deployment, small_default(), images, 4);
    // The clipping changed the function: compare with the unclipped network.
    Deployment unclipped(build_network("lenet5", 5), Format::fp16);
    const InferenceRun plain = run_functional(unclipped, compile_program(unclipped, small_default(), 4), small_default(), images);
    const InferenceRun clipped = run_functional(deployment, program, small_default(), images);
    CHECK_FALSE(same_bits(plain.logits, clipped.logits));
  }
  SECTION("neuron-wise in every layer: one threshold table window per clip unit") {
    clip_all(lenet, ClipForm::hard, true);
    Deployment deployment(lenet, Format::fp32);
    const Program program = compile_program(deployment, small_default(), 4);
    REQUIRE(program.clip_units.size() == 4);
    const std::vector<std::uint32_t> lengths = {4704, 1600, 120, 84}, bases = {0, 4704, 6304, 6424};
    for (std::size_t u = 0; u < 4; ++u) {
      CHECK(program.clip_units[u].table_length == lengths[u]);
      CHECK(program.clip_units[u].table_base == bases[u]);
    }
    CHECK(program.threshold_table.size() == 6508);
    check_engines_agree(*default_engine, deployment, small_default(), images, 4);
    AcceleratorConfig small_table = small_default();
    small_table.threshold_table_words = 6507;
    CHECK_THROWS_WITH(compile_program(deployment, small_table, 4),
                      Catch::Matchers::Contains("need 6508 threshold table words, the table holds 6507"));
  }
  SECTION("saturating clip") {
    clip_all(lenet, ClipForm::saturate);
    Deployment deployment(lenet, Format::bf16);
    check_engines_agree(*is_engine, deployment, with_dataflow("default", Dataflow::is, 8, 16), images, 4);
  }
  SECTION("the per-PE validation array") {
    Deployment deployment(lenet, Format::fp32);
    check_engines_agree(*validation_engine, deployment, validation_ws(), random_images(3, 2), 2);
  }
}

TEST_CASE("both engines agree on imported networks: grouped and dilated convs, padded pools, clamps, concat, pad, "
          "unfolded batch norms", "[accelerator][onnx]") {
  const std::string name = GENERATE(as<std::string>{}, "conv_variants_opset11", "mobilenet_blocks_opset13",
                                    "pool_variants", "concat_clip_opset13", "residual_opset13");
  INFO(name);
  Network network = import_onnx("testbenches/fixtures/onnx/" + name + ".onnx").network;
  const Tensor images = seeded_inputs(6, network.input_shape(), 17);
  SECTION("plain: every dataflow and the per-PE array") {
    Deployment deployment(network, Format::fp32);
    check_engines_agree(*default_engine, deployment, small_default(), images, 4);
    check_engines_agree(*os_engine, deployment, with_dataflow("default", Dataflow::os, 16, 8), images, 3);
    check_engines_agree(*is_engine, deployment, with_dataflow("default", Dataflow::is, 8, 16), images, 6);
    check_engines_agree(*validation_engine, deployment, validation_ws(), seeded_inputs(1, network.input_shape(), 3), 1);
    // The program computes the network: the functional engine on it is the network's own forward.
    const Program program = compile_program(deployment, small_default(), 3);
    const ExecutionOptions array_order{Mode::eval, accumulation_order(Dataflow::ws, small_default().array_rows)};
    const Tensor forward = deployment.network().forward(images, array_order);
    CHECK(same_bits(run_functional(deployment, program, small_default(), images).logits, forward));
  }
  SECTION("clipped: the clamps before the clip units, thresholds in registers and table") {
    clip_all(network, ClipForm::hard);
    for (Format format : {Format::fp16, Format::q15_16}) {
      Deployment deployment(network, format);
      check_engines_agree(*default_engine, deployment, small_default(), images, 4);
    }
  }
}

TEST_CASE("a weight SRAM fault map hits the weights the mapping stores there, and clears", "[accelerator][faults]") {
  // lenet5, and a network of grouped and depthwise convs (one GEMM per group, folds numbered on
  // across the groups).
  const bool grouped = GENERATE(false, true);
  Network network = grouped ? import_onnx("testbenches/fixtures/onnx/mobilenet_blocks_opset13.onnx").network
                            : build_network("lenet5", 9);
  Deployment deployment(network, Format::fp32);
  const AcceleratorConfig config = small_default();
  const Program program = compile_program(deployment, config, 4);
  const Tensor images = random_images(8, 3);
  const InferenceRun clean = default_engine->run(program, images);

  const std::uint64_t address = GENERATE(5, 100);
  const int bit = GENERATE(30, 22);
  INFO("address " << address << " bit " << bit);
  auto map = std::make_shared<FaultMap>(std::vector<Fault>{{address, bit, FaultKind::flip}});
  default_engine->accelerator().weight_sram().set_fault_map(map);
  const InferenceRun faulty = default_engine->run(program, images);
  default_engine->accelerator().weight_sram().set_fault_hook(nullptr);

  // The same upset applied to every stored weight that the mapping puts in that cell.
  Deployment expected = deployment;
  const std::uint64_t half = config.weight_sram_words() / 2;
  int hits = 0;
  for (const LayerDescriptor& d : program.layers) {
    if (!is_gemm(d.op)) continue;
    const GemmShape shape{d.gemm_m(), d.gemm_n(), d.gemm_k()};  // one group's
    const std::vector<Fold> plan = fold_plan(shape, config.array_rows, config.array_cols, config.dataflow, config.timing);
    for (std::size_t p = 0; p < expected.parameters().size(); ++p) {
      StoredParameter& stored = expected.parameters()[p];
      if (stored.node != d.node || stored.parameter != "weight") continue;
      for (long g = 0; g < static_cast<long>(d.groups); ++g) {
        for (std::size_t f = 0; f < plan.size(); ++f) {
          const FoldBlock b = fold_block(plan[f], config.dataflow, shape);
          const std::size_t fold = g * plan.size() + f;
          for (long n = b.n0; n < b.n1; ++n)
            for (long k = b.k0; k < b.k1; ++k)
              if (weight_sram_address(b, fold, half, n, k) == address) {
                auto& word = stored.stored.words[static_cast<std::size_t>((g * shape.n + n) * shape.k + k)];
                word = flip_bit(Format::fp32, word, bit);
                ++hits;
              }
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
  CHECK(same_bits(default_engine->run(program, images).logits, clean.logits));
}

TEST_CASE("without fault hooks the SRAMs end a run holding and counting what a hook that changes nothing sees",
          "[accelerator][faults]") {
  // The executor copies only the words an SRAM still holds after each layer when no hook can see
  // the others: the cells and counts must be those of storing every fold and every output chunk.
  struct Unchanged : FaultHook {
    std::uint32_t on_store(std::uint64_t, std::uint32_t word) override { return word; }
    std::uint32_t on_read(std::uint64_t, std::uint32_t word) override { return word; }
  };
  const bool grouped = GENERATE(false, true);
  Network network = grouped ? import_onnx("testbenches/fixtures/onnx/mobilenet_blocks_opset13.onnx").network
                            : build_network("lenet5", 9);
  Deployment deployment(network, Format::fp32);
  const Program program = compile_program(deployment, small_default(), 4);
  const Tensor images = random_images(8, 3);
  Accelerator& accelerator = default_engine->accelerator();
  std::vector<WordMemory*> memories{&accelerator.weight_sram(), &accelerator.activation_sram().bank(0),
                                    &accelerator.activation_sram().bank(1)};
  struct State {
    InferenceRun run;
    std::vector<std::vector<std::uint32_t>> cells;
    std::vector<std::uint64_t> reads, writes;
  };
  const auto run = [&](bool hooked) {
    State state;
    for (WordMemory* memory : memories) {
      memory->set_fault_hook(nullptr);
      memory->fill(0);
      memory->reset_counters();
      if (hooked) memory->set_fault_hook(std::make_shared<Unchanged>());
    }
    state.run = default_engine->run(program, images);
    for (WordMemory* memory : memories) {
      memory->set_fault_hook(nullptr);
      std::vector<std::uint32_t> cells(memory->size());
      for (std::uint64_t a = 0; a < memory->size(); ++a) cells[a] = memory->cells(a);
      state.cells.push_back(std::move(cells));
      state.reads.push_back(memory->reads());
      state.writes.push_back(memory->writes());
    }
    return state;
  };
  const State hooked = run(true), plain = run(false);
  CHECK(same_bits(hooked.run.logits, plain.run.logits));
  CHECK(hooked.run.counters == plain.run.counters);
  for (std::size_t i = 0; i < memories.size(); ++i) {
    INFO(memories[i]->name());
    CHECK(hooked.reads[i] == plain.reads[i]);
    CHECK(hooked.writes[i] == plain.writes[i]);
    CHECK(hooked.cells[i] == plain.cells[i]);
  }
}

TEST_CASE("the driver polls or takes the interrupt, and the device reports bad programs", "[accelerator][driver]") {
  Network lenet = build_network("lenet5", 4);
  Deployment deployment(lenet, Format::int8, nlohmann::json{{"conv1", 1.0}, {"conv2", 4.0}, {"fc1", 8.0}, {"fc2", 8.0}, {"fc3", 8.0}});
  const Program program = compile_program(deployment, small_default(), 4);
  const Tensor images = random_images(4, 5);
  const InferenceRun interrupt = default_engine->run(program, images, {}, false);
  const InferenceRun polled = default_engine->run(program, images, {}, true);
  CHECK(same_bits(interrupt.logits, polled.logits));
  CHECK(interrupt.counters == polled.counters);

  Driver& driver = default_engine->driver();
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
  CHECK_THAT(default_engine->accelerator().controller().last_error(), Catch::Matchers::Contains("DESC_COUNT"));
}

TEST_CASE("a clip unit's table window must match its layer and fit the table, or the run fails naming it", "[accelerator][driver]") {
  Network lenet = build_network("lenet5", 6);
  clip_all(lenet, ClipForm::hard);
  Deployment deployment(lenet, Format::fp32);
  const Program program = compile_program(deployment, small_default(), 4);
  REQUIRE(program.clip_units.at(3).table_length == 84);
  default_engine->run(program, random_images(4, 8));  // loads the program, its thresholds and windows
  Driver& driver = default_engine->driver();
  std::uint32_t short_window = 0, past_the_table = 0;
  std::string short_message, past_message;
  driver.set_job([&] {
    driver.write_window(kClipTableLengthWindow, 3, 83);
    driver.start_and_wait(true);
    short_window = driver.read_register(RegisterId::error_code);
    short_message = default_engine->accelerator().controller().last_error();
    driver.write_window(kClipTableLengthWindow, 3, 84);
    driver.write_window(kClipTableBaseWindow, 3, kDefaultThresholdTableWords - 80);
    driver.start_and_wait(true);
    past_the_table = driver.read_register(RegisterId::error_code);
    past_message = default_engine->accelerator().controller().last_error();
    driver.write_window(kClipTableBaseWindow, 3, 0);
  });
  sc_core::sc_start();
  driver.rethrow_job_error();
  CHECK(short_window == static_cast<std::uint32_t>(DeviceError::bad_descriptor));
  CHECK_THAT(short_message, Catch::Matchers::Contains("CLIP_TABLE_LENGTH[3] = 83") && Catch::Matchers::Contains("84 output elements"));
  CHECK(past_the_table == static_cast<std::uint32_t>(DeviceError::threshold_table_overflow));
  CHECK_THAT(past_message, Catch::Matchers::Contains("runs past the threshold table's 65536 words"));
}
