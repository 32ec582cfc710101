#include "hw/array/pe_array.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace proact {

namespace {

// An operand or partial sum in a pipeline register. `live` marks a slot the schedule fills (it
// keeps the array busy); `data` marks one that carries a real operand (a bubble in a row or
// column the fold does not use is live without data).
struct Token {
  bool live = false;
  bool data = false;
  float value = 0.0f;
  long tag = 0;  // stream index (ws/is: output column t; os: k)
};

using Grid = std::array<std::array<Token, PeArray::kMaxDim>, PeArray::kMaxDim>;

// One fold of a stationary dataflow (ws, is) on an re x ce grid whose r x c corner is used.
// stationary(i, j): the operand held by PE (i, j); streamed(t, i): the operand entering row i for
// stream index t (0 <= t < length); emit(j, t, partial): column j's finished partial for index t.
// Returns the fold's cycles: re to load, then until the last partial leaves the bottom edge.
template <class Stationary, class Streamed, class Emit>
long stationary_fold(int re, int ce, int r, int c, long length, Stationary stationary, Streamed streamed, Emit emit) {
  Grid held{};
  for (int step = 0; step < re; ++step) {  // shift down; the top row is pushed in last
    for (int i = re - 1; i > 0; --i) held[i] = held[i - 1];
    const int source = re - 1 - step;
    for (int j = 0; j < ce; ++j) {
      const bool data = source < r && j < c;
      held[0][j] = Token{true, data, data ? stationary(source, j) : 0.0f, 0};
    }
  }
  Grid act{}, psum{};
  long cycle = 0;
  for (bool busy = true; busy; ++cycle) {
    busy = false;
    Grid next_act{}, next_psum{};
    for (int i = 0; i < re; ++i) {
      for (int j = 0; j < ce; ++j) {
        Token a;
        if (j > 0) {
          a = act[i][j - 1];
        } else if (const long t = cycle - i; t >= 0 && t < length) {
          a = Token{true, i < r, i < r ? streamed(t, i) : 0.0f, t};
        }
        Token p = i > 0 ? psum[i - 1][j] : Token{a.live, false, 0.0f, a.tag};
        if (p.live && a.data && held[i][j].data) p.value = std::fma(a.value, held[i][j].value, p.value);
        next_act[i][j] = a;
        next_psum[i][j] = p;
        busy = busy || a.live || p.live;
        if (i == re - 1 && p.live && j < c) emit(j, p.tag, p.value);
      }
    }
    act = next_act;
    psum = next_psum;
  }
  return re + cycle - 1;  // the last iteration found the array empty
}

// One output-stationary fold: r x c corner of an re x ce grid, `length` = K products per PE.
// left(k, i): operand entering row i; top(k, j): operand entering column j; the PE sums start at
// 0.0f and finish(i, j, sum) receives them. Returns the cycles until the last product.
template <class Left, class Top, class Finish>
long output_stationary_fold(int re, int ce, int r, int c, long length, Left left, Top top, Finish finish) {
  Grid act{}, wgt{};
  std::array<std::array<float, PeArray::kMaxDim>, PeArray::kMaxDim> sum{};
  long cycle = 0;
  for (bool busy = true; busy; ++cycle) {
    busy = false;
    Grid next_act{}, next_wgt{};
    for (int i = 0; i < re; ++i) {
      for (int j = 0; j < ce; ++j) {
        Token a, w;
        if (j > 0) {
          a = act[i][j - 1];
        } else if (const long k = cycle - i; k >= 0 && k < length) {
          a = Token{true, i < r, i < r ? left(k, i) : 0.0f, k};
        }
        if (i > 0) {
          w = wgt[i - 1][j];
        } else if (const long k = cycle - j; k >= 0 && k < length) {
          w = Token{true, j < c, j < c ? top(k, j) : 0.0f, k};
        }
        if (a.data && w.data) sum[i][j] = std::fma(a.value, w.value, sum[i][j]);
        next_act[i][j] = a;
        next_wgt[i][j] = w;
        busy = busy || a.live || w.live;
      }
    }
    act = next_act;
    wgt = next_wgt;
  }
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j) finish(i, j, sum[i][j]);
  return cycle - 1;
}

}  // namespace

PeArray::PeArray(int rows, int cols, Dataflow dataflow, bool trim_partial_folds)
    : rows_(rows), cols_(cols), dataflow_(dataflow), trim_(trim_partial_folds) {
  if (rows < 1 || rows > kMaxDim || cols < 1 || cols > kMaxDim) {
    throw std::invalid_argument("the per-PE array model supports 1x1 to " + std::to_string(kMaxDim) + "x" +
                                std::to_string(kMaxDim) + " arrays, got " + std::to_string(rows) + "x" +
                                std::to_string(cols));
  }
}

PeArray::Result PeArray::run(const float* a, const float* b, int n, int k, int m) const {
  if (n < 1 || k < 1 || m < 1) {
    throw std::invalid_argument("GEMM needs N, K, M >= 1, got N=" + std::to_string(n) + " K=" + std::to_string(k) +
                                " M=" + std::to_string(m));
  }
  const auto at = [](const float* x, long cols, long row, long col) { return x[row * cols + col]; };
  Result result;
  result.y.assign(static_cast<std::size_t>(n) * m, 0.0f);  // the accumulators
  float* y = result.y.data();
  // Spatial extents per dataflow: ws rows K cols N, os rows M cols N, is rows K cols M.
  const long spatial_rows = dataflow_ == Dataflow::os ? m : k;
  const long spatial_cols = dataflow_ == Dataflow::is ? m : n;
  for (long col_base = 0; col_base < spatial_cols; col_base += cols_) {
    for (long row_base = 0; row_base < spatial_rows; row_base += rows_) {
      const int r = static_cast<int>(std::min<long>(rows_, spatial_rows - row_base));
      const int c = static_cast<int>(std::min<long>(cols_, spatial_cols - col_base));
      const int re = trim_ ? r : rows_;
      const int ce = trim_ ? c : cols_;
      const long k0 = row_base;
      switch (dataflow_) {
        case Dataflow::ws: {
          const long n0 = col_base;
          result.cycles += stationary_fold(
              re, ce, r, c, m, [&](int i, int j) { return at(a, k, n0 + j, k0 + i); },
              [&](long t, int i) { return at(b, m, k0 + i, t); },
              [&](int j, long t, float partial) { y[(n0 + j) * m + t] += partial; });
          break;
        }
        case Dataflow::is: {
          const long m0 = col_base;
          result.cycles += stationary_fold(
              re, ce, r, c, n, [&](int i, int j) { return at(b, m, k0 + i, m0 + j); },
              [&](long t, int i) { return at(a, k, t, k0 + i); },
              [&](int j, long t, float partial) { y[t * m + m0 + j] += partial; });
          break;
        }
        case Dataflow::os: {
          const long m0 = row_base, n0 = col_base;
          result.cycles += output_stationary_fold(
              re, ce, r, c, k, [&](long kk, int i) { return at(b, m, kk, m0 + i); },
              [&](long kk, int j) { return at(a, k, n0 + j, kk); },
              [&](int i, int j, float sum) { y[(n0 + j) * m + m0 + i] += sum; });
          break;
        }
      }
      ++result.folds;
    }
  }
  return result;
}

}  // namespace proact
