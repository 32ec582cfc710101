// Layer kernels: every fast kernel against its naive twin over generated shapes (ordered float
// paths and int8 bit for bit, free order within a tolerance), and every backward pass (kernels
// and layers, clip thresholds included) against central finite differences.
#include <catch2/catch.hpp>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "models/kernels/batch_norm.hpp"
#include "models/kernels/conv.hpp"
#include "models/kernels/dense.hpp"
#include "models/kernels/loss.hpp"
#include "models/kernels/pool.hpp"
#include "models/net/activation_layer.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/structure_layers.hpp"
#include "models/random.hpp"

using namespace proact;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

std::vector<float> normal_values(std::size_t count, std::uint64_t seed, float scale = 1.0f) {
  Rng rng(seed);
  std::vector<float> values(count);
  for (float& v : values) v = scale * rng.normal();
  return values;
}

std::vector<std::int8_t> int8_values(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<std::int8_t> values(count);
  for (auto& v : values) v = static_cast<std::int8_t>(static_cast<int>(rng.uniform_int(256)) - 128);
  return values;
}

// The hardware contract is the same bits, not merely equal values (+0 and -0 differ).
std::size_t bit_mismatches(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return std::max(a.size(), b.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) mismatches += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
  return mismatches;
}

// Free-order results: checks the element furthest outside `abs + rel * |reference|`.
void check_close(const std::vector<float>& result, const std::vector<float>& reference, float abs, float rel) {
  REQUIRE(result.size() == reference.size());
  if (result.empty()) return;
  std::size_t worst = 0;
  float worst_excess = -1.0f;
  for (std::size_t i = 0; i < result.size(); ++i) {
    const float excess = std::abs(result[i] - reference[i]) - rel * std::abs(reference[i]);
    if (excess > worst_excess) {
      worst_excess = excess;
      worst = i;
    }
  }
  INFO("worst element " << worst << " of " << result.size());
  CHECK_THAT(result[worst], WithinAbs(reference[worst], abs) || WithinRel(reference[worst], rel));
}

// L = sum_i r_i y_i accumulated in double: the scalar every finite difference below differentiates,
// so its gradient with respect to y is r.
double weighted_sum(const float* y, const std::vector<float>& r) {
  double sum = 0.0;
  for (std::size_t i = 0; i < r.size(); ++i) sum += static_cast<double>(r[i]) * y[i];
  return sum;
}

// Central differences of loss() with respect to every element of `values` (perturbed in place and
// restored), divided by the step actually representable in float.
std::vector<double> numeric_gradient(std::vector<float>& values, const std::function<double()>& loss, float step) {
  std::vector<double> gradient(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float original = values[i];
    const float up = original + step, down = original - step;
    values[i] = up;
    const double loss_up = loss();
    values[i] = down;
    const double loss_down = loss();
    values[i] = original;
    gradient[i] = (loss_up - loss_down) / (static_cast<double>(up) - static_cast<double>(down));
  }
  return gradient;
}

// Checks the element furthest outside `abs + rel * |numeric|`.
void check_gradient(const std::string& what, const std::vector<float>& analytic, const std::vector<double>& numeric,
                    double abs, double rel) {
  REQUIRE(analytic.size() == numeric.size());
  std::size_t worst = 0;
  double worst_excess = -1.0;
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    const double excess = std::abs(analytic[i] - numeric[i]) - rel * std::abs(numeric[i]);
    if (excess > worst_excess) {
      worst_excess = excess;
      worst = i;
    }
  }
  INFO(what << ": worst element " << worst << " of " << analytic.size() << ", analytic " << analytic[worst]
            << ", numeric " << numeric[worst]);
  CHECK(worst_excess <= abs);
}

std::string describe(const ConvGeometry& g) {
  return std::to_string(g.in_channels) + "x" + std::to_string(g.in_height) + "x" + std::to_string(g.in_width) +
         " -> " + std::to_string(g.out_channels) + ", " + window_string(g.window);
}

// ConvWindow {kernel, stride, dilation, padding [top, left, bottom, right], groups}.
ConvWindow conv_window(Size2d kernel, Size2d stride, Size2d dilation, Padding2d padding, int groups) {
  return ConvWindow{kernel, stride, dilation, padding, groups};
}

std::size_t conv_input_size(const ConvGeometry& g, int batch) {
  return static_cast<std::size_t>(batch) * g.in_channels * g.in_pixels();
}
std::size_t conv_output_size(const ConvGeometry& g, int batch) {
  return static_cast<std::size_t>(batch) * g.out_channels * g.out_pixels();
}

// The ordered orders of the tests: a fold of 1, odd and power-of-two folds, the ws array of 32
// rows, and os (unfolded).
AccumulationOrder generated_order() {
  return GENERATE(AccumulationOrder::folded(1), AccumulationOrder::folded(7), AccumulationOrder::folded(8),
                  accumulation_order(Dataflow::ws, 32), accumulation_order(Dataflow::os, 32));
}

// Odd sizes, 1x1 kernels, stride 2, padding; K = C * kernel^2 / groups from 1 to 144, mostly not
// a multiple of the folds; then grouped and depthwise convs, dilations, rectangular kernels,
// per-axis strides (3, whose phases a dilation of 2 reads out of order) and padding per side
// (larger than the kernel, and on one side only).
ConvGeometry generated_geometry() {
  return GENERATE(ConvGeometry{1, 5, 5, 1, ConvWindow::square(1, 1, 0)},
                  ConvGeometry{3, 7, 6, 4, ConvWindow::square(3, 1, 1)},
                  ConvGeometry{2, 9, 9, 5, ConvWindow::square(3, 2, 1)},
                  ConvGeometry{3, 8, 7, 6, ConvWindow::square(1, 2, 0)},
                  ConvGeometry{5, 6, 6, 7, ConvWindow::square(5, 1, 2)},
                  ConvGeometry{16, 7, 7, 9, ConvWindow::square(3, 1, 1)},
                  ConvGeometry{4, 7, 8, 6, conv_window({3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, 2)},
                  ConvGeometry{6, 9, 8, 6, conv_window({3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, 6)},
                  ConvGeometry{5, 11, 10, 10, conv_window({3, 3}, {1, 1}, {2, 2}, {2, 2, 2, 2}, 5)},
                  ConvGeometry{3, 9, 7, 4, conv_window({3, 1}, {2, 1}, {1, 1}, {1, 0, 1, 0}, 1)},
                  ConvGeometry{4, 10, 11, 6, conv_window({3, 2}, {3, 2}, {2, 3}, {0, 1, 2, 0}, 2)},
                  ConvGeometry{2, 6, 5, 3, conv_window({2, 2}, {1, 2}, {1, 1}, {3, 0, 0, 4}, 1)},
                  ConvGeometry{8, 8, 8, 8, conv_window({1, 3}, {1, 1}, {1, 1}, {0, 2, 0, 0}, 4)});
}

// A layer's backward against central differences of L = sum r . forward(x) in train mode: the
// input gradient and every trainable parameter's gradient.
void check_layer_backward(Layer& layer, Tensor input, float step, double abs, double rel) {
  ExecutionOptions train;
  train.mode = Mode::train;
  Tensor output;
  layer.forward({&input}, output, train);
  const std::vector<float> r = normal_values(output.size(), 36);
  for (Parameter& p : layer.parameters())
    if (p.trainable) p.grad.fill(0.0f);
  Tensor dinput(input.shape());
  layer.backward({&input}, output, Tensor(output.shape(), r), {&dinput});
  const auto loss = [&] {
    Tensor y;
    layer.forward({&input}, y, train);
    return weighted_sum(y.data(), r);
  };
  check_gradient(layer.name() + " input", dinput.values(), numeric_gradient(input.values(), loss, step), abs, rel);
  for (Parameter& p : layer.parameters()) {
    if (!p.trainable) continue;
    check_gradient(layer.name() + " " + p.name, p.grad.values(), numeric_gradient(p.value.values(), loss, step), abs, rel);
  }
}

Tensor normal_tensor(const Shape& shape, std::uint64_t seed) {
  return Tensor(shape, normal_values(shape_numel(shape), seed));
}

// Activation inputs in [-3, 8] with every value at least `margin` from the kinks 0, T (its
// threshold), lo and hi, so that a smaller finite-difference step never crosses one. thresholds
// holds 1 (layer-wise) or per-sample values.
Tensor clip_input(const Shape& shape, const Tensor& thresholds, ClampBounds bounds, float margin, std::uint64_t seed) {
  Tensor x(shape);
  const std::size_t per_sample = x.size() / static_cast<std::size_t>(shape.at(0));
  Rng rng(seed);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float t = thresholds[thresholds.size() == 1 ? 0 : i % per_sample];
    const auto near_kink = [&](float v) {
      for (float kink : {0.0f, t, bounds.lo, bounds.hi})
        if (std::abs(v - kink) < margin) return true;
      return false;
    };
    do {
      x[i] = -3.0f + 11.0f * rng.uniform();
    } while (near_kink(x[i]));
  }
  return x;
}

}  // namespace

TEST_CASE("gemm matches gemm_naive bit for bit in folded orders", "[kernels][gemm]") {
  // (N, K, M): edges of the 6x16 micro-kernel, K across folds, K = 0.
  const auto [n, k, m] = GENERATE(table<int, int, int>({{1, 1, 1}, {7, 13, 5}, {6, 32, 16}, {13, 33, 17},
                                                       {5, 100, 31}, {17, 65, 40}, {3, 0, 5}}));
  const std::vector<float> a = normal_values(static_cast<std::size_t>(n) * k, 1);
  const std::vector<float> b = normal_values(static_cast<std::size_t>(k) * m, 2);
  std::vector<float> fast(static_cast<std::size_t>(n) * m, -1.0f), reference(fast.size(), -2.0f);
  INFO("N " << n << " K " << k << " M " << m);

  SECTION("folded and unfolded orders") {
    const AccumulationOrder order = generated_order();
    INFO(order.describe());
    gemm(a.data(), b.data(), fast.data(), n, k, m, order);
    gemm_naive(a.data(), b.data(), reference.data(), n, k, m, order);
    CHECK(bit_mismatches(fast, reference) == 0);
  }
  SECTION("free order") {
    gemm(a.data(), b.data(), fast.data(), n, k, m, AccumulationOrder::free_order());
    gemm_naive(a.data(), b.data(), reference.data(), n, k, m, AccumulationOrder::free_order());
    check_close(fast, reference, 1e-6f * (k + 1), 1e-5f);
  }
}

TEST_CASE("gemm_int8 matches gemm_int8_naive exactly", "[kernels][gemm][int8]") {
  SECTION("generated shapes") {
    const auto [n, k, m] = GENERATE(table<int, int, int>({{1, 1, 1}, {7, 13, 5}, {13, 33, 17}, {5, 300, 31}}));
    const std::vector<std::int8_t> a = int8_values(static_cast<std::size_t>(n) * k, 3);
    const std::vector<std::int8_t> b = int8_values(static_cast<std::size_t>(k) * m, 4);
    std::vector<std::int32_t> fast(static_cast<std::size_t>(n) * m), reference(fast.size());
    gemm_int8(a.data(), b.data(), fast.data(), n, k, m);
    gemm_int8_naive(a.data(), b.data(), reference.data(), n, k, m);
    CHECK(fast == reference);
  }
  SECTION("int32 accumulation wraps like a two's-complement adder") {
    const int k = 131073;  // k * 128 * 128 = 2^31 + 2^14 overflows int32
    const std::vector<std::int8_t> a(k, -128), b(k, -128);
    std::int32_t fast = 0, reference = 0;
    gemm_int8(a.data(), b.data(), &fast, 1, k, 1);
    gemm_int8_naive(a.data(), b.data(), &reference, 1, k, 1);
    CHECK(fast == reference);
    CHECK(fast == -2147467264);  // 2^31 + 2^14 - 2^32
  }
}

TEST_CASE("conv2d_forward matches conv2d_forward_naive", "[kernels][conv]") {
  const ConvGeometry g = generated_geometry();
  const int batch = GENERATE(1, 3);
  const bool with_bias = GENERATE(true, false);
  g.validate();
  INFO(describe(g) << ", batch " << batch << (with_bias ? ", bias" : ", no bias"));
  const std::vector<float> x = normal_values(conv_input_size(g, batch), 5);
  const std::vector<float> w = normal_values(static_cast<std::size_t>(g.out_channels) * g.patch_size(), 6);
  const std::vector<float> bias = normal_values(g.out_channels, 7);
  const float* b = with_bias ? bias.data() : nullptr;
  std::vector<float> fast(conv_output_size(g, batch), -1.0f), reference(fast.size(), -2.0f);

  SECTION("folded and unfolded orders") {
    const AccumulationOrder order = generated_order();
    INFO(order.describe());
    conv2d_forward(g, batch, x.data(), w.data(), b, fast.data(), order);
    conv2d_forward_naive(g, batch, x.data(), w.data(), b, reference.data(), order);
    CHECK(bit_mismatches(fast, reference) == 0);
  }
  SECTION("free order") {
    conv2d_forward(g, batch, x.data(), w.data(), b, fast.data(), AccumulationOrder::free_order());
    conv2d_forward_naive(g, batch, x.data(), w.data(), b, reference.data(), AccumulationOrder::free_order());
    check_close(fast, reference, 1e-6f * (g.patch_size() + 1), 1e-5f);
  }
}

TEST_CASE("conv2d_forward gathers small outputs of many images into one product, bit for bit", "[kernels][conv]") {
  // Outputs of 4x4 and 2x2 pixels for 64 filters per group leave most of a column panel unused
  // per image, so the kernel gathers images (32 of 4x4 per product: 70 images are three products,
  // the last of 6), one group or two; on one thread and on two.
  ConvGeometry g;
  g.in_channels = 6;
  g.out_channels = 128;
  const int size = GENERATE(4, 2);
  g.in_height = g.in_width = size;
  g.window = GENERATE(ConvWindow::square(3, 1, 1), conv_window({3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, 2),
                      ConvWindow::square(1, 1, 0));
  g.validate();
  const int batch = 70, threads = GENERATE(1, 2);
  INFO(describe(g) << ", " << threads << " threads");
  const std::vector<float> x = normal_values(conv_input_size(g, batch), 13);
  const std::vector<float> w = normal_values(static_cast<std::size_t>(g.out_channels) * g.patch_size(), 14);
  const std::vector<float> bias = normal_values(g.out_channels, 15);
  std::vector<float> fast(conv_output_size(g, batch), -1.0f), reference(fast.size(), -2.0f);
  const AccumulationOrder order = accumulation_order(Dataflow::ws, 8);
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  conv2d_forward(g, batch, x.data(), w.data(), bias.data(), fast.data(), order);
  omp_set_num_threads(before);
  conv2d_forward_naive(g, batch, x.data(), w.data(), bias.data(), reference.data(), order);
  CHECK(bit_mismatches(fast, reference) == 0);
}

TEST_CASE("conv2d_backward matches conv2d_backward_naive", "[kernels][conv]") {
  const ConvGeometry g = generated_geometry();
  const int batch = GENERATE(1, 3);
  INFO(describe(g) << ", batch " << batch);
  const std::vector<float> x = normal_values(conv_input_size(g, batch), 8);
  const std::vector<float> w = normal_values(static_cast<std::size_t>(g.out_channels) * g.patch_size(), 9);
  const std::vector<float> dy = normal_values(conv_output_size(g, batch), 10);
  // dw and dbias accumulate: both start from the same non-zero values.
  std::vector<float> dx(x.size(), -1.0f), dw = normal_values(w.size(), 11), dbias = normal_values(g.out_channels, 12);
  std::vector<float> dx_ref(x.size(), -2.0f), dw_ref = dw, dbias_ref = dbias;
  const float abs = 1e-6f * (g.out_channels * g.window.kernel.height * g.window.kernel.width + g.out_pixels() * batch);

  SECTION("all gradients") {
    conv2d_backward(g, batch, x.data(), w.data(), dy.data(), dx.data(), dw.data(), dbias.data());
    conv2d_backward_naive(g, batch, x.data(), w.data(), dy.data(), dx_ref.data(), dw_ref.data(), dbias_ref.data());
    check_close(dx, dx_ref, abs, 1e-5f);
    check_close(dbias, dbias_ref, abs, 1e-5f);
  }
  SECTION("weights only (dx and dbias skipped)") {
    conv2d_backward(g, batch, x.data(), w.data(), dy.data(), nullptr, dw.data(), nullptr);
    conv2d_backward_naive(g, batch, x.data(), w.data(), dy.data(), nullptr, dw_ref.data(), nullptr);
    CHECK(bit_mismatches(dbias, dbias_ref) == 0);
  }
  check_close(dw, dw_ref, abs, 1e-5f);
}

TEST_CASE("dense kernels match their naive twins", "[kernels][dense]") {
  // (batch, in, out): single outputs, odd sizes, the zoo's 400 -> 120 and 84 -> 10 at batch 64.
  const auto [batch, in, out] =
      GENERATE(table<int, int, int>({{1, 1, 1}, {3, 33, 5}, {5, 17, 31}, {7, 400, 120}, {64, 84, 10}}));
  INFO("batch " << batch << ", " << in << " -> " << out);
  const std::vector<float> x = normal_values(static_cast<std::size_t>(batch) * in, 13);
  const std::vector<float> w = normal_values(static_cast<std::size_t>(out) * in, 14);
  const std::vector<float> bias = normal_values(out, 15);
  std::vector<float> fast(static_cast<std::size_t>(batch) * out, -1.0f), reference(fast.size(), -2.0f);

  SECTION("forward, folded and unfolded orders") {
    const AccumulationOrder order = generated_order();
    INFO(order.describe());
    dense_forward(batch, in, out, x.data(), w.data(), bias.data(), fast.data(), order);
    dense_forward_naive(batch, in, out, x.data(), w.data(), bias.data(), reference.data(), order);
    CHECK(bit_mismatches(fast, reference) == 0);
  }
  SECTION("forward, free order") {
    dense_forward(batch, in, out, x.data(), w.data(), nullptr, fast.data(), AccumulationOrder::free_order());
    dense_forward_naive(batch, in, out, x.data(), w.data(), nullptr, reference.data(), AccumulationOrder::free_order());
    check_close(fast, reference, 1e-6f * (in + 1), 1e-5f);
  }
  SECTION("backward") {
    const std::vector<float> dy = normal_values(fast.size(), 16);
    std::vector<float> dx(x.size(), -1.0f), dw = normal_values(w.size(), 17), dbias = normal_values(out, 18);
    std::vector<float> dx_ref(x.size(), -2.0f), dw_ref = dw, dbias_ref = dbias;
    dense_backward(batch, in, out, x.data(), w.data(), dy.data(), dx.data(), dw.data(), dbias.data());
    dense_backward_naive(batch, in, out, x.data(), w.data(), dy.data(), dx_ref.data(), dw_ref.data(), dbias_ref.data());
    const float abs = 1e-6f * (in + out + batch);
    check_close(dx, dx_ref, abs, 1e-5f);
    check_close(dw, dw_ref, abs, 1e-5f);
    check_close(dbias, dbias_ref, abs, 1e-5f);
  }
}

TEST_CASE("conv2d_backward matches finite differences", "[kernels][conv][gradient]") {
  const ConvGeometry g = GENERATE(ConvGeometry{2, 5, 5, 3, ConvWindow::square(3, 1, 1)},
                                  ConvGeometry{2, 6, 5, 3, ConvWindow::square(3, 2, 1)},
                                  ConvGeometry{3, 4, 4, 2, ConvWindow::square(1, 1, 0)},
                                  ConvGeometry{4, 6, 7, 6, conv_window({3, 2}, {2, 1}, {1, 2}, {0, 1, 2, 1}, 2)},
                                  ConvGeometry{3, 7, 6, 3, conv_window({3, 3}, {1, 1}, {2, 2}, {2, 2, 2, 2}, 3)});
  const int batch = 2;
  INFO(describe(g));
  std::vector<float> x = normal_values(conv_input_size(g, batch), 19);
  std::vector<float> w = normal_values(static_cast<std::size_t>(g.out_channels) * g.patch_size(), 20);
  std::vector<float> bias = normal_values(g.out_channels, 21);
  const std::vector<float> r = normal_values(conv_output_size(g, batch), 22);  // dL/dy
  std::vector<float> y(r.size());
  const auto loss = [&] {
    conv2d_forward(g, batch, x.data(), w.data(), bias.data(), y.data(), AccumulationOrder::free_order());
    return weighted_sum(y.data(), r);
  };
  std::vector<float> dx(x.size()), dw(w.size()), dbias(bias.size());
  conv2d_backward(g, batch, x.data(), w.data(), r.data(), dx.data(), dw.data(), dbias.data());
  // The loss is linear in each argument: a large step loses nothing to truncation.
  check_gradient("dx", dx, numeric_gradient(x, loss, 0.1f), 1e-3, 1e-3);
  check_gradient("dw", dw, numeric_gradient(w, loss, 0.1f), 1e-3, 1e-3);
  check_gradient("dbias", dbias, numeric_gradient(bias, loss, 0.1f), 1e-3, 1e-3);
}

TEST_CASE("dense_backward matches finite differences", "[kernels][dense][gradient]") {
  const int batch = 3, in = 11, out = 7;
  std::vector<float> x = normal_values(static_cast<std::size_t>(batch) * in, 23);
  std::vector<float> w = normal_values(static_cast<std::size_t>(out) * in, 24);
  std::vector<float> bias = normal_values(out, 25);
  const std::vector<float> r = normal_values(static_cast<std::size_t>(batch) * out, 26);
  std::vector<float> y(r.size());
  const auto loss = [&] {
    dense_forward(batch, in, out, x.data(), w.data(), bias.data(), y.data(), AccumulationOrder::free_order());
    return weighted_sum(y.data(), r);
  };
  std::vector<float> dx(x.size()), dw(w.size()), dbias(bias.size());
  dense_backward(batch, in, out, x.data(), w.data(), r.data(), dx.data(), dw.data(), dbias.data());
  check_gradient("dx", dx, numeric_gradient(x, loss, 0.1f), 1e-3, 1e-3);
  check_gradient("dw", dw, numeric_gradient(w, loss, 0.1f), 1e-3, 1e-3);
  check_gradient("dbias", dbias, numeric_gradient(bias, loss, 0.1f), 1e-3, 1e-3);
}

TEST_CASE("pooling backward matches finite differences", "[kernels][pool][gradient]") {
  // PoolGeometry {channels, H, W, window}: disjoint, overlapping and dense windows; padding per
  // side, rectangular windows, ceil mode (partial windows at the border), count_include_pad.
  const PoolGeometry g = GENERATE(PoolGeometry{2, 6, 6, PoolWindow::square(2, 2)},
                                  PoolGeometry{3, 7, 5, PoolWindow::square(3, 2)},
                                  PoolGeometry{2, 5, 4, PoolWindow::square(2, 1)},
                                  PoolGeometry{2, 6, 7, PoolWindow{{3, 3}, {2, 2}, {1, 1, 1, 1}, true, false}},
                                  PoolGeometry{2, 6, 7, PoolWindow{{3, 3}, {2, 2}, {1, 1, 1, 1}, true, true}},
                                  PoolGeometry{1, 7, 6, PoolWindow{{3, 2}, {2, 3}, {0, 1, 2, 0}, false, true}});
  const int batch = 2;
  g.validate();
  INFO("channels " << g.channels << ", " << g.in_height << "x" << g.in_width << ", kernel "
                   << size_string(g.window.kernel) << " stride " << size_string(g.window.stride) << " padding "
                   << padding_string(g.window.padding) << (g.window.ceil_mode ? ", ceil mode" : "")
                   << (g.window.count_include_pad ? ", count_include_pad" : ""));
  const std::size_t in_size = static_cast<std::size_t>(batch) * g.channels * g.in_height * g.in_width;
  const std::size_t out_size = static_cast<std::size_t>(batch) * g.channels * g.out_height() * g.out_width();
  // Distinct values 0.1 apart in random order: a 0.01 step never changes which input is the maximum
  // (average pools are linear and take a larger step).
  std::vector<float> x(in_size);
  std::vector<std::size_t> rank(in_size);
  for (std::size_t i = 0; i < in_size; ++i) rank[i] = i;
  Rng rng(27);
  rng.shuffle(rank);
  for (std::size_t i = 0; i < in_size; ++i) x[i] = 0.1f * static_cast<float>(rank[i]) - 3.0f;
  const std::vector<float> r = normal_values(out_size, 28);
  std::vector<float> y(out_size), dx(in_size, -1.0f);

  SECTION("max") {
    std::vector<std::int32_t> argmax;
    const auto loss = [&] {
      max_pool_forward(g, batch, x.data(), y.data(), &argmax);
      return weighted_sum(y.data(), r);
    };
    loss();
    max_pool_backward(g, batch, argmax, r.data(), dx.data());
    check_gradient("dx", dx, numeric_gradient(x, loss, 0.01f), 1e-4, 1e-4);
  }
  SECTION("average") {
    const auto loss = [&] {
      avg_pool_forward(g, batch, x.data(), y.data());
      return weighted_sum(y.data(), r);
    };
    avg_pool_backward(g, batch, r.data(), dx.data());
    check_gradient("dx", dx, numeric_gradient(x, loss, 0.05f), 1e-4, 1e-3);
  }
  SECTION("global average") {
    const int pixels = g.in_height * g.in_width;
    const std::vector<float> rg = normal_values(static_cast<std::size_t>(batch) * g.channels, 29);
    std::vector<float> yg(rg.size());
    const auto loss = [&] {
      global_avg_pool_forward(batch, g.channels, pixels, x.data(), yg.data());
      return weighted_sum(yg.data(), rg);
    };
    global_avg_pool_backward(batch, g.channels, pixels, rg.data(), dx.data());
    check_gradient("dx", dx, numeric_gradient(x, loss, 0.05f), 1e-4, 1e-3);
  }
}

TEST_CASE("batch norm backward (train mode) matches finite differences", "[kernels][batch_norm][gradient]") {
  // (batch, channels, pixels): a dense layer's output (pixels = 1) and conv feature maps.
  int batch = 0, channels = 0, pixels = 0;  // not structured bindings: the lambda below captures them
  std::tie(batch, channels, pixels) = GENERATE(table<int, int, int>({{6, 3, 1}, {2, 4, 9}, {3, 2, 5}}));
  INFO("batch " << batch << ", channels " << channels << ", pixels " << pixels);
  const std::size_t size = static_cast<std::size_t>(batch) * channels * pixels;
  std::vector<float> x = normal_values(size, 30, 2.0f);
  std::vector<float> gamma = normal_values(channels, 31), beta = normal_values(channels, 32);
  for (float& v : gamma) v += 1.5f;
  const std::vector<float> r = normal_values(size, 33);
  std::vector<float> y(size), running_mean(channels, 0.0f), running_var(channels, 1.0f), mean, inv_std;
  const auto forward = [&] {
    const BatchNormParams p{gamma.data(), beta.data()};
    batch_norm_train_forward(batch, channels, pixels, x.data(), y.data(), p, 0.1f, running_mean.data(),
                             running_var.data(), mean, inv_std);
    return weighted_sum(y.data(), r);
  };
  forward();
  std::vector<float> dx(size, -1.0f), dgamma(channels, 0.0f), dbeta(channels, 0.0f);
  batch_norm_backward(batch, channels, pixels, x.data(), r.data(), BatchNormParams{gamma.data(), beta.data()}, mean,
                      inv_std, dx.data(), dgamma.data(), dbeta.data());
  check_gradient("dx", dx, numeric_gradient(x, forward, 1e-2f), 2e-3, 1e-2);
  check_gradient("dgamma", dgamma, numeric_gradient(gamma, forward, 1e-2f), 2e-3, 1e-3);
  check_gradient("dbeta", dbeta, numeric_gradient(beta, forward, 1e-2f), 2e-3, 1e-3);
}

TEST_CASE("softmax cross-entropy gradient matches finite differences", "[kernels][loss][gradient]") {
  int batch = 0, classes = 0;  // not structured bindings: the lambda below captures them
  std::tie(batch, classes) = GENERATE(table<int, int>({{1, 2}, {3, 10}, {8, 7}}));
  INFO("batch " << batch << ", classes " << classes);
  std::vector<float> logits = normal_values(static_cast<std::size_t>(batch) * classes, 34, 2.0f);
  std::vector<int> labels(batch);
  Rng rng(35);
  for (int& label : labels) label = static_cast<int>(rng.uniform_int(classes));
  std::vector<float> dlogits(logits.size());
  const float loss = softmax_cross_entropy(batch, classes, logits.data(), labels, dlogits.data());

  SECTION("against finite differences") {
    const auto loss_of = [&] { return static_cast<double>(softmax_cross_entropy(batch, classes, logits.data(), labels, nullptr)); };
    CHECK_THAT(loss, WithinRel(static_cast<float>(loss_of()), 1e-6f));
    check_gradient("dlogits", dlogits, numeric_gradient(logits, loss_of, 1e-2f), 2e-4, 1e-3);
  }
  SECTION("the gradient is (softmax - onehot) / batch") {
    std::vector<float> probabilities(logits.size());
    softmax(batch, classes, logits.data(), probabilities.data());
    for (int b = 0; b < batch; ++b) probabilities[static_cast<std::size_t>(b) * classes + labels[b]] -= 1.0f;
    for (float& p : probabilities) p /= static_cast<float>(batch);
    check_close(dlogits, probabilities, 1e-6f, 1e-5f);
  }
}

TEST_CASE("Conv2d and Dense layer backward match finite differences", "[kernels][layer][gradient]") {
  SECTION("conv2d, stride 2, padding 1") {
    Conv2d conv("conv", 2, 3, 3, 2, 1);
    conv.parameter("weight").value = normal_tensor({3, 2, 3, 3}, 37);
    conv.parameter("bias").value = normal_tensor({3}, 38);
    check_layer_backward(conv, normal_tensor({2, 2, 7, 6}, 39), 0.1f, 1e-3, 1e-3);
  }
  SECTION("conv2d, depthwise, dilation 2, stride (2, 1), padding per side") {
    Conv2d conv("depthwise", 3, 3, conv_window({3, 3}, {2, 1}, {2, 2}, {2, 1, 0, 2}, 3));
    conv.parameter("weight").value = normal_tensor({3, 1, 3, 3}, 45);
    conv.parameter("bias").value = normal_tensor({3}, 46);
    check_layer_backward(conv, normal_tensor({2, 3, 7, 6}, 47), 0.1f, 1e-3, 1e-3);
  }
  SECTION("conv2d, 2 groups, 3x2 kernel") {
    Conv2d conv("grouped", 4, 6, conv_window({3, 2}, {1, 1}, {1, 1}, {1, 0, 1, 1}, 2));
    conv.parameter("weight").value = normal_tensor({6, 2, 3, 2}, 48);
    conv.parameter("bias").value = normal_tensor({6}, 49);
    check_layer_backward(conv, normal_tensor({2, 4, 5, 6}, 50), 0.1f, 1e-3, 1e-3);
  }
  SECTION("dense") {
    Dense dense("fc", 13, 5);
    dense.parameter("weight").value = normal_tensor({5, 13}, 40);
    dense.parameter("bias").value = normal_tensor({5}, 41);
    check_layer_backward(dense, normal_tensor({3, 13}, 42), 0.1f, 1e-3, 1e-3);
  }
}

TEST_CASE("Activation layer backward with thresholds matches finite differences", "[kernels][layer][clip][gradient]") {
  const ClipForm form = GENERATE(ClipForm::relu, ClipForm::smooth, ClipForm::hard, ClipForm::saturate);
  const bool neuron_wise = GENERATE(false, true);
  const float inf = std::numeric_limits<float>::infinity();
  // ReLU, ReLU6, and Clip bounds below 0, above the thresholds and below them (the thresholds,
  // in [1.5, 2.5], stay clear of the bounds: a clamped value at a bound must not cross one).
  const ClampBounds bounds = GENERATE_COPY(ClampBounds{}, ClampBounds{0.0f, 6.0f}, ClampBounds{-1.0f, 3.0f},
                                           ClampBounds{-inf, 1.2f});
  const Shape sample{3, 4, 4};
  INFO(clip_form_name(form) << (neuron_wise ? ", neuron-wise" : ", layer-wise") << ", clamp " << bounds_string(bounds));
  Rng rng(43);
  Tensor thresholds(neuron_wise ? sample : Shape{1});
  for (float& t : thresholds.values()) t = 1.5f + rng.uniform();
  Activation activation("clip", bounds);
  if (form != ClipForm::relu) activation.set_clipping(form, thresholds);
  const Tensor x = clip_input({2, 3, 4, 4}, thresholds, bounds, 0.2f, 44);
  // The smooth form bends sharply near T (k = 20): a small step keeps truncation error low.
  const float step = form == ClipForm::smooth ? 1e-3f : 1e-2f;
  check_layer_backward(activation, x, step, 5e-3, 1e-2);
}

TEST_CASE("max pooling without argmax gives the general loop's bits: ties, signed zeros, NaNs", "[kernels][pool]") {
  // Inference takes vectorised paths for windows inside the input (2x2 moved by 2, and any other
  // window); with argmax the general loop runs. Values from a small set so that windows tie,
  // with -0, +0 and NaN (first element wins a tie; a NaN wins only as the first element).
  const PoolGeometry g = GENERATE(PoolGeometry{3, 8, 8, PoolWindow::square(2, 2)},
                                  PoolGeometry{2, 9, 37, PoolWindow::square(2, 2)},
                                  PoolGeometry{2, 7, 9, PoolWindow::square(3, 2)},
                                  PoolGeometry{2, 6, 20, PoolWindow{{2, 3}, {1, 2}, {}, false, false}},
                                  PoolGeometry{2, 6, 7, PoolWindow{{3, 3}, {2, 2}, {1, 1, 1, 1}, true, false}});
  const int batch = 2;
  g.validate();
  const std::size_t in_size = static_cast<std::size_t>(batch) * g.channels * g.in_height * g.in_width;
  const std::size_t out_size = static_cast<std::size_t>(batch) * g.channels * g.out_height() * g.out_width();
  const float values[] = {-0.0f, 0.0f, 1.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(), 2.0f};
  std::vector<float> x(in_size);
  Rng rng(41);
  for (float& v : x) v = values[rng.uniform_int(6)];
  std::vector<float> fast(out_size), general(out_size);
  std::vector<std::int32_t> argmax;
  max_pool_forward(g, batch, x.data(), fast.data(), nullptr);
  max_pool_forward(g, batch, x.data(), general.data(), &argmax);
  for (std::size_t i = 0; i < out_size; ++i) {
    INFO("output " << i);
    CHECK(std::memcmp(&fast[i], &general[i], sizeof(float)) == 0);
  }
}

TEST_CASE("pool windows: padding, ceil mode and count_include_pad as in PyTorch", "[kernels][pool]") {
  CHECK(sliding_windows(5, 2, 2, 0, 0, true) == 3);   // a partial last window
  CHECK(sliding_windows(4, 1, 2, 0, 0, true) == 2);   // the ceiling's window would start past the input: dropped
  CHECK(sliding_windows(6, 3, 2, 1, 1, true) == 4);   // ... starting in the input: kept
  CHECK(sliding_windows(6, 3, 2, 1, 1, false) == 3);
  CHECK(sliding_windows(2, 3, 1, 0, 0, false) == 0);  // no window fits
  // Expected values: torch.nn.functional.avg_pool2d and max_pool2d on arange(25).view(1, 1, 5, 5).
  std::vector<float> x(25);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  const auto pool = [&](const PoolWindow& window, bool average, const std::vector<float>& input) {
    const PoolGeometry g{1, 5, 5, window};
    g.validate();
    std::vector<float> y(static_cast<std::size_t>(g.out_height()) * g.out_width());
    if (average) {
      avg_pool_forward(g, 1, input.data(), y.data());
    } else {
      max_pool_forward(g, 1, input.data(), y.data(), nullptr);
    }
    return y;
  };
  const auto check_values = [](const std::vector<float>& y, const std::vector<float>& expected) {
    REQUIRE(y.size() == expected.size());
    for (std::size_t i = 0; i < y.size(); ++i) CHECK_THAT(y[i], WithinRel(expected[i], 1e-6f));
  };
  SECTION("average, kernel 2, stride 2, ceil mode") {
    check_values(pool({{2, 2}, {2, 2}, {}, true, false}, true, x), {3, 5, 6.5f, 13, 15, 16.5f, 20.5f, 22.5f, 24});
  }
  SECTION("average, kernel 3, stride 2, padding 1, ceil mode, count_include_pad") {
    check_values(pool({{3, 3}, {2, 2}, Padding2d::uniform(1), true, true}, true, x),
                 {12.0f / 9, 3, 24.0f / 9, 7, 12, 9, 8, 13, 84.0f / 9});
  }
  SECTION("average, kernel 3, stride 2, padding 1, ceil mode, padding not counted") {
    check_values(pool({{3, 3}, {2, 2}, Padding2d::uniform(1), true, false}, true, x),
                 {3, 4.5f, 6, 10.5f, 12, 13.5f, 18, 19.5f, 21});
  }
  SECTION("max of negative values, kernel 3, stride 2, padding 1, ceil mode: padding never wins") {
    std::vector<float> negative(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) negative[i] = -x[i] - 1.0f;
    check_values(pool({{3, 3}, {2, 2}, Padding2d::uniform(1), true, false}, false, negative),
                 {-1, -2, -4, -6, -7, -9, -16, -17, -19});
  }
}

TEST_CASE("Concat and Pad layers route values and gradients", "[kernels][layer]") {
  SECTION("Concat stacks each sample's inputs along the first axis, backward splits") {
    Concat concat("concat", 2);
    CHECK(concat.arity() == 2);
    CHECK(concat.output_shape({{2, 1, 2}, {1, 1, 2}}) == Shape{3, 1, 2});
    CHECK_THROWS_WITH(concat.output_shape({{2, 1, 2}, {1, 2, 1}}), Catch::Matchers::Contains("only the first axis"));
    const Tensor a({2, 2, 1, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), b({2, 1, 1, 2}, {-1, -2, -3, -4});
    Tensor y;
    concat.forward({&a, &b}, y, ExecutionOptions{});
    CHECK(y.shape() == Shape{2, 3, 1, 2});
    CHECK(y.values() == std::vector<float>{1, 2, 3, 4, -1, -2, 5, 6, 7, 8, -3, -4});
    Tensor da(a.shape()), db(b.shape());
    concat.backward({&a, &b}, y, y, {&da, &db});
    CHECK(da.values() == a.values());
    CHECK(db.values() == b.values());
  }
  SECTION("Pad fills the border with its value; backward matches finite differences") {
    Pad pad("pad", {1, 0, 2, 1}, -0.5f);
    CHECK(pad.output_shape({{3, 2, 2}}) == Shape{3, 5, 3});
    const Tensor x({1, 1, 1, 2}, {7, 8});
    Tensor y;
    pad.forward({&x}, y, ExecutionOptions{});
    CHECK(y.values() == std::vector<float>{-0.5f, -0.5f, -0.5f, 7, 8, -0.5f, -0.5f, -0.5f, -0.5f, -0.5f, -0.5f, -0.5f});
    check_layer_backward(pad, normal_tensor({2, 3, 4, 5}, 51), 0.1f, 1e-4, 1e-4);
  }
}
