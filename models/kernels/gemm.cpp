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

#include "models/names.hpp"

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

namespace {

const NameTable<Dataflow>& dataflow_table() {
  static const NameTable<Dataflow> table(
      "dataflow", {
      {Dataflow::ws, "ws"}, {Dataflow::os, "os"}, {Dataflow::is, "is"}});
  return table;
}

}  // namespace

Dataflow parse_dataflow(const std::string& name) { return dataflow_table().parse(name); }

std::string dataflow_name(Dataflow dataflow) { return dataflow_table().name(dataflow); }

AccumulationOrder accumulation_order(Dataflow dataflow, int rows) {
  return dataflow == Dataflow::os ? AccumulationOrder::unfolded() : AccumulationOrder::folded(rows);
}

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Eigen sizes its GEMM blocks, and so the order of every float sum, by the number of threads it
// splits a product over: training and free-order products would change in the last bits between
// 1 and N OpenMP threads. Eigen runs single-threaded in every program that links the kernels, so
// a result is the same on any thread count; the parallel loops are the project's own (images,
// column panels), each of which keeps every sum in one thread.
[[maybe_unused]] const bool kEigenSingleThreaded = (Eigen::setNbThreads(1), true);

// The vector unit the ordered kernel runs on: lane-wise fused multiply-add and add, which are
// std::fma and + per lane, so every machine computes the same bits. A tile row is kPanelVectors
// = 2 vectors; vslice(lo, hi, from) is lanes [from, from + kLanes) of the 2 * kLanes lanes
// (lo, hi), wrapping.
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
inline Vec vslice(Vec lo, Vec hi, int from) {
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm512_permutex2var_ps(lo, _mm512_add_epi32(_mm512_set1_epi32(from), lanes), hi);
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
// Plain stores of 4, 2 and 1 lanes: vmaskmovps stores are microcoded on AMD CPUs. Out of line, so
// the tile kernel around it keeps its sums in registers (inlined, GCC spilled them and every
// tile ran at 0.6 of its speed).
[[gnu::noinline]] void vstore_first(float* p, Vec v, int count) {
  __m128 part = _mm256_castps256_ps128(v);
  if (count & 4) {
    _mm_storeu_ps(p, part);
    part = _mm256_extractf128_ps(v, 1);
    p += 4;
  }
  if (count & 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(p), part);
    part = _mm_movehl_ps(part, part);
    p += 2;
  }
  if (count & 1) _mm_store_ss(p, part);
}
inline Vec vslice(Vec lo, Vec hi, int from) {
  const __m256i lanes = _mm256_add_epi32(_mm256_set1_epi32(from), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i within = _mm256_and_si256(lanes, _mm256_set1_epi32(kLanes - 1));
  const __m256 from_hi = _mm256_castsi256_ps(_mm256_slli_epi32(lanes, 28));  // sign bit: lane index & 8
  return _mm256_blendv_ps(_mm256_permutevar8x32_ps(lo, within), _mm256_permutevar8x32_ps(hi, within), from_hi);
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
inline Vec vslice(Vec lo, Vec hi, int from) {
  Vec out;
  for (int i = 0; i < kLanes; ++i) {
    const int lane = (from + i) % (2 * kLanes);
    out.lane[i] = lane < kLanes ? lo.lane[lane] : hi.lane[lane - kLanes];
  }
  return out;
}
#endif

constexpr int kPanelVectors = 2;
constexpr int kPanel = kPanelVectors * kLanes;  // output columns per tile, B panel width
// Products smaller than this many multiply-adds stay on the calling thread.
constexpr double kParallelMacs = 1 << 20;
// A row-contiguous operand spanning at most this many floats (cache resident) is read in place;
// larger ones, and strided ones, are packed panel by panel.
constexpr std::ptrdiff_t kInPlaceSpan = 1 << 16;

// Panel columns [from, from + count) landing on output columns [to, to + count), count <= kLanes.
struct Piece {
  int from;
  std::ptrdiff_t to;
  int count;
};
constexpr int kMaxPieces = 2 * kPanel;  // a run per panel column at most, split at kLanes

// Where a tile's sums go: with pieces, tile row i's columns to data + i * row_stride (+ bias[i]
// when bias is set); without, all kPanel columns of row i to data + i * kPanel.
struct TileOutput {
  float* data;
  std::ptrdiff_t row_stride;
  const float* bias;
  const Piece* pieces;
  int count;
};

// One tile of Rows output rows x kPanel columns over all of K: for each fold, partials
// p[i][j] = fma(a[i][kk], b[kk][j], p[i][j]) for kk in the fold, p starting at +0, then
// s[i][j] = s[i][j] + p[i][j] (s starting at +0), kept in acc (Rows x kPanel) between folds.
// Row i of A starts at a + i * lda, row kk of the B panel at b + b_row[kk].
template <int Rows>
void tile_kernel(const float* a, std::ptrdiff_t lda, const float* b, const std::ptrdiff_t* b_row, int k, int fold,
                 float* acc, const TileOutput& out) {
  const int last_fold = k == 0 ? 0 : (k - 1) / fold * fold;  // K = 0 is one empty fold
  for (int k0 = 0; k0 <= last_fold; k0 += fold) {
    const int k1 = std::min(k0 + fold, k);
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
    // The sums replace the partials.
    for (int i = 0; i < Rows; ++i)
      for (int v = 0; v < kPanelVectors; ++v)
        p[i][v] = vadd(k0 == 0 ? vzero() : vload(acc + i * kPanel + v * kLanes), p[i][v]);
    if (k0 < last_fold || !out.pieces) {
      for (int i = 0; i < Rows; ++i)
        for (int v = 0; v < kPanelVectors; ++v) vstore(acc + i * kPanel + v * kLanes, p[i][v]);
      continue;
    }
    for (int q = 0; q < out.count; ++q) {
      const Piece piece = out.pieces[q];
      float* at = out.data + piece.to;
      for (int i = 0; i < Rows; ++i) {
        const Vec value = piece.from == 0 ? p[i][0] : piece.from == kLanes ? p[i][1] : vslice(p[i][0], p[i][1], piece.from);
        const Vec result = out.bias ? vadd(value, vbroadcast(out.bias + i)) : value;
        if (piece.count == kLanes) {
          vstore(at + i * out.row_stride, result);
        } else {
          vstore_first(at + i * out.row_stride, result, piece.count);
        }
      }
    }
  }
}

using TileKernel = void (*)(const float*, std::ptrdiff_t, const float*, const std::ptrdiff_t*, int, int, float*,
                            const TileOutput&);

template <std::size_t... R>
constexpr std::array<TileKernel, sizeof...(R)> tile_kernels(std::index_sequence<R...>) {
  return {tile_kernel<static_cast<int>(R) + 1>...};
}
// kTileKernels[r - 1] computes a tile of r rows.
constexpr std::array<TileKernel, kMaxRows> kTileKernels = tile_kernels(std::make_index_sequence<kMaxRows>{});

// dst (8 x 8, row stride ld_dst) = transpose of src (8 x 8, row stride ld_src).
void transpose8(const float* src, std::ptrdiff_t ld_src, float* dst, std::ptrdiff_t ld_dst) {
#if defined(__AVX__)
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ld_src);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    _mm256_storeu_ps(dst + i * ld_dst, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(dst + (i + 4) * ld_dst, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
#else
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) dst[j * ld_dst + i] = src[i * ld_src + j];
#endif
}

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
  // Rows contiguous in B's column (a transposed row-major matrix): 8 x 8 blocks, then the edges.
  bool contiguous = true;
  for (int kk = 1; kk < k && contiguous; ++kk) contiguous = b.row_offset[kk] == b.row_offset[0] + kk;
  const int block_cols = contiguous ? cols / 8 * 8 : 0, block_rows = contiguous ? k / 8 * 8 : 0;
  for (int j = 0; j < block_cols; j += 8) {
    const float* src = b.data + b.row_offset[0] + (j0 + j) * b.col_stride;
    for (int kk = 0; kk < block_rows; kk += 8) transpose8(src + kk, b.col_stride, panel + kk * kPanel + j, kPanel);
  }
  for (int j = 0; j < cols; ++j) {
    const float* src = b.data + (j0 + j) * b.col_stride;
    for (int kk = j < block_cols ? block_rows : 0; kk < k; ++kk)
      panel[static_cast<std::ptrdiff_t>(kk) * kPanel + j] = src[b.row_offset[kk]];
  }
}

// Where a panel's first column falls among the output's column groups: column j0 = group * y.group + offset.
struct GroupPosition {
  long group;
  long offset;
};

// The kept columns of the panel's columns [j0, j0 + cols), j0 at `at`, as pieces; returns how many.
int panel_pieces(const GemmOutput& y, int j0, GroupPosition at, int cols, Piece (&pieces)[kMaxPieces]) {
  // Runs of kept columns, adjacent ones merged (all columns kept is one run), then split at kLanes.
  Piece runs[kPanel];
  int count = 0;
  for (long j = j0, g = at.group, r = at.offset; j < j0 + cols; ++g, r = 0) {
    const long length = std::min(y.group - r, j0 + cols - j);
    const int kept = static_cast<int>(std::max(0L, std::min(y.kept - r, length)));
    const Piece run{static_cast<int>(j - j0), g * (y.group_stride ? y.group_stride : y.kept) + r, kept};
    if (count > 0 && runs[count - 1].from + runs[count - 1].count == run.from &&
        runs[count - 1].to + runs[count - 1].count == run.to) {
      runs[count - 1].count += kept;
    } else if (kept > 0) {
      runs[count++] = run;
    }
    j += length;
  }
  int pieces_count = 0;
  for (int q = 0; q < count; ++q)
    for (int t = 0; t < runs[q].count; t += kLanes)
      pieces[pieces_count++] = {runs[q].from + t, runs[q].to + t, std::min(kLanes, runs[q].count - t)};
  return pieces_count;
}

// Rows [r0, r0 + rows) of a tile's sums in acc (rows of kPanel) to a column-strided output, + bias.
void scatter_tile(const float* acc, int r0, int rows, const Piece* pieces, int count, const GemmOutput& y) {
  for (int i = 0; i < rows; ++i) {
    const float* src = acc + i * kPanel;
    float* row = y.data + (r0 + i) * y.row_stride;
    for (int q = 0; q < count; ++q) {
      for (int t = 0; t < pieces[q].count; ++t) {
        const float value = src[pieces[q].from + t];
        row[(pieces[q].to + t) * y.col_stride] = y.bias ? value + y.bias[r0 + i] : value;
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

int gemm_panel_columns() { return kPanel; }

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
  // Row tiles: the first `longer_tiles` have one row more than the others.
  const int tile_rows = n / tiles, longer_tiles = n % tiles;
  // Panels [first, last) on the calling thread. Everything the panel loop reads is a local copy, so
  // the compiler keeps it in registers across the tile kernel calls.
  const auto run = [a, b, y, n, k, m, fold, tiles, tile_rows, longer_tiles, in_place_b](int first, int last) {
    thread_local std::vector<float> panel_storage, acc_storage;
    thread_local std::vector<std::ptrdiff_t> panel_rows;
    float* panel = aligned_floats(panel_storage, static_cast<std::size_t>(k) * kPanel);
    float* acc = aligned_floats(acc_storage, static_cast<std::size_t>(kMaxRows) * kPanel);
    for (int kk = static_cast<int>(panel_rows.size()); kk < k; ++kk)
      panel_rows.push_back(static_cast<std::ptrdiff_t>(kk) * kPanel);
    Piece pieces[kMaxPieces];
    // A row-major output is written from registers; a column-strided one through acc.
    const bool direct = y.col_stride == 1;
    const long first_column = static_cast<long>(first) * kPanel;
    GroupPosition at{first_column / y.group, first_column % y.group};
    for (int p = first; p < last; ++p) {
      const int j0 = p * kPanel, cols = std::min(kPanel, m - j0);
      const float* b_data = b.data + j0;
      const std::ptrdiff_t* b_rows = b.row_offset;
      if (!in_place_b || cols < kPanel) {
        pack_panel(b, k, j0, cols, panel);
        b_data = panel;
        b_rows = panel_rows.data();
      }
      const int count = panel_pieces(y, j0, at, cols, pieces);
      for (int t = 0, r0 = 0; t < tiles; ++t) {
        const int rows = tile_rows + (t < longer_tiles ? 1 : 0);
        const TileOutput out{y.data + r0 * y.row_stride, y.row_stride, y.bias ? y.bias + r0 : nullptr,
                             direct ? pieces : nullptr, count};
        kTileKernels[rows - 1](a + static_cast<std::ptrdiff_t>(r0) * k, k, b_data, b_rows, k, fold, acc, out);
        if (!direct) scatter_tile(acc, r0, rows, pieces, count, y);
        r0 += rows;
      }
      for (at.offset += kPanel; at.offset >= y.group; at.offset -= y.group) ++at.group;
    }
  };
  if (panels == 1 || omp_in_parallel() || omp_get_max_threads() == 1 ||
      static_cast<double>(n) * k * m < kParallelMacs) {
    run(0, panels);
    return;
  }
#pragma omp parallel
  {
    const int thread = omp_get_thread_num(), threads = omp_get_num_threads();
    run(static_cast<int>(static_cast<long>(panels) * thread / threads),
        static_cast<int>(static_cast<long>(panels) * (thread + 1) / threads));
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
