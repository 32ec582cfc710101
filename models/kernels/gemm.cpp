#include "models/kernels/gemm.hpp"

#include <Eigen/Core>
#if defined(__FMA__) && defined(__AVX__)
#include <immintrin.h>
#endif
#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>
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

constexpr int kPanel = 16;  // output columns per micro-kernel call (two 8-float vectors)
constexpr int kRows = 6;    // output rows per micro-kernel call (12 vector accumulators)

// One fold of Rows output rows x kPanel columns: p[i][j] = fma(a[i][kk], panel[kk][j], p[i][j])
// for kk in [k0, k1), p starting at 0, then acc += p. `panel` holds B's columns packed as
// (K, kPanel). With FMA hardware this is explicit vector code; otherwise the same operations
// in scalar std::fma, so results are identical on every machine.
template <int Rows>
void fold_into(const float* a, int lda, const float* panel, int k0, int k1, float (&acc)[Rows][kPanel]) {
#if defined(__FMA__) && defined(__AVX__)
  __m256 p[Rows][2];
  for (int i = 0; i < Rows; ++i) p[i][0] = p[i][1] = _mm256_setzero_ps();
  for (int kk = k0; kk < k1; ++kk) {
    const float* bk = panel + static_cast<std::size_t>(kk) * kPanel;
    const __m256 b0 = _mm256_loadu_ps(bk);
    const __m256 b1 = _mm256_loadu_ps(bk + 8);
    for (int i = 0; i < Rows; ++i) {
      const __m256 av = _mm256_broadcast_ss(a + static_cast<std::size_t>(i) * lda + kk);
      p[i][0] = _mm256_fmadd_ps(av, b0, p[i][0]);
      p[i][1] = _mm256_fmadd_ps(av, b1, p[i][1]);
    }
  }
  for (int i = 0; i < Rows; ++i) {
    _mm256_storeu_ps(acc[i], _mm256_add_ps(_mm256_loadu_ps(acc[i]), p[i][0]));
    _mm256_storeu_ps(acc[i] + 8, _mm256_add_ps(_mm256_loadu_ps(acc[i] + 8), p[i][1]));
  }
#else
  float p[Rows][kPanel] = {};
  for (int kk = k0; kk < k1; ++kk) {
    const float* bk = panel + static_cast<std::size_t>(kk) * kPanel;
    for (int i = 0; i < Rows; ++i) {
      const float av = a[static_cast<std::size_t>(i) * lda + kk];
      for (int j = 0; j < kPanel; ++j) p[i][j] = std::fma(av, bk[j], p[i][j]);
    }
  }
  for (int i = 0; i < Rows; ++i)
    for (int j = 0; j < kPanel; ++j) acc[i][j] += p[i][j];
#endif
}

// Y rows [0, Rows) x columns [0, cols) of one panel, all folds of K in order.
template <int Rows>
void folded_micro_kernel(const float* a, int lda, const float* panel, float* y, int ldy, int k, int fold,
                         int cols) {
  float acc[Rows][kPanel] = {};
  for (int k0 = 0; k0 < k; k0 += fold) fold_into<Rows>(a, lda, panel, k0, k0 + std::min(fold, k - k0), acc);
  for (int i = 0; i < Rows; ++i)
    for (int j = 0; j < cols; ++j) y[static_cast<std::size_t>(i) * ldy + j] = acc[i][j];
}

void gemm_folded(const float* a, const float* b, float* y, int n, int k, int m, int fold) {
  std::vector<float> panel(static_cast<std::size_t>(k) * kPanel);
  for (int m0 = 0; m0 < m; m0 += kPanel) {
    const int cols = std::min(kPanel, m - m0);
    for (int kk = 0; kk < k; ++kk) {
      const float* src = b + static_cast<std::size_t>(kk) * m + m0;
      float* dst = panel.data() + static_cast<std::size_t>(kk) * kPanel;
      std::copy(src, src + cols, dst);
      std::fill(dst + cols, dst + kPanel, 0.0f);
    }
    int n0 = 0;
    for (; n0 + kRows <= n; n0 += kRows) {
      folded_micro_kernel<kRows>(a + static_cast<std::size_t>(n0) * k, k, panel.data(),
                                 y + static_cast<std::size_t>(n0) * m + m0, m, k, fold, cols);
    }
    for (; n0 < n; ++n0) {
      folded_micro_kernel<1>(a + static_cast<std::size_t>(n0) * k, k, panel.data(),
                             y + static_cast<std::size_t>(n0) * m + m0, m, k, fold, cols);
    }
  }
}

}  // namespace

void gemm(const float* a, const float* b, float* y, int n, int k, int m, AccumulationOrder order) {
  if (n == 0 || m == 0) return;
  if (order.is_free()) {
    Eigen::Map<const RowMajor> ma(a, n, k);
    Eigen::Map<const RowMajor> mb(b, k, m);
    Eigen::Map<RowMajor> my(y, n, m);
    my.noalias() = ma * mb;
    return;
  }
  gemm_folded(a, b, y, n, k, m, order.fold_length);
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
