#include "models/kernels/gemm.hpp"

#include <Eigen/Core>
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif
#include <omp.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace proact {

AccumulationOrder AccumulationOrder::folded(int fold_length) {
  if (fold_length < 1) {
    throw std::invalid_argument("fold length must be at least 1, got " + std::to_string(fold_length));
  }
  return {fold_length};
}

AccumulationOrder AccumulationOrder::unfolded() { return {INT_MAX}; }

std::string AccumulationOrder::describe() const {
  if (is_free()) return "free";
  if (fold_length == INT_MAX) return "unfolded";
  return "folded(" + std::to_string(fold_length) + ")";
}

Dataflow parse_dataflow(const std::string& name) {
  if (name == "ws") return Dataflow::ws;
  if (name == "os") return Dataflow::os;
  if (name == "is") return Dataflow::is;
  throw std::invalid_argument("unknown dataflow '" + name + "' (expected ws, os or is)");
}

std::string dataflow_name(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::ws: return "ws";
    case Dataflow::os: return "os";
    case Dataflow::is: return "is";
  }
  return "?";
}

AccumulationOrder accumulation_order(Dataflow dataflow, int rows) {
  return dataflow == Dataflow::os ? AccumulationOrder::unfolded() : AccumulationOrder::folded(rows);
}

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The vector unit the ordered kernel runs on: lane-wise fused multiply-add and add, which are
// std::fma and + per lane, so every machine computes the same bits.
#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kLanes = 16;
constexpr int kMaxRows = 8;  // 16 partial sums + 2 panel vectors + 1 broadcast of 32 registers
inline Vec vzero() { return _mm512_setzero_ps(); }
inline Vec vload(const float* p) { return _mm512_loadu_ps(p); }
inline Vec vbroadcast(const float* p) { return _mm512_set1_ps(*p); }
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline Vec vadd(Vec a, Vec b) { return _mm512_add_ps(a, b); }
inline void vstore(float* p, Vec v) { _mm512_storeu_ps(p, v); }
inline void vstore_first(float* p, Vec v, int count) {  // lanes [0, count), count <= kLanes
  _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << count) - 1), v);
}
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
constexpr int kMaxRows = 6;  // 12 partial sums + 2 panel vectors + 1 broadcast of 16 registers
inline Vec vzero() { return _mm256_setzero_ps(); }
inline Vec vload(const float* p) { return _mm256_loadu_ps(p); }
inline Vec vbroadcast(const float* p) { return _mm256_broadcast_ss(p); }
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline Vec vadd(Vec a, Vec b) { return _mm256_add_ps(a, b); }
inline void vstore(float* p, Vec v) { _mm256_storeu_ps(p, v); }
inline void vstore_first(float* p, Vec v, int count) {
  _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), v);
}
#else
struct Vec {
  float lane[4];
};
constexpr int kLanes = 4;
constexpr int kMaxRows = 4;
inline Vec vzero() { return Vec{}; }
inline Vec vload(const float* p) { return Vec{{p[0], p[1], p[2], p[3]}}; }
inline Vec vbroadcast(const float* p) { return Vec{{*p, *p, *p, *p}}; }
inline Vec vfma(Vec a, Vec b, Vec c) {
  for (int i = 0; i < kLanes; ++i) c.lane[i] = std::fma(a.lane[i], b.lane[i], c.lane[i]);
  return c;
}
inline Vec vadd(Vec a, Vec b) {
  for (int i = 0; i < kLanes; ++i) a.lane[i] += b.lane[i];
  return a;
}
inline void vstore(float* p, Vec v) { std::copy_n(v.lane, kLanes, p); }
inline void vstore_first(float* p, Vec v, int count) { std::copy_n(v.lane, count, p); }
#endif

constexpr int kPanelVectors = 2;
constexpr int kPanel = kPanelVectors * kLanes;  // output columns per tile, B panel width
// Products smaller than this many multiply-adds stay on the calling thread.
constexpr double kParallelMacs = 1 << 20;
// A row-contiguous operand spanning at most this many floats (cache resident) is read in place;
// larger ones, and strided ones, are packed panel by panel.
constexpr std::ptrdiff_t kInPlaceSpan = 1 << 16;

// One tile of Rows output rows x kPanel columns over all of K: for each fold, partials
// p[i][j] = fma(a[i][kk], b[kk][j], p[i][j]) for kk in the fold, p starting at +0, then
// acc[i][j] = acc[i][j] + p[i][j] (acc starting at +0, the first fold's sum written directly).
// Row i of A starts at a + i * lda, row kk of the B panel at b + b_row[kk], row i of acc at
// acc + i * ld. fold >= 1.
template <int Rows>
void tile_kernel(const float* a, std::ptrdiff_t lda, const float* b, const std::ptrdiff_t* b_row, int k, int fold,
                 float* acc, std::ptrdiff_t ld) {
  if (k == 0) {
    for (int i = 0; i < Rows; ++i)
      for (int v = 0; v < kPanelVectors; ++v) vstore(acc + i * ld + v * kLanes, vzero());
    return;
  }
  for (int k0 = 0; k0 < k; k0 += fold) {
    const int k1 = k0 + std::min(fold, k - k0);
    Vec p[Rows][kPanelVectors];
    for (int i = 0; i < Rows; ++i)
      for (int v = 0; v < kPanelVectors; ++v) p[i][v] = vzero();
    for (int kk = k0; kk < k1; ++kk) {
      Vec bv[kPanelVectors];
      for (int v = 0; v < kPanelVectors; ++v) bv[v] = vload(b + b_row[kk] + v * kLanes);
      for (int i = 0; i < Rows; ++i) {
        const Vec av = vbroadcast(a + i * lda + kk);
        for (int v = 0; v < kPanelVectors; ++v) p[i][v] = vfma(av, bv[v], p[i][v]);
      }
    }
    for (int i = 0; i < Rows; ++i) {
      for (int v = 0; v < kPanelVectors; ++v) {
        float* out = acc + i * ld + v * kLanes;
        vstore(out, vadd(k0 == 0 ? vzero() : vload(out), p[i][v]));
      }
    }
  }
}

using TileKernel = void (*)(const float*, std::ptrdiff_t, const float*, const std::ptrdiff_t*, int, int, float*,
                            std::ptrdiff_t);

template <std::size_t... R>
constexpr std::array<TileKernel, sizeof...(R)> tile_kernels(std::index_sequence<R...>) {
  return {tile_kernel<static_cast<int>(R) + 1>...};
}
// kTileKernels[r - 1] computes a tile of r rows.
constexpr std::array<TileKernel, kMaxRows> kTileKernels = tile_kernels(std::make_index_sequence<kMaxRows>{});

// Columns [j0, j0 + cols) of B as a (K, kPanel) panel, zero past `cols`.
void pack_panel(const GemmOperand& b, int k, int j0, int cols, float* panel) {
  if (b.col_stride == 1) {
    for (int kk = 0; kk < k; ++kk) {
      const float* src = b.data + b.row_offset[kk] + j0;
      float* dst = panel + static_cast<std::ptrdiff_t>(kk) * kPanel;
      for (int j = 0; j < kPanel; ++j) dst[j] = j < cols ? src[j] : 0.0f;
    }
    return;
  }
  if (cols < kPanel) std::fill(panel, panel + static_cast<std::ptrdiff_t>(k) * kPanel, 0.0f);
  for (int j = 0; j < cols; ++j) {
    const float* src = b.data + (j0 + j) * b.col_stride;
    for (int kk = 0; kk < k; ++kk) panel[static_cast<std::ptrdiff_t>(kk) * kPanel + j] = src[b.row_offset[kk]];
  }
}

// Panel columns [from, from + count) landing on output columns [to, to + count), count <= kLanes.
struct Piece {
  int from, to, count;
};
constexpr int kMaxPieces = 2 * kPanel;  // a run per panel column at most, split at vector widths

// The kept columns of the panel's columns [j0, j0 + cols) as pieces; returns how many.
int panel_pieces(const GemmOutput& y, int j0, int cols, Piece (&pieces)[kMaxPieces]) {
  int count = 0;
  for (int j = j0; j < j0 + cols;) {
    const int g = j / y.group, r = j % y.group;
    const int length = static_cast<int>(std::min<long>(static_cast<long>(y.group) - r, j0 + cols - j));
    const int kept = std::max(0, std::min(y.kept - r, length));
    for (int t = 0; t < kept; t += kLanes)
      pieces[count++] = {j - j0 + t, static_cast<int>(static_cast<long>(g) * y.kept + r + t), std::min(kLanes, kept - t)};
    j += length;
  }
  return count;
}

// Rows [r0, r0 + rows) of a tile from acc (rows of kPanel, readable kLanes floats past the last
// row) to the output, + bias.
void write_tile(const float* acc, int r0, int rows, const Piece* pieces, int count, const GemmOutput& y) {
  for (int i = 0; i < rows; ++i) {
    const float* src = acc + i * kPanel;
    float* row = y.data + (r0 + i) * y.row_stride;
    const float add = y.bias ? y.bias[r0 + i] : 0.0f;
    if (y.col_stride == 1 && y.bias) {
      const Vec bias = vbroadcast(&add);
      for (int p = 0; p < count; ++p) vstore_first(row + pieces[p].to, vadd(vload(src + pieces[p].from), bias), pieces[p].count);
    } else if (y.col_stride == 1) {
      for (int p = 0; p < count; ++p) vstore_first(row + pieces[p].to, vload(src + pieces[p].from), pieces[p].count);
    } else {
      for (int p = 0; p < count; ++p) {
        for (int t = 0; t < pieces[p].count; ++t) {
          const float value = src[pieces[p].from + t];
          row[(pieces[p].to + t) * y.col_stride] = y.bias ? value + add : value;
        }
      }
    }
  }
}

// `count` floats starting at a 64-byte boundary inside `storage` (kept per thread between calls).
float* aligned_floats(std::vector<float>& storage, std::size_t count) {
  if (storage.size() < count + 64 / sizeof(float)) storage.resize(count + 64 / sizeof(float));
  void* begin = storage.data();
  std::size_t space = storage.size() * sizeof(float);
  return static_cast<float*>(std::align(64, count * sizeof(float), begin, space));
}

}  // namespace

void gemm(const float* a, const GemmOperand& b, const GemmOutput& y, int n, int k, int m, AccumulationOrder order) {
  if (n == 0 || m == 0) return;
  const int fold = order.is_free() ? std::max(k, 1) : std::min(order.fold_length, std::max(k, 1));
  // Row tiles of at most kMaxRows rows, as even as possible (N = 10 gives 5 + 5, not 8 + 2).
  const int tiles = (n + kMaxRows - 1) / kMaxRows;
  const int panels = (m + kPanel - 1) / kPanel;
  std::ptrdiff_t span = 0;
  if (b.col_stride == 1 && k > 0) {
    const auto [low, high] = std::minmax_element(b.row_offset, b.row_offset + k);
    span = *high - *low + m;
  }
  const bool in_place_b = b.col_stride == 1 && span <= kInPlaceSpan;
  const bool parallel = panels > 1 && !omp_in_parallel() && static_cast<double>(n) * k * m >= kParallelMacs;
#pragma omp parallel if (parallel)
  {
    thread_local std::vector<float> panel_storage, acc_storage;
    thread_local std::vector<std::ptrdiff_t> panel_rows;
    float* panel = aligned_floats(panel_storage, static_cast<std::size_t>(k) * kPanel);
    float* acc = aligned_floats(acc_storage, static_cast<std::size_t>(kMaxRows) * kPanel + kLanes);
    for (int kk = static_cast<int>(panel_rows.size()); kk < k; ++kk) panel_rows.push_back(static_cast<std::ptrdiff_t>(kk) * kPanel);
    Piece pieces[kMaxPieces];
#pragma omp for schedule(static)
    for (int p = 0; p < panels; ++p) {
      const int j0 = p * kPanel, cols = std::min(kPanel, m - j0);
      const float* b_data = b.data + j0;
      const std::ptrdiff_t* b_rows = b.row_offset;
      if (!in_place_b || cols < kPanel) {
        pack_panel(b, k, j0, cols, panel);
        b_data = panel;
        b_rows = panel_rows.data();
      }
      // A full panel that is one run of a row-major Y without bias is accumulated in place,
      // others through `acc`.
      const int count = panel_pieces(y, j0, cols, pieces);
      const bool in_place_y = y.col_stride == 1 && !y.bias && count == kPanelVectors && cols == kPanel &&
                              pieces[1].to == pieces[0].to + kLanes;
      float* out = y.data + (in_place_y ? pieces[0].to : 0);
      for (int t = 0, r0 = 0; t < tiles; ++t) {
        const int rows = n / tiles + (t < n % tiles ? 1 : 0);
        const float* a_tile = a + static_cast<std::ptrdiff_t>(r0) * k;
        if (in_place_y) {
          kTileKernels[rows - 1](a_tile, k, b_data, b_rows, k, fold, out + r0 * y.row_stride, y.row_stride);
        } else {
          kTileKernels[rows - 1](a_tile, k, b_data, b_rows, k, fold, acc, kPanel);
          write_tile(acc, r0, rows, pieces, count, y);
        }
        r0 += rows;
      }
    }
  }
}

void gemm(const float* a, const float* b, float* y, int n, int k, int m, AccumulationOrder order) {
  if (n == 0 || m == 0) return;
  if (order.is_free()) {
    Eigen::Map<const RowMajor> ma(a, n, k);
    Eigen::Map<const RowMajor> mb(b, k, m);
    Eigen::Map<RowMajor> my(y, n, m);
    my.noalias() = ma * mb;
    return;
  }
  std::vector<std::ptrdiff_t> rows(static_cast<std::size_t>(k));
  for (int kk = 0; kk < k; ++kk) rows[kk] = static_cast<std::ptrdiff_t>(kk) * m;
  GemmOutput out;
  out.data = y;
  out.row_stride = m;
  gemm(a, GemmOperand{b, rows.data(), 1}, out, n, k, m, order);
}

void gemm_naive(const float* a, const float* b, float* y, int n, int k, int m, AccumulationOrder order) {
  const int fold = order.is_free() ? std::max(k, 1) : order.fold_length;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      float acc = 0.0f;
      for (int k0 = 0; k0 < k; k0 += fold) {
        float partial = 0.0f;
        for (int kk = k0; kk < k && kk - k0 < fold; ++kk) {
          partial = std::fma(a[static_cast<std::size_t>(i) * k + kk], b[static_cast<std::size_t>(kk) * m + j], partial);
        }
        acc += partial;
      }
      y[static_cast<std::size_t>(i) * m + j] = acc;
    }
  }
}

// Unsigned arithmetic gives the two's-complement wrap-around of a hardware adder without UB.
void gemm_int8(const std::int8_t* a, const std::int8_t* b, std::int32_t* y, int n, int k, int m) {
  std::vector<std::uint32_t> row(static_cast<std::size_t>(m));
  for (int i = 0; i < n; ++i) {
    std::fill(row.begin(), row.end(), 0u);
    for (int kk = 0; kk < k; ++kk) {
      const auto av = static_cast<std::uint32_t>(static_cast<std::int32_t>(a[static_cast<std::size_t>(i) * k + kk]));
      const std::int8_t* bk = b + static_cast<std::size_t>(kk) * m;
      for (int j = 0; j < m; ++j) row[j] += av * static_cast<std::uint32_t>(static_cast<std::int32_t>(bk[j]));
    }
    for (int j = 0; j < m; ++j) y[static_cast<std::size_t>(i) * m + j] = static_cast<std::int32_t>(row[j]);
  }
}

void gemm_int8_naive(const std::int8_t* a, const std::int8_t* b, std::int32_t* y, int n, int k, int m) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      std::uint32_t acc = 0;
      for (int kk = 0; kk < k; ++kk) {
        acc += static_cast<std::uint32_t>(a[static_cast<std::size_t>(i) * k + kk] * b[static_cast<std::size_t>(kk) * m + j]);
      }
      y[static_cast<std::size_t>(i) * m + j] = static_cast<std::int32_t>(acc);
    }
  }
}

}  // namespace proact
