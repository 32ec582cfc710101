// Clipping thresholds (docs/design.md section 3): profiling, the threshold file and its refusals, the
// ProAct and baseline methods (granularity, progressive freezing, tolerance), gradients to the
// thresholds in eval mode, the memory-overhead arithmetic, the CLI end to end, and the thresholds
// loaded into the accelerator (both engines agree; registers and table read back).
//
// The SystemC engine is declared once, under its own name, and elaborated on first use.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "hw/accelerator.hpp"
#include "models/kernels/loss.hpp"
#include "models/net/architectures.hpp"
#include "models/net/checkpoint.hpp"
#include "models/random.hpp"
#include "sw/compiler/program.hpp"
#include "sw/engine/inference.hpp"
#include "sw/protection/apply.hpp"
#include "sw/protection/clip_sites.hpp"
#include "sw/thresholds/compute.hpp"
#include "sw/thresholds/distillation.hpp"
#include "sw/thresholds/memory_overhead.hpp"
#include "sw/faults/paper_faults.hpp"
#include "sw/thresholds/readback.hpp"
#include "sw/thresholds/threshold_training.hpp"
#include "sw/train/evaluate.hpp"
#include "sw/train/optimizer.hpp"
#include "testbenches/elaborated.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/tensor_helpers.hpp"

using namespace proact;
using proact::testing::Elaborated;
using proact::testing::same_bits;
using Catch::Matchers::Contains;

namespace {

AcceleratorConfig thresholds_config() {
  AcceleratorConfig c = preset("default");
  c.dram_bytes = 32ull << 20;
  return c;
}

Elaborated<SystemcEngine> thresholds_engine(thresholds_config(), std::string(), std::string("acc_thresholds"));

const Dataset& test_split() {
  static const Dataset data = load_fashion_mnist(default_data_dir(), Split::test);
  return data;
}

// Small disjoint slices of the test split stand in for the training, validation and calibration
// images (the methods only see Datasets; the CLI test covers the checkpoint's real split).
ThresholdData small_data(std::size_t train, std::size_t validation, std::size_t calibration) {
  std::vector<std::size_t> t(train), v(validation), c(calibration);
  for (std::size_t i = 0; i < train; ++i) t[i] = i;
  for (std::size_t i = 0; i < validation; ++i) v[i] = train + i;
  for (std::size_t i = 0; i < calibration; ++i) c[i] = train + validation + i;
  return {subset(test_split(), t, "train"), subset(test_split(), v, "validation"), subset(test_split(), c, "calibration")};
}

Network lenet5() { return load_checkpoint("models/zoo/lenet5.ckpt").network; }

// A hybrid threshold file for lenet5 from its profiled maxima (scaled), as a method would write it.
ThresholdFile hybrid_file(const Network& model, float scale) {
  Network net = model;
  std::vector<Tensor> thresholds = initial_thresholds(profile_max_activations(net, small_data(0, 0, 128).calibration),
                                                      Granularity::hybrid);
  for (Tensor& t : thresholds)
    for (float& v : t.values()) v *= scale;
  set_thresholds(net, thresholds, ClipForm::hard);
  ThresholdFile file;
  file.model_name = "lenet5";
  file.model_checksum = model_checksum(model);
  file.method = "proact";
  file.seed = 3;
  file.training_form = "smooth";
  file.hardware_form = "hard";
  file.sharpness = kDefaultSharpness;
  file.layers = layer_thresholds(net);
  file.clean_accuracy = {0.9, 0.89, 0.88, std::nullopt, std::nullopt};
  return file;
}

std::filesystem::path temp_path(const std::string& name) { return std::filesystem::temp_directory_path() / name; }

}  // namespace

TEST_CASE("threshold files round trip bit for bit and refuse files made for another model", "[thresholds]") {
  const Network model = lenet5();
  const ThresholdFile file = hybrid_file(model, 0.7f);
  REQUIRE(file.threshold_words() == 3 + 84);
  const std::string path = temp_path("proact_test_thresholds_roundtrip.json").string();
  save_threshold_file(path, file);
  const ThresholdFile back = load_threshold_file(path);
  REQUIRE(back.layers.size() == file.layers.size());
  for (std::size_t l = 0; l < file.layers.size(); ++l) {
    CHECK(back.layers[l].name == file.layers[l].name);
    REQUIRE(back.layers[l].values.size() == file.layers[l].values.size());
    CHECK(std::memcmp(back.layers[l].values.data(), file.layers[l].values.data(), file.layers[l].values.size() * 4) == 0);
  }
  CHECK(back.model_checksum == file.model_checksum);
  CHECK(back.clean_accuracy.hard == file.clean_accuracy.hard);
  CHECK_FALSE(back.clean_accuracy.saturate);
  const nlohmann::json json = threshold_file_to_json(file);
  for (const char* key : {"version", "model", "method", "hyperparameters", "seed", "layers", "threshold_words", "clean_accuracy"})
    CHECK(json.contains(key));
  Network applied = model;
  CHECK_NOTHROW(apply_thresholds(applied, back, ClipForm::hard));
  CHECK(activation_at(applied, clip_sites(applied).back()).form() == ClipForm::hard);

  SECTION("other weights") {
    Network other = model;
    other.layer(0).parameter("weight").value[0] += 1e-3f;
    CHECK_THROWS_WITH(check_threshold_file(file, other), Contains("made for weights") && Contains(file.model_checksum));
  }
  SECTION("another architecture") {
    CHECK_THROWS_WITH(check_threshold_file(file, build_network("vgg-small", 1)), Contains("made for weights"));
    ThresholdFile unchecked = file;
    const Network vgg = build_network("vgg-small", 1);
    unchecked.model_checksum = model_checksum(vgg);
    CHECK_THROWS_WITH(check_threshold_file(unchecked, vgg), Contains("4 layers") && Contains("6 clipped layers"));
  }
  SECTION("a renamed layer") {
    ThresholdFile renamed = file;
    renamed.layers[2].name = "relu9";
    CHECK_THROWS_WITH(check_threshold_file(renamed, model), Contains("'relu9'") && Contains("'relu3'"));
  }
  SECTION("a wrong threshold count") {
    ThresholdFile short_table = file;
    short_table.layers[3].values.pop_back();
    CHECK_THROWS_WITH(check_threshold_file(short_table, model), Contains("relu4") && Contains("83 thresholds") && Contains("84"));
  }
  SECTION("a damaged file") {
    nlohmann::json bad = json;
    bad["threshold_words"] = 86;
    CHECK_THROWS_WITH(threshold_file_from_json(bad, "bad.json"), Contains("bad.json") && Contains("threshold_words"));
    bad = json;
    bad["version"] = 2;
    CHECK_THROWS_WITH(threshold_file_from_json(bad, "bad.json"), Contains("version 2"));
    bad = json;
    bad["model"].erase("checksum");
    CHECK_THROWS_WITH(threshold_file_from_json(bad, "bad.json"), Contains("model.checksum"));
    bad = json;
    bad["clean_accuracy"]["hard"] = "high";
    CHECK_THROWS_WITH(threshold_file_from_json(bad, "bad.json"), Contains("clean_accuracy.hard") && Contains("type"));
  }
}

TEST_CASE("profiling keeps per-element maxima and Ranger uses the layer max, clipping to zero or saturating", "[thresholds]") {
  Network model = lenet5();
  const ThresholdData data = small_data(0, 200, 300);
  const std::vector<Tensor> maxima = profile_max_activations(model, data.calibration, 128);
  const std::vector<std::size_t> sites = clip_sites(model);
  REQUIRE(maxima.size() == 4);
  model.forward(data.calibration.images, ExecutionOptions{});
  for (std::size_t l = 0; l < sites.size(); ++l) {
    const Tensor& out = model.activation(sites[l]);
    Tensor expected(model.node(sites[l]).output_shape, 0.0f);
    for (std::size_t i = 0; i < out.size(); ++i) expected[i % expected.size()] = std::max(expected[i % expected.size()], out[i]);
    CHECK(same_bits(maxima[l], expected));
  }

  ThresholdConfig config;
  config.method = ThresholdMethod::ranger;
  config.show_progress = false;
  config.ranger_form = GENERATE(ClipForm::hard, ClipForm::saturate);
  const std::string form = clip_form_name(config.ranger_form);
  INFO(form);
  const ThresholdFile file = compute_thresholds(lenet5(), "lenet5", data, config);
  REQUIRE(file.layers.size() == 4);
  for (std::size_t l = 0; l < 4; ++l) {
    REQUIRE(file.layers[l].values.size() == 1);
    CHECK(file.layers[l].values[0] == *std::max_element(maxima[l].values().begin(), maxima[l].values().end()));
  }
  CHECK(file.hardware_form == form);
  CHECK(file.training_form == form);
  CHECK(file.hyperparameters.at("clip_form") == form);
  CHECK(file.clean_accuracy.saturate.has_value() == (config.ranger_form == ClipForm::saturate));
  // Ranger NW keeps every element's maximum, in every layer.
  config.method = ThresholdMethod::ranger_nw;
  const ThresholdFile neuron_wise = compute_thresholds(lenet5(), "lenet5", data, config);
  REQUIRE(neuron_wise.layers.size() == 4);
  for (std::size_t l = 0; l < 4; ++l) CHECK(neuron_wise.layers[l].values == maxima[l].values());
  CHECK(neuron_wise.method == "ranger-nw");
  CHECK(neuron_wise.hardware_form == form);
  // Clipping at the calibration maximum, either way, changes nothing on the calibration images themselves.
  Network clipped = lenet5();
  apply_thresholds(clipped, file, config.ranger_form);
  Network plain = lenet5();
  CHECK(same_bits(clipped.forward(data.calibration.images, ExecutionOptions{}),
                  plain.forward(data.calibration.images, ExecutionOptions{})));
}

TEST_CASE("ProAct trains the last clipped layer first and finished layers never move again", "[thresholds]") {
  const Network model = lenet5();
  const ThresholdData data = small_data(256, 300, 200);
  Network profiled = model;
  const std::vector<Tensor> maxima = profile_max_activations(profiled, data.calibration);
  const std::vector<Tensor> init = initial_thresholds(maxima, Granularity::hybrid);
  Network initial = model;
  set_thresholds(initial, init, ClipForm::smooth, static_cast<float>(kDefaultSharpness));
  const double a0 = evaluate(initial, data.validation, AccumulationOrder::free_order()).accuracy();

  ThresholdConfig config;
  config.show_progress = false;
  config.proact.epochs = 2;
  config.seed = 5;
  // A gentle schedule, where epochs are kept, or a violent one, where every epoch leaves the
  // tolerance and every layer stays at its profiled init.
  const bool violent = GENERATE(false, true);
  INFO((violent ? "violent schedule" : "gentle schedule"));
  config.proact.weight_decays = {4e-5, 4e-9};
  if (violent) {
    config.proact.weight_decays = {100.0};
    config.proact.lr_layer = 1.0;
    config.proact.lr_neuron = 1.0;
  }
  const MethodResult result = proact_thresholds(model, maxima, data, config);
  // A0 is the validation accuracy with the initial thresholds in the smooth form.
  REQUIRE(result.reference_accuracy);
  CHECK(*result.reference_accuracy == a0);

  // Hybrid granularity: scalar thresholds except the last clipped layer, one per output element.
  REQUIRE(result.thresholds.size() == 4);
  for (std::size_t l = 0; l < 3; ++l) CHECK(result.thresholds[l].shape() == Shape{1});
  CHECK(result.thresholds[3].shape() == Shape{84});

  // stages[s] follows layer 3 - s: it alone changed, layers finished before stay bit-identical,
  // layers still to come hold their initial thresholds.
  REQUIRE(result.stages.size() == 4);
  for (std::size_t s = 0; s < 4; ++s) {
    for (std::size_t l = 0; l < 4; ++l) {
      INFO("stage " << s << " layer " << l);
      const bool finished = l >= 3 - s;
      if (!finished) CHECK(same_bits(result.stages[s][l], init[l]));
      if (finished) CHECK(same_bits(result.stages[s][l], result.thresholds[l]));
    }
  }

  // Every decay of every layer runs, last layer first. A decay trains on while its epochs stay
  // within the tolerance of A0 (either way) and stops at the first that leaves it.
  const std::vector<std::string> order = {"relu4", "relu3", "relu2", "relu1"};
  REQUIRE(result.trials.size() == order.size() * config.proact.weight_decays.size());
  std::size_t kept_epochs = 0;
  for (std::size_t i = 0; i < result.trials.size(); ++i) {
    const TrialRecord& t = result.trials[i];
    INFO("trial " << i << " " << t.layer << " decay " << t.setting);
    CHECK(t.layer == order[i / config.proact.weight_decays.size()]);
    CHECK(t.accepted == (t.kept_epochs > 0));
    const bool left = std::abs(100.0 * (t.accuracy - a0)) > config.proact.tolerance;
    CHECK(t.kept_epochs == (left ? t.epochs - 1 : t.epochs));
    if (left) CHECK(t.epochs <= config.proact.epochs);
    if (!left) CHECK(t.epochs == config.proact.epochs);
    kept_epochs += static_cast<std::size_t>(t.kept_epochs);
  }
  // The result is a kept state (or the init), so it stays within the tolerance of A0.
  Network final_net = model;
  set_thresholds(final_net, result.thresholds, ClipForm::smooth, static_cast<float>(kDefaultSharpness));
  CHECK(std::abs(100.0 * (evaluate(final_net, data.validation, AccumulationOrder::free_order()).accuracy() - a0)) <=
        config.proact.tolerance);
  if (violent) {
    CHECK(kept_epochs == 0);
    for (std::size_t l = 0; l < 4; ++l) CHECK(same_bits(result.thresholds[l], init[l]));
  } else {
    CHECK(kept_epochs > 0);
    CHECK_FALSE(same_bits(result.thresholds[3], init[3]));
  }
}

TEST_CASE("ProAct's ablations: the neuron-wise layer's position, no distillation, joint training", "[thresholds]") {
  const Network model = lenet5();
  const ThresholdData data = small_data(256, 300, 200);
  Network profiled = model;
  const std::vector<Tensor> maxima = profile_max_activations(profiled, data.calibration);
  ThresholdConfig config;
  config.show_progress = false;
  config.seed = 5;
  config.proact.weight_decays = {4e-5, 4e-9};
  const MethodResult proact = proact_thresholds(model, maxima, data, config);
  SECTION("the neuron-wise layer first, everywhere or nowhere") {
    const std::vector<std::pair<Granularity, std::vector<Shape>>> cases = {
        {Granularity::hybrid_first, {Shape{6, 28, 28}, Shape{1}, Shape{1}, Shape{1}}},
        {Granularity::neuron, {Shape{6, 28, 28}, Shape{16, 10, 10}, Shape{120}, Shape{84}}},
        {Granularity::layer, {Shape{1}, Shape{1}, Shape{1}, Shape{1}}}};
    for (const auto& [granularity, shapes] : cases) {
      INFO(granularity_name(granularity));
      config.proact.granularity = granularity;
      const MethodResult result = proact_thresholds(model, maxima, data, config);
      REQUIRE(result.thresholds.size() == 4);
      for (std::size_t l = 0; l < 4; ++l) CHECK(result.thresholds[l].shape() == shapes[l]);
      CHECK(result.trials.front().layer == "relu4");  // still progressive, last layer first
    }
  }
  SECTION("without distillation the same schedule trains other thresholds") {
    config.proact.distillation = false;
    const MethodResult result = proact_thresholds(model, maxima, data, config);
    CHECK(result.trials.size() == proact.trials.size());
    CHECK(result.trials[0].loss != proact.trials[0].loss);
    CHECK(config.hyperparameters().at("loss") == "ce + coupled l2");
  }
  SECTION("joint training: every layer in one group, each decay allowed epochs x layers epochs") {
    config.proact.progressive = false;
    config.proact.tolerance = 100.0;  // every epoch kept: the budget shows
    const MethodResult result = proact_thresholds(model, maxima, data, config);
    REQUIRE(result.trials.size() == config.proact.weight_decays.size());
    REQUIRE(result.stages.size() == 1);
    for (const TrialRecord& t : result.trials) {
      CHECK(t.layer == "all");
      CHECK(t.epochs == 4 * config.proact.epochs);
    }
    const std::vector<Tensor> init = initial_thresholds(maxima, Granularity::hybrid);
    for (std::size_t l = 0; l < 4; ++l) CHECK_FALSE(same_bits(result.thresholds[l], init[l]));
  }
  SECTION("the ablations are ProAct's alone") {
    config.method = ThresholdMethod::fitact;
    config.proact.progressive = false;
    CHECK_THROWS_WITH(config.validate(), Contains("--joint") && Contains("fitact"));
  }
}

TEST_CASE("a threshold file records how far each layer's thresholds moved from the profiled maxima", "[thresholds]") {
  const Network model = lenet5();
  const ThresholdData data = small_data(128, 200, 200);
  ThresholdConfig config;
  config.show_progress = false;
  config.proact.weight_decays = {4e-5};
  const ThresholdMethod method = GENERATE(ThresholdMethod::ranger, ThresholdMethod::proact);
  config.method = method;
  INFO(threshold_method_name(method));
  const ThresholdFile file = compute_thresholds(model, "lenet5", data, config);
  Network profiled = model;
  const std::vector<Tensor> init =
      initial_thresholds(profile_max_activations(profiled, data.calibration), method_granularity(method));
  REQUIRE(file.layers.size() == init.size());
  for (std::size_t l = 0; l < init.size(); ++l) {
    INFO("layer " << file.layers[l].name);
    REQUIRE(file.layers[l].moved);
    double sum = 0, max = 0;
    std::size_t counted = 0;
    for (std::size_t i = 0; i < init[l].size(); ++i) {
      if (!(init[l][i] > 0.0f)) continue;
      const double change = std::abs(static_cast<double>(file.layers[l].values[i]) - init[l][i]) / init[l][i];
      sum += change;
      max = std::max(max, change);
      ++counted;
    }
    CHECK(file.layers[l].moved->mean == Approx(sum / static_cast<double>(counted)));
    CHECK(file.layers[l].moved->max == Approx(max));
    if (method == ThresholdMethod::ranger) CHECK(file.layers[l].moved->max == 0.0);
  }
  // ProAct records A0; the others have no acceptance reference.
  CHECK(file.clean_accuracy.initial.has_value() == (method == ThresholdMethod::proact));
  const ThresholdFile read = threshold_file_from_json(threshold_file_to_json(file), "round trip");
  CHECK(read.layers.back().moved->max == file.layers.back().moved->max);
  CHECK(read.clean_accuracy.initial == file.clean_accuracy.initial);
}

TEST_CASE("threshold training anneals its learning rate on a cosine and stops when an epoch says so", "[thresholds]") {
  CHECK(cosine_schedule(0, 10) == 1.0);
  CHECK(cosine_schedule(5, 10) == Approx(0.5));
  CHECK(cosine_schedule(10, 10) == Approx(0.0).margin(1e-15));
  Network net = lenet5();
  const ThresholdData data = small_data(128, 0, 64);
  set_thresholds(net, initial_thresholds(profile_max_activations(net, data.calibration), Granularity::hybrid),
                 ClipForm::smooth, static_cast<float>(kDefaultSharpness));
  Parameter& last = activation_at(net, clip_sites(net).back()).parameter("thresholds");
  const Tensor start = last.value;
  ThresholdTrainConfig config;
  config.epochs = 3;
  config.batch_size = 32;
  std::vector<int> epochs_seen;
  const auto train = [&](bool cosine) {
    last.value = start;
    config.cosine = cosine;
    epochs_seen.clear();
    train_thresholds(net, {&last}, data.train, Tensor(), config, {}, [&](int epoch, double) {
      epochs_seen.push_back(epoch);
      return epoch < 2;
    });
    return last.value;
  };
  const Tensor constant = train(false);
  CHECK(epochs_seen == std::vector<int>{1, 2});
  const Tensor annealed = train(true);
  CHECK(epochs_seen == std::vector<int>{1, 2});
  // Both runs take the same batches; only the step sizes differ.
  CHECK_FALSE(same_bits(constant, annealed));
}

TEST_CASE("FitAct clips every layer neuron-wise and the file records both clip forms", "[thresholds]") {
  ThresholdConfig config;
  config.method = ThresholdMethod::fitact;
  config.show_progress = false;
  config.fitact.epochs = 1;
  const ThresholdFile file = compute_thresholds(lenet5(), "lenet5", small_data(128, 200, 128), config);
  const std::vector<Shape> shapes = clip_output_shapes(lenet5());
  REQUIRE(file.layers.size() == shapes.size());
  for (std::size_t l = 0; l < shapes.size(); ++l) CHECK(file.layers[l].values.size() == shape_numel(shapes[l]));
  CHECK(file.threshold_words() == 6508);
  CHECK(file.training_form == "smooth");
  CHECK(file.hardware_form == "hard");
  CHECK(file.clean_accuracy.smooth > 0.5);
  CHECK(file.clean_accuracy.hard > 0.5);
  CHECK(file.hyperparameters.at("granularity") == "neuron");
}

TEST_CASE("FT-ClipAct narrows an interval of four candidates per round around the best area under faults", "[thresholds]") {
  ThresholdConfig config;
  config.method = ThresholdMethod::ftclipact;
  config.show_progress = false;
  config.ftclipact.bit_error_rates = {1e-5, 1e-4};
  config.ftclipact.fault_maps = 1;
  config.ftclipact.search_images = 100;
  config.ftclipact.rounds = 3;
  config.ftclipact.min_rounds = 3;
  const ThresholdData data = small_data(0, 100, 128);
  Network profiled = lenet5();
  const std::vector<Tensor> maxima = profile_max_activations(profiled, data.calibration);
  const MethodResult result = ftclipact_thresholds(lenet5(), maxima, data, config);
  const std::vector<std::size_t> sites = clip_sites(profiled);
  REQUIRE(result.thresholds.size() == sites.size());
  std::map<std::string, std::vector<TrialRecord>> by_layer;
  for (const TrialRecord& t : result.trials) by_layer[t.layer].push_back(t);
  for (std::size_t l = 0; l < sites.size(); ++l) {
    const std::vector<TrialRecord>& trials = by_layer.at(profiled.layer(sites[l]).name());
    INFO("layer " << l);
    // Round 1 scores 0, 1/3, 2/3 and 1 of the max; each later round two new candidates (its ends were scored).
    REQUIRE(trials.size() == 4 + 2 * 2);
    for (std::size_t i = 0; i < 4; ++i) CHECK(trials[i].setting == Approx(i / 3.0).margin(1e-6));
    // The one kept has the best area of all; the threshold is its candidate.
    const auto kept = std::find_if(trials.begin(), trials.end(), [](const TrialRecord& t) { return t.accepted; });
    REQUIRE(kept != trials.end());
    CHECK(std::count_if(trials.begin(), trials.end(), [](const TrialRecord& t) { return t.accepted; }) == 1);
    for (const TrialRecord& t : trials) CHECK(t.accuracy <= kept->accuracy);
    // Round 2's candidates lie within one third of the max of round 1's best.
    const double first_best = std::max_element(trials.begin(), trials.begin() + 4, [](const TrialRecord& a, const TrialRecord& b) {
                                return a.accuracy < b.accuracy;
                              })->setting;
    for (std::size_t i = 4; i < 6; ++i) CHECK(std::abs(trials[i].setting - first_best) <= 1.0 / 3.0 + 1e-6);
    CHECK(result.thresholds[l].size() == 1);
  }
  // The same seed searches the same maps.
  CHECK(ftclipact_thresholds(lenet5(), maxima, data, config).thresholds[0][0] == result.thresholds[0][0]);
}

TEST_CASE("gradients reach the thresholds in eval mode with batch-norm statistics and weights frozen", "[thresholds]") {
  Network net = build_network("resnet-small", 4);  // batch norm and residual adds, no max pool (its ties make finite differences jump)
  Rng rng(11);
  Tensor images({3, 1, 28, 28});
  for (float& v : images.values()) v = rng.uniform();
  // Thresholds near the middle of each layer's range, so many elements sit on the smooth edge.
  std::vector<Tensor> thresholds = initial_thresholds(profile_max_activations(net, make_dataset("x", images, {0, 1, 2}, 10)),
                                                      Granularity::hybrid);
  for (Tensor& t : thresholds)
    for (float& v : t.values()) v *= 0.5f;
  set_thresholds(net, thresholds, ClipForm::smooth);
  Tensor weights({3, 10});
  for (float& v : weights.values()) v = rng.normal();
  const auto loss = [&](Network& n) {
    const Tensor& logits = n.forward(images, ExecutionOptions{});
    double sum = 0.0;
    for (std::size_t i = 0; i < logits.size(); ++i) sum += static_cast<double>(logits[i]) * weights[i];
    return sum;
  };
  const Network before = net;
  loss(net);
  net.zero_grad();
  net.backward(weights);
  const std::vector<std::size_t> sites = clip_sites(net);
  for (std::size_t l = 0; l < sites.size(); ++l) {
    Parameter& t = activation_at(net, sites[l]).parameter("thresholds");
    std::vector<std::size_t> probed;  // up to 3 elements that see activity (threshold > 0)
    for (std::size_t e = 0; e < t.value.size() && probed.size() < 3; ++e)
      if (t.value[e] > 0.0f) probed.push_back(e);
    for (std::size_t e : probed) {
      INFO("layer " << net.layer(sites[l]).name() << " threshold " << e);
      Network probe = net;
      Tensor& value = activation_at(probe, sites[l]).parameter("thresholds").value;
      // Small steps: the sigmoid edge (width 1/k) makes larger central differences visibly curved.
      const float h = 1e-4f * std::max(1.0f, std::abs(value[e]));
      const float original = value[e];
      value[e] = original + h;
      const double up = loss(probe);
      value[e] = original - h;
      const double down = loss(probe);
      const double numeric = (up - down) / (2.0 * h);
      CHECK(t.grad[e] == Approx(numeric).margin(0.02).epsilon(0.03));
    }
  }
  // Eval mode left every weight and batch-norm statistic alone.
  for (std::size_t i = 0; i < net.size(); ++i)
    for (std::size_t p = 0; p < net.layer(i).parameters().size(); ++p)
      CHECK(same_bits(net.layer(i).parameters()[p].value, before.layer(i).parameters()[p].value));

  // Stopping backward at a clipped layer gives that layer (and later ones) the same gradients.
  Network partial = before;
  loss(partial);
  partial.zero_grad();
  partial.backward(weights, sites[3]);
  for (std::size_t l = 3; l < sites.size(); ++l) {
    CHECK(same_bits(activation_at(partial, sites[l]).parameter("thresholds").grad,
                    activation_at(net, sites[l]).parameter("thresholds").grad));
  }
  CHECK(activation_at(partial, sites[0]).parameter("thresholds").grad[0] == 0.0f);
}

TEST_CASE("the distillation loss is cross-entropy against soft targets", "[thresholds]") {
  const std::vector<float> logits = {1.0f, -2.0f, 0.5f, 3.0f, 0.0f, -1.0f};
  const std::vector<int> labels = {2, 0};
  std::vector<float> onehot(6, 0.0f), soft_grad(6, 0.0f), hard_grad(6, 0.0f);
  onehot[2] = 1.0f, onehot[3] = 1.0f;
  const float hard = softmax_cross_entropy(2, 3, logits.data(), labels, hard_grad.data());
  const float soft = soft_target_cross_entropy(2, 3, logits.data(), onehot.data(), soft_grad.data());
  CHECK(soft == Approx(hard).epsilon(1e-6));
  for (int i = 0; i < 6; ++i) CHECK(soft_grad[i] == Approx(hard_grad[i]).margin(1e-7));
}

TEST_CASE("the paper fault injector flips floor of numel x 32 x BER distinct bits per tensor and restores", "[thresholds]") {
  Deployment deployment(lenet5(), Format::q15_16);
  std::vector<std::vector<std::uint32_t>> clean;
  for (const StoredParameter& p : deployment.parameters()) clean.push_back(p.stored.words);
  PaperFaultInjector injector(deployment);
  const double ber = 1e-4;
  std::size_t expected = 0;
  for (const auto& words : clean) expected += static_cast<std::size_t>(std::floor(words.size() * 32 * ber));
  CHECK(injector.inject(ber, 9) == expected);
  std::size_t flipped = 0;
  for (std::size_t i = 0; i < clean.size(); ++i)
    for (std::size_t w = 0; w < clean[i].size(); ++w)
      flipped += __builtin_popcount(clean[i][w] ^ deployment.parameters()[i].stored.words[w]);
  CHECK(flipped == expected);
  const auto first = deployment.parameters()[0].stored.words;
  injector.inject(ber, 9);
  CHECK(deployment.parameters()[0].stored.words == first);
  injector.restore();
  for (std::size_t i = 0; i < clean.size(); ++i) CHECK(deployment.parameters()[i].stored.words == clean[i]);
  CHECK_THROWS_WITH(PaperFaultInjector(*std::make_unique<Deployment>(lenet5(), Format::fp16)), Contains("q15.16"));
}

TEST_CASE("threshold memory of hybrid against neuron-wise and layer-wise clipping at CIFAR-10 size", "[thresholds]") {
  const ThresholdWords vgg = count_threshold_words(standard_topology_clip_shapes("vgg16"));
  CHECK(vgg.hybrid == 2060);
  CHECK(vgg.neuron_wise == 276480);
  CHECK(vgg.layer_wise == 13);
  CHECK(std::floor(vgg.neuron_over_hybrid()) == 134);
  const ThresholdWords alexnet = count_threshold_words(standard_topology_clip_shapes("alexnet"));
  CHECK(alexnet.hybrid == 6 + 4096);
  CHECK(alexnet.neuron_wise == 66176);
  const ThresholdWords resnet = count_threshold_words(standard_topology_clip_shapes("resnet50"));
  CHECK(resnet.layer_wise == 49);
  CHECK(resnet.hybrid == 48 + 2048 * 4 * 4);
  CHECK(resnet.neuron_wise == 2940928);
  const ThresholdWords lenet = count_threshold_words(clip_output_shapes(lenet5()));
  CHECK(lenet.hybrid == 87);
  CHECK(lenet.neuron_wise == 6508);
  CHECK_THROWS_WITH(standard_topology_clip_shapes("vgg19"), Contains("vgg16"));
}

TEST_CASE("thresholds loaded into the accelerator give identical logits on both engines and read back", "[thresholds][accelerator]") {
  const Network model = lenet5();
  const Tensor images = batch_images(test_split(), 0, 48);
  const ClipForm form = GENERATE(ClipForm::hard, ClipForm::saturate);
  ThresholdFile file = hybrid_file(model, 0.6f);
  file.hardware_form = clip_form_name(form);
  Network clipped = model;
  apply_thresholds(clipped, file, form);
  const AcceleratorConfig config = thresholds_config();
  Deployment deployment(clipped, Format::fp32);
  const Program program = compile_program(deployment, config, 16);
  REQUIRE(program.clip_units.size() == 4);
  REQUIRE(program.threshold_table.size() == 84);
  const InferenceRun functional = run_functional(deployment, program, config, images);
  const InferenceRun systemc = thresholds_engine->run(program, images);
  CHECK(same_bits(functional.logits, systemc.logits));
  // The clipping is active: the unclipped network gives other logits.
  Deployment plain(model, Format::fp32);
  CHECK_FALSE(same_bits(run_functional(plain, compile_program(plain, config, 16), config, images).logits, functional.logits));

  const LoadedThresholds loaded = read_loaded_thresholds(*thresholds_engine, 4, 84);
  CHECK_NOTHROW(verify_loaded_thresholds(loaded, file, form));
  ThresholdFile other = file;
  other.layers[1].values[0] += 0.25f;
  CHECK_THROWS_WITH(verify_loaded_thresholds(loaded, other, form), Contains("CLIP_THRESHOLD[1]") && Contains("relu2"));
  other = file;
  other.layers[3].values[83] = 0.0f;
  CHECK_THROWS_WITH(verify_loaded_thresholds(loaded, other, form), Contains("THRESHOLD_TABLE[83]"));
  CHECK_THROWS_WITH(verify_loaded_thresholds(loaded, file, form == ClipForm::hard ? ClipForm::saturate : ClipForm::hard),
                    Contains("CLIP_MODE"));
}

TEST_CASE("proact thresholds and simulate --thresholds end to end through the CLI", "[thresholds][cli]") {
  using proact::testing::run_cli;
  const std::string out = temp_path("proact_test_cli_thresholds.json").string();
  const std::string small = " --model lenet5 --train-images 256 --validation-limit 300 --calib 200 --epochs 1 --json --out " + out;
  const auto made = run_cli("thresholds --method proact --schedule 4e-5,4e-9" + small);
  REQUIRE(made.exit_code == 0);
  const auto summary = nlohmann::json::parse(made.output);
  CHECK(summary.at("threshold_words") == 87);
  CHECK(summary.at("hardware_form") == "hard");
  const ThresholdFile file = load_threshold_file(out);
  CHECK(file.method == "proact");
  CHECK(file.data.at("validation").at("images") == 300);
  CHECK(file.clean_accuracy.unclipped > 0.8);
  // The final state is a kept epoch's (or the init), so it keeps the default tolerance of A0.
  REQUIRE(file.clean_accuracy.initial);
  CHECK(std::abs(100.0 * (*file.clean_accuracy.initial - file.clean_accuracy.smooth)) <= 0.2 + 1e-9);
  REQUIRE(summary.at("layers").size() == 4);
  CHECK(summary.at("layers").back().contains("moved"));

  const auto simulated = run_cli("simulate --model lenet5 --thresholds " + out + " --limit 64 --json");
  REQUIRE(simulated.exit_code == 0);
  const auto run = nlohmann::json::parse(simulated.output);
  CHECK(run.at("thresholds").at("read_back") == true);
  CHECK(run.at("thresholds").at("clip_units") == 4);
  CHECK(run.at("thresholds").at("table_words") == 84);

  const auto report = run_cli("thresholds --report " + out);
  CHECK(report.exit_code == 0);
  CHECK_THAT(report.output, Contains("proact") && Contains("hybrid") && Contains("87"));

  // A file edited to claim other weights is refused, naming the mismatch.
  nlohmann::json edited = threshold_file_to_json(file);
  edited["model"]["checksum"] = "crc32:00000000";
  const std::string bad = temp_path("proact_test_cli_thresholds_bad.json").string();
  std::ofstream(bad) << edited.dump();
  const auto refused = run_cli("simulate --model lenet5 --thresholds " + bad + " --limit 8", true);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Contains("crc32:00000000") && Contains("weights"));

  const auto saturating = run_cli("thresholds --method ranger --clip-form saturate" + small);
  REQUIRE(saturating.exit_code == 0);
  CHECK(nlohmann::json::parse(saturating.output).at("hardware_form") == "saturate");
  const auto refused_form = run_cli("thresholds --method proact --clip-form saturate" + small, true);
  CHECK(refused_form.exit_code == 1);
  CHECK_THAT(refused_form.output, Contains("--clip-form") && Contains("ranger-nw only"));

  const auto ftclipact = run_cli("thresholds --method ftclipact --search-rounds 1 --search-min-rounds 1 --bers 1e-4 --fault-maps 1 --search-images 100" + small);
  REQUIRE(ftclipact.exit_code == 0);
  CHECK(nlohmann::json::parse(ftclipact.output).at("threshold_words") == 4);
}

TEST_CASE("every committed threshold file fits its zoo checkpoint and compiles onto the accelerator, neuron-wise ones into table windows", "[thresholds][zoo]") {
  const std::string model = GENERATE(as<std::string>{}, "lenet5", "vgg-small", "resnet-small");
  const Checkpoint checkpoint = load_checkpoint("models/zoo/" + model + ".ckpt");
  const AcceleratorConfig config = thresholds_config();
  for (const std::string method : {"ranger", "ranger-nw", "ftclipact", "fitact", "proact"}) {
    INFO(model << " " << method);
    const ThresholdFile file = load_threshold_file("models/zoo/" + model + "." + method + ".thresholds.json");
    CHECK(file.method == method);
    CHECK(file.model_name == model);
    Network clipped = checkpoint.network;
    REQUIRE_NOTHROW(apply_thresholds(clipped, file, parse_clip_form(file.hardware_form)));
    Deployment deployment(clipped, config.weight_format);
    const Program program = compile_program(deployment, config, 16);
    std::size_t layer_wise = 0;
    for (const ClipUnit& unit : program.clip_units) layer_wise += !unit.neuron_wise();
    CHECK(layer_wise + program.threshold_table.size() == file.threshold_words());
    if (method == "fitact" || method == "ranger-nw") {
      // Every layer neuron-wise: a table of one word fewer is refused, naming both counts.
      AcceleratorConfig short_table = config;
      short_table.threshold_table_words = static_cast<std::uint32_t>(file.threshold_words() - 1);
      CHECK_THROWS_WITH(compile_program(deployment, short_table, 16),
                        Contains("need " + std::to_string(file.threshold_words())) &&
                            Contains("holds " + std::to_string(file.threshold_words() - 1)));
    }
  }
}
