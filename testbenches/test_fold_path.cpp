// The GEMM datapath's parts without a SystemC kernel: the fold loader (DMA -> weight SRAM ->
// read-back through the hooks) and the three accumulation strategies (whole-layer product, fold
// by fold in float and int8, the per-PE model), each against gemm_naive / gemm_int8_naive in the
// dataflow's accumulation order. That the whole SystemC model agrees with the functional engine
// is test_accelerator.cpp.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <vector>

#include "hw/array/array_numerics.hpp"
#include "hw/array/fold_accumulation.hpp"
#include "hw/control/fold_loader.hpp"
#include "hw/faults/fault_hook.hpp"
#include "models/numeric/format.hpp"
#include "models/random.hpp"

using namespace proact;

namespace {

// A 4x4 weight-stationary array with a 1024-word weight SRAM.
AcceleratorConfig small_array() {
  AcceleratorConfig c = preset("default");
  c.array_rows = c.array_cols = 4;
  c.weight_sram_bytes = 4096;
  c.validate();
  return c;
}

// A grouped 3x3 conv: 3 images of 4 channels 6x6, 6 filters in 2 groups (GEMM n 3, k 18, m 108).
LayerDescriptor grouped_conv(Format format) {
  LayerDescriptor d;
  d.op = LayerOp::conv;
  d.batch = 3;
  d.format = format;
  d.in_channels = 4, d.in_height = 6, d.in_width = 6, d.out_channels = 6, d.out_height = 6, d.out_width = 6;
  d.kernel = {3, 3}, d.stride = {1, 1}, d.dilation = {1, 1}, d.padding = {1, 1, 1, 1};
  d.groups = 2;
  d.input_scale = 0.02f;
  return d;
}

std::vector<float> uniform(std::size_t count, std::uint64_t seed) {
  std::vector<float> values(count);
  Rng rng(seed);
  for (float& v : values) v = 2.0f * rng.uniform() - 1.0f;
  return values;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Fold f's block of W (groups n, k), row-major.
template <typename T>
std::vector<T> block_of(const std::vector<T>& w, const LayerDescriptor& d, const LayerFold& f) {
  std::vector<T> block;
  for (long nn = f.block.n0; nn < f.block.n1; ++nn)
    for (long kk = f.block.k0; kk < f.block.k1; ++kk) block.push_back(w[(f.group * d.gemm_n() + nn) * d.gemm_k() + kk]);
  return block;
}

// gemm_naive per group of W (groups n, k) and X (groups k, m) in `order`.
std::vector<float> naive_product(const LayerDescriptor& d, const float* w, const float* x, AccumulationOrder order) {
  const long n = d.gemm_n(), k = d.gemm_k(), m = d.gemm_m();
  std::vector<float> y(static_cast<std::size_t>(d.gemm_groups() * n * m));
  for (long g = 0; g < d.gemm_groups(); ++g)
    gemm_naive(w + g * n * k, x + g * k * m, y.data() + g * n * m, static_cast<int>(n), static_cast<int>(k),
               static_cast<int>(m), order);
  return y;
}

}  // namespace

TEST_CASE("fold loader: each fold's block goes through the weight SRAM and comes back through its hook", "[hw][datapath]") {
  const AcceleratorConfig config = small_array();
  const LayerDescriptor d = grouped_conv(Format::fp32);
  const std::vector<LayerFold> folds = layer_folds(d, config);
  REQUIRE(folds.size() > 4);
  std::vector<std::uint32_t> w(static_cast<std::size_t>(d.out_channels * d.gemm_k()));
  Rng rng(3);
  for (std::uint32_t& word : w) word = static_cast<std::uint32_t>(rng.next());
  const std::uint64_t half = config.weight_sram_words() / 2;

  SECTION("read back as stored without a hook, and as the hook delivers with one") {
    WordMemory sram = make_weight_sram(config);
    const LayerFold& second = folds[1];
    const std::uint64_t address = weight_sram_address(second.block, 1, half, second.block.n0, second.block.k0 + 1);
    sram.set_fault_map(std::make_shared<FaultMap>(std::vector<Fault>{{address, 3, FaultKind::flip}}));
    FoldLoader loader(sram, folds, w.data(), d.gemm_n(), d.gemm_k(), 7, true);
    int hit = 0;
    for (std::size_t f = 0; f < folds.size(); ++f) {
      // The faulty cell hits whichever weight fold f keeps there (in its half, k-major).
      std::vector<std::uint32_t> expected = block_of(w, d, folds[f]);
      const FoldBlock& b = folds[f].block;
      for (long nn = b.n0; nn < b.n1; ++nn) {
        for (long kk = b.k0; kk < b.k1; ++kk) {
          if (weight_sram_address(b, f, half, nn, kk) != address) continue;
          expected[(nn - b.n0) * (b.k1 - b.k0) + (kk - b.k0)] ^= 8u;
          ++hit;
        }
      }
      const std::uint32_t* block = loader.load(f);
      CHECK(std::vector<std::uint32_t>(block, block + expected.size()) == expected);
    }
    CHECK(hit > 1);  // fold 1 and later folds in the same half
  }
  SECTION("without reads, the same cells and counts as with them") {
    WordMemory full = make_weight_sram(config), skipping = make_weight_sram(config);
    FoldLoader reading(full, folds, w.data(), d.gemm_n(), d.gemm_k(), 7, true);
    FoldLoader not_reading(skipping, folds, w.data(), d.gemm_n(), d.gemm_k(), 7, false);
    for (std::size_t f = 0; f < folds.size(); ++f) {
      CHECK(reading.load(f) != nullptr);
      CHECK(not_reading.load(f) == nullptr);
    }
    CHECK(full.reads() == skipping.reads());
    CHECK(full.writes() == skipping.writes());
    for (std::uint64_t a = 0; a < full.size(); ++a) CHECK(full.cells(a) == skipping.cells(a));
  }
  SECTION("a fold larger than half the SRAM is a device fault") {
    WordMemory tiny("weight_sram", 16, 32);
    FoldLoader loader(tiny, folds, w.data(), d.gemm_n(), d.gemm_k(), 7, true);
    try {
      loader.load(0);
      FAIL("no fault");
    } catch (const DeviceFault& e) {
      CHECK(e.code() == DeviceError::sram_overflow);
      CHECK_THAT(e.what(), Catch::Matchers::Contains("descriptor 7"));
    }
  }
}

TEST_CASE("accumulation strategies: whole layer, fold by fold and per-PE give gemm_naive's bits", "[hw][datapath]") {
  const AcceleratorConfig config = small_array();
  const LayerDescriptor d = grouped_conv(Format::fp32);
  const std::vector<LayerFold> folds = layer_folds(d, config);
  const std::vector<float> w = uniform(static_cast<std::size_t>(d.out_channels * d.gemm_k()), 4);
  const std::vector<float> input = uniform(static_cast<std::size_t>(d.batch * d.input_elements()), 5);
  const AccumulationOrder order = accumulation_order(config.dataflow, config.array_rows);
  const std::vector<float> x = gemm_operand(d, input.data());
  const std::vector<float> expected = naive_product(d, w.data(), x.data(), order);

  FoldByFold<float> by_fold(d, input.data());
  ReadBackWeights read_back(d);
  for (const LayerFold& f : folds) {
    const std::vector<float> block = block_of(w, d, f);
    by_fold.add(f, block.data());
    CHECK(read_back.record(f, block.data()));
  }
  CHECK(same_bits(by_fold.sums(), expected));
  CHECK(std::vector<float>(read_back.data(), read_back.data() + w.size()) == w);
  CHECK(read_back.block(folds[2]) == block_of(w, d, folds[2]));

  // The whole-layer product over the recorded W, in the output buffer's layout.
  const std::vector<float> bias(static_cast<std::size_t>(d.out_channels), 0.0f);
  std::vector<float> whole(static_cast<std::size_t>(d.batch * d.output_elements())), scattered(whole.size());
  gemm_layer(d, input.data(), read_back.data(), bias.data(), order, whole.data());
  scatter_gemm_output(d, expected.data(), scattered.data());
  CHECK(same_bits(whole, scattered));

  CHECK(same_bits(per_pe_product(d, config, w.data(), x.data(), 0), expected));

  // A weight read back with other bits in a later load is refused by the whole-layer record.
  std::vector<float> changed = block_of(w, d, folds[0]);
  changed[0] = -changed[0];
  CHECK_FALSE(read_back.record(folds[0], changed.data()));
}

TEST_CASE("accumulation strategies: int8 folds give gemm_int8_naive's sums", "[hw][datapath]") {
  const AcceleratorConfig config = small_array();
  const LayerDescriptor d = grouped_conv(Format::int8);
  const std::vector<LayerFold> folds = layer_folds(d, config);
  std::vector<std::int8_t> w(static_cast<std::size_t>(d.out_channels * d.gemm_k()));
  Rng rng(6);
  for (std::int8_t& v : w) v = static_cast<std::int8_t>(static_cast<int>(rng.next() % 255) - 127);
  const std::vector<float> input = uniform(static_cast<std::size_t>(d.batch * d.input_elements()), 7);
  FoldByFold<std::int8_t> by_fold(d, input.data());
  for (const LayerFold& f : folds) by_fold.add(f, block_of(w, d, f).data());
  const long n = d.gemm_n(), k = d.gemm_k(), m = d.gemm_m();
  std::vector<std::int32_t> expected(static_cast<std::size_t>(d.gemm_groups() * n * m));
  for (long g = 0; g < d.gemm_groups(); ++g)
    gemm_int8_naive(w.data() + g * n * k, by_fold.operand().data() + g * k * m, expected.data() + g * n * m,
                    static_cast<int>(n), static_cast<int>(k), static_cast<int>(m));
  CHECK(by_fold.sums() == expected);
}
