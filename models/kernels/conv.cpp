#include "models/kernels/conv.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/kernels/parallel.hpp"

namespace proact {

namespace {
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using std::size_t;

void require_positive(int value, const char* field) {
  if (value < 1) throw std::invalid_argument(std::string("conv ") + field + " must be >= 1, got " + std::to_string(value));
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// An image as the conv's ordered GEMM streams it, without an im2col copy: zero-padded and split
// into stride phases, phase (py, px) of channel c holding padded pixel (sy*i + py, sx*j + px) at
// row i, column j of a (height, width) plane. Output pixel (oy, ox) with tap (ky, kx) reads padded
// pixel (sy*oy + ry, sx*ox + rx) with (ry, rx) = (dy*ky, dx*kx) the dilated tap, that is phase
// (ry % sy, rx % sx) at (oy + ry / sy, ox + rx / sx); so with GEMM column j = oy * width + ox, row
// kk = (c, ky, kx) of B is a contiguous run of one plane starting at row_offset[kk]. Columns with
// ox >= out_width are extra outputs to drop (GemmOutput group = width, kept = out_width).
struct PhasedImage {
  explicit PhasedImage(const ConvGeometry& g)
      : geometry(g),
        height(ceil_div(g.in_height + g.window.padding.top + g.window.padding.bottom, g.window.stride.height)),
        width(ceil_div(g.in_width + g.window.padding.left + g.window.padding.right, g.window.stride.width)) {
    const ConvWindow& w = g.window;
    const int sy = w.stride.height, sx = w.stride.width;
    for (int c = 0; c < g.in_channels; ++c) {
      for (int ky = 0; ky < w.kernel.height; ++ky) {
        for (int kx = 0; kx < w.kernel.width; ++kx) {
          const int ry = ky * w.dilation.height, rx = kx * w.dilation.width;
          row_offset.push_back(plane(c, ry % sy, rx % sx) + static_cast<std::ptrdiff_t>(ry / sy) * width + rx / sx);
        }
      }
    }
    std::vector<bool> row_read(sy, false), column_read(sx, false);
    for (int ky = 0; ky < w.kernel.height; ++ky) row_read[ky * w.dilation.height % sy] = true;
    for (int kx = 0; kx < w.kernel.width; ++kx) column_read[kx * w.dilation.width % sx] = true;
    for (int py = 0; py < sy; ++py)
      if (row_read[py]) row_phases.push_back(py);
    for (int px = 0; px < sx; ++px) {
      if (!column_read[px]) continue;
      const int first = ((px - w.padding.left) % sx + sx) % sx;  // the first ix with (ix + left) % sx == px
      column_phases.push_back({px, first, (g.in_width - first + sx - 1) / sx, (first + w.padding.left) / sx});
    }
  }

  // GEMM columns up to the last output pixel.
  int columns() const { return (geometry.out_height() - 1) * width + geometry.out_width(); }
  // A phased image with all padding in place, for load() to fill.
  std::vector<float> zeros() const {
    return std::vector<float>(static_cast<size_t>(plane(geometry.in_channels, 0, 0)), 0.0f);
  }
  // image (C, H, W) into the interior of `phased` (padding entries are left as they are). Only
  // the phases some tap reads are filled.
  void load(const float* image, float* phased) const {
    const ConvGeometry& g = geometry;
    const int sy = g.window.stride.height, sx = g.window.stride.width, top = g.window.padding.top;
    for (int c = 0; c < g.in_channels; ++c) {
      for (int py : row_phases) {
        // Padded rows r = py + sy * i inside the image: iy = r - top.
        for (int i = 0, r = py; r < top + g.in_height; ++i, r += sy) {
          if (r < top) continue;
          const float* src = image + (static_cast<size_t>(c) * g.in_height + (r - top)) * g.in_width;
          for (const ColumnPhase& column : column_phases) {
            float* dst = phased + plane(c, py, column.phase) + static_cast<std::ptrdiff_t>(i) * width + column.offset;
            const float* from = src + column.first;
            if (sx == 1) {
              std::copy_n(from, column.count, dst);
            } else if (sx == 2) {  // a constant stride the compiler vectorises
              for (int j = 0; j < column.count; ++j) dst[j] = from[2 * j];
            } else {
              for (int j = 0; j < column.count; ++j) dst[j] = from[sx * j];
            }
          }
        }
      }
    }
  }
  // B of the GEMM of the group whose patch starts at row `first_row` (group * K).
  GemmOperand operand(const float* phased, int first_row) const {
    return GemmOperand{phased, row_offset.data() + first_row, 1};
  }

  std::ptrdiff_t plane(int c, int py, int px) const {
    const int sy = geometry.window.stride.height, sx = geometry.window.stride.width;
    return ((static_cast<std::ptrdiff_t>(c) * sy + py) * sx + px) * height * width;
  }

  // The image columns of phase `phase`: ix = first + sx * j for j < count, at plane column offset + j.
  struct ColumnPhase {
    int phase, first, count, offset;
  };

  ConvGeometry geometry;
  int height, width;  // of each phase plane
  std::vector<std::ptrdiff_t> row_offset;
  std::vector<int> row_phases;             // the row phases some tap reads, ascending
  std::vector<ColumnPhase> column_phases;  // per column phase some tap reads, ascending
};

}  // namespace

ConvWindow ConvWindow::square(int kernel, int stride, int padding) {
  ConvWindow w;
  w.kernel = Size2d::square(kernel);
  w.stride = Size2d::square(stride);
  w.padding = Padding2d::uniform(padding);
  return w;
}

bool ConvWindow::is_square() const {
  return kernel.is_square() && stride.is_square() && dilation == Size2d{} && padding.is_uniform() && groups == 1;
}

bool ConvWindow::operator==(const ConvWindow& other) const {
  return kernel == other.kernel && stride == other.stride && dilation == other.dilation && padding == other.padding &&
         groups == other.groups;
}

std::string window_string(const ConvWindow& window) {
  return "kernel " + size_string(window.kernel) + ", stride " + size_string(window.stride) + ", dilation " +
         size_string(window.dilation) + ", padding " + padding_string(window.padding) + ", groups " +
         std::to_string(window.groups);
}

int ConvGeometry::out_height() const {
  return sliding_windows(in_height, window.extent_height(), window.stride.height, window.padding.top,
                         window.padding.bottom);
}

int ConvGeometry::out_width() const {
  return sliding_windows(in_width, window.extent_width(), window.stride.width, window.padding.left,
                         window.padding.right);
}

void ConvGeometry::validate() const {
  require_positive(in_channels, "in_channels");
  require_positive(in_height, "in_height");
  require_positive(in_width, "in_width");
  require_positive(out_channels, "out_channels");
  require_positive(window.kernel.height, "kernel height");
  require_positive(window.kernel.width, "kernel width");
  require_positive(window.stride.height, "stride height");
  require_positive(window.stride.width, "stride width");
  require_positive(window.dilation.height, "dilation height");
  require_positive(window.dilation.width, "dilation width");
  require_positive(window.groups, "groups");
  const Padding2d& p = window.padding;
  if (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0) {
    throw std::invalid_argument("conv padding must be >= 0 on every side, got " + padding_string(p));
  }
  if (in_channels % window.groups != 0 || out_channels % window.groups != 0) {
    throw std::invalid_argument("conv groups " + std::to_string(window.groups) + " must divide in_channels " +
                                std::to_string(in_channels) + " and out_channels " + std::to_string(out_channels));
  }
  if (out_height() < 1 || out_width() < 1) {
    throw std::invalid_argument("conv kernel " + size_string(window.kernel) + " (dilation " +
                                size_string(window.dilation) + ") larger than padded input " +
                                std::to_string(in_height) + "x" + std::to_string(in_width));
  }
}

namespace {

// The pixel of a channel plane that tap t = ky * kw + kx reads for output pixel p, at
// [t * OH*OW + p]: -1 in the padding. The same for every channel and image, so im2col and col2im
// run one flat loop per row however small the maps (a 2x2 output has rows of 4 values).
const std::vector<int>& tap_sources(const ConvGeometry& g) {
  const ConvWindow& w = g.window;
  const int taps = w.kernel.height * w.kernel.width, m = g.out_pixels(), ow = g.out_width();
  thread_local std::vector<int> source;
  source.resize(static_cast<size_t>(taps) * m);
  for (int t = 0; t < taps; ++t) {
    const int ky = t / w.kernel.width, kx = t % w.kernel.width;
    for (int p = 0; p < m; ++p) {
      const int iy = p / ow * w.stride.height - w.padding.top + ky * w.dilation.height;
      const int ix = p % ow * w.stride.width - w.padding.left + kx * w.dilation.width;
      const bool inside = iy >= 0 && iy < g.in_height && ix >= 0 && ix < g.in_width;
      source[static_cast<size_t>(t) * m + p] = inside ? iy * g.in_width + ix : -1;
    }
  }
  return source;
}

// Calls row(plane, column, from) for every (channel, tap) row of cols (C*kh*kw, count * OH*OW)
// and every image of `count`: `plane` is the offset of the image's channel plane in the images,
// `column` the offset of the image's OH*OW columns of that row in cols, and from[p] the plane
// pixel (or -1) of output pixel p. Rows are visited in order, each image's planes of one channel
// staying in cache; channels are spread over the threads when the copy is large.
template <typename Row>
void for_each_patch_row(const ConvGeometry& g, int count, Row row) {
  const int taps = g.window.kernel.height * g.window.kernel.width, m = g.out_pixels();
  const size_t image_size = static_cast<size_t>(g.in_channels) * g.in_pixels(), row_stride = static_cast<size_t>(count) * m;
  const int* source = tap_sources(g).data();  // the calling thread's table, read by every thread
#pragma omp parallel for schedule(static) if (row_stride * g.in_channels * taps >= kParallelElements)
  for (int c = 0; c < g.in_channels; ++c) {
    for (int t = 0; t < taps; ++t) {
      const size_t first_column = static_cast<size_t>(c * taps + t) * row_stride;
      for (int b = 0; b < count; ++b)
        row(b * image_size + static_cast<size_t>(c) * g.in_pixels(), first_column + static_cast<size_t>(b) * m,
            source + static_cast<size_t>(t) * m);
    }
  }
}

}  // namespace

void im2col(const ConvGeometry& g, const float* images, int count, float* cols) {
  const int m = g.out_pixels();
  for_each_patch_row(g, count, [&](size_t plane, size_t column, const int* from) {
    const float* in = images + plane;
    float* out = cols + column;
    // max() keeps the padding's load in bounds, so the select needs no branch.
    for (int p = 0; p < m; ++p) out[p] = from[p] < 0 ? 0.0f : in[std::max(from[p], 0)];
  });
}

void col2im(const ConvGeometry& g, const float* cols, int count, float* images) {
  const int m = g.out_pixels();
  for_each_patch_row(g, count, [&](size_t plane, size_t column, const int* from) {
    float* out = images + plane;
    const float* in = cols + column;
    for (int p = 0; p < m; ++p)
      if (from[p] >= 0) out[from[p]] += in[p];
  });
}

namespace {

// Gathering copies each of an image's K x M patch values twice (im2col, then the GEMM's panel
// packing), which costs about as long as kGatherCost multiply-adds per vector lane. Streaming in
// place computes columns() rounded up to whole panels for M kept, N multiply-adds per column and
// k; gathering pays where the dropped columns cost more: N * (computed - M) > kGatherCost * M.
// (Measured with AVX-512: 16 filters with 100 of 160 columns kept and 64 filters with 64 of 96
// run faster in place; 128 filters and more on 8x8 maps and smaller, faster gathered.)
constexpr int kGatherCost = 40;
bool gathering_pays(const PhasedImage& layout) {
  const int panel = gemm_panel_columns(), m = layout.geometry.out_pixels();
  const long computed = (layout.columns() + panel - 1) / panel * panel;
  return static_cast<long>(layout.geometry.group_out_channels()) * (computed - m) > static_cast<long>(kGatherCost) * m;
}

// Where channel group `group`'s outputs of the images from `image` on go: rows of OH*OW pixels from
// the group's first channel of y, plus the group's bias. The caller sets the column mapping.
GemmOutput group_output(const ConvGeometry& g, int image, int group, const float* bias, float* y) {
  const size_t m = static_cast<size_t>(g.out_pixels()), first_channel = static_cast<size_t>(group) * g.group_out_channels();
  GemmOutput out;
  out.data = y + (static_cast<size_t>(image) * g.out_channels + first_channel) * m;
  out.row_stride = static_cast<std::ptrdiff_t>(m);
  out.bias = bias ? bias + first_channel : nullptr;
  return out;
}

// Columns gathered per product (then spread over the threads by gemm): a few panels per thread.
constexpr int kGatheredColumns = 512;

// The batch in chunks of images whose im2col columns sit side by side, cols (C*kh*kw, images *
// OH*OW): one product per chunk and group, its column groups (one per image) landing on each
// image's output.
void conv2d_forward_gathered(const ConvGeometry& g, int batch, const float* x, const float* w, const float* bias,
                             float* y, AccumulationOrder order) {
  const int groups = g.window.groups, n = g.group_out_channels(), k = g.patch_size(), m = g.out_pixels();
  const size_t in_stride = static_cast<size_t>(g.in_channels) * g.in_pixels();
  const int chunk = std::max(1, std::min(batch, kGatheredColumns / m));
  thread_local std::vector<float> cols;
  cols.resize(std::max(cols.size(), static_cast<size_t>(groups) * k * chunk * m));
  std::vector<std::ptrdiff_t> rows(static_cast<size_t>(groups) * k);
  for (int first = 0; first < batch; first += chunk) {
    const int images = std::min(chunk, batch - first);
    im2col(g, x + first * in_stride, images, cols.data());
    for (size_t r = 0; r < rows.size(); ++r) rows[r] = static_cast<std::ptrdiff_t>(r) * images * m;
    for (int group = 0; group < groups; ++group) {
      GemmOutput out = group_output(g, first, group, bias, y);
      out.group = m;  // one column group per image, each to its own output
      out.kept = m;
      out.group_stride = static_cast<std::ptrdiff_t>(g.out_channels) * m;  // an image's outputs
      gemm(w + static_cast<size_t>(group) * n * k, GemmOperand{cols.data(), rows.data() + static_cast<size_t>(group) * k, 1},
           out, n, k, images * m, order);
    }
  }
}

}  // namespace

void conv2d_forward(const ConvGeometry& g, int batch, const float* x, const float* w, const float* bias, float* y,
                    AccumulationOrder order) {
  const int groups = g.window.groups, n = g.group_out_channels(), k = g.patch_size();
  const size_t in_stride = static_cast<size_t>(g.in_channels) * g.in_pixels();
  const PhasedImage layout(g);
  if (batch > 1 && gathering_pays(layout)) return conv2d_forward_gathered(g, batch, x, w, bias, y, order);
  // Images in parallel; a single image spreads its GEMMs over the threads instead.
#pragma omp parallel if (batch > 1)
  {
    std::vector<float> image = layout.zeros();
#pragma omp for schedule(static)
    for (int b = 0; b < batch; ++b) {
      layout.load(x + b * in_stride, image.data());
      for (int group = 0; group < groups; ++group) {
        GemmOutput out = group_output(g, b, group, bias, y);
        out.group = layout.width;  // one column group per padded row, its first out_width kept
        out.kept = g.out_width();
        gemm(w + static_cast<size_t>(group) * n * k, layout.operand(image.data(), group * k), out, n, k, layout.columns(),
             order);
      }
    }
  }
}

void conv2d_forward_naive(const ConvGeometry& g, int batch, const float* x, const float* w, const float* bias,
                          float* y, AccumulationOrder order) {
  const ConvWindow& win = g.window;
  const int k = g.patch_size(), kh = win.kernel.height, kw = win.kernel.width;
  const int fold = order.is_free() ? k : std::min(order.fold_length, k);
  const int oh = g.out_height(), ow = g.out_width();
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < g.out_channels; ++o) {
      const int first_channel = o / g.group_out_channels() * g.group_in_channels();
      for (int oy = 0; oy < oh; ++oy) {
        for (int ox = 0; ox < ow; ++ox) {
          float acc = 0.0f, partial = 0.0f;
          for (int kk = 0; kk < k; ++kk) {
            const int c = first_channel + kk / (kh * kw), ky = kk / kw % kh, kx = kk % kw;
            const int iy = oy * win.stride.height - win.padding.top + ky * win.dilation.height;
            const int ix = ox * win.stride.width - win.padding.left + kx * win.dilation.width;
            const bool inside = iy >= 0 && iy < g.in_height && ix >= 0 && ix < g.in_width;
            const float xv = inside ? x[((static_cast<size_t>(b) * g.in_channels + c) * g.in_height + iy) * g.in_width + ix] : 0.0f;
            partial = std::fma(xv, w[static_cast<size_t>(o) * k + kk], partial);
            if ((kk + 1) % fold == 0 || kk + 1 == k) {
              acc += partial;
              partial = 0.0f;
            }
          }
          const float out = bias ? acc + bias[o] : acc;
          y[((static_cast<size_t>(b) * g.out_channels + o) * oh + oy) * ow + ox] = out;
        }
      }
    }
  }
}

void conv2d_backward(const ConvGeometry& g, int batch, const float* x, const float* w, const float* dy, float* dx,
                     float* dw, float* dbias) {
  const int groups = g.window.groups, k = g.patch_size(), m = g.out_pixels(), n = g.group_out_channels();
  const int rows = groups * k, channels = g.out_channels;  // of cols and dY
  const size_t in_stride = static_cast<size_t>(g.in_channels) * g.in_pixels();
  const size_t out_stride = static_cast<size_t>(channels) * m;
  // Gather the batch as cols (C*kh*kw, B*M) and dY (O, B*M) so that each group's products are
  // single large GEMMs on row blocks of both.
  std::vector<float> cols(static_cast<size_t>(rows) * m * batch);
  std::vector<float> grad(static_cast<size_t>(channels) * m * batch);
  im2col(g, x, batch, cols.data());
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < channels; ++o) {
      std::copy_n(dy + b * out_stride + static_cast<size_t>(o) * m, m,
                  grad.data() + static_cast<size_t>(o) * m * batch + static_cast<size_t>(b) * m);
    }
  }
  const long bm = static_cast<long>(m) * batch;
  // Group g's blocks: rows [g * K, (g + 1) * K) of cols, rows [g * N, (g + 1) * N) of dY and of W.
  const auto group_cols = [&](float* data, int group) { return Eigen::Map<RowMajor>(data + group * k * bm, k, bm); };
  const auto group_grad = [&](int group) { return Eigen::Map<const RowMajor>(grad.data() + group * n * bm, n, bm); };
  const auto group_weight = [&](int group) { return Eigen::Map<const RowMajor>(w + static_cast<size_t>(group) * n * k, n, k); };
  for (int group = 0; group < groups; ++group) {
    Eigen::Map<RowMajor>(dw + static_cast<size_t>(group) * n * k, n, k).noalias() +=
        group_grad(group) * group_cols(cols.data(), group).transpose();
  }
  // The bias gradient sums each channel's row in index order: Eigen's vectorised row sum starts
  // where the row's memory alignment allows, so its bits would depend on where malloc put `grad`.
  if (dbias) {
    for (int o = 0; o < channels; ++o) {
      const float* row = grad.data() + static_cast<size_t>(o) * bm;
      float sum = 0.0f;
      for (long i = 0; i < bm; ++i) sum += row[i];
      dbias[o] += sum;
    }
  }
  if (!dx) return;
  std::vector<float> dcols(cols.size());  // (C*kh*kw, B*M)
  for (int group = 0; group < groups; ++group) {
    group_cols(dcols.data(), group).noalias() = group_weight(group).transpose() * group_grad(group);
  }
  std::fill(dx, dx + in_stride * batch, 0.0f);
  col2im(g, dcols.data(), batch, dx);
}

void conv2d_backward_naive(const ConvGeometry& g, int batch, const float* x, const float* w, const float* dy,
                           float* dx, float* dw, float* dbias) {
  const ConvWindow& win = g.window;
  const int oh = g.out_height(), ow = g.out_width(), kh = win.kernel.height, kw = win.kernel.width;
  const int group_channels = g.group_in_channels();
  if (dx) std::fill(dx, dx + static_cast<size_t>(batch) * g.in_channels * g.in_pixels(), 0.0f);
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < g.out_channels; ++o) {
      const int first_channel = o / g.group_out_channels() * group_channels;
      for (int oy = 0; oy < oh; ++oy) {
        for (int ox = 0; ox < ow; ++ox) {
          const float d = dy[((static_cast<size_t>(b) * g.out_channels + o) * oh + oy) * ow + ox];
          if (dbias) dbias[o] += d;
          for (int c = 0; c < group_channels; ++c) {
            for (int ky = 0; ky < kh; ++ky) {
              for (int kx = 0; kx < kw; ++kx) {
                const int iy = oy * win.stride.height - win.padding.top + ky * win.dilation.height;
                const int ix = ox * win.stride.width - win.padding.left + kx * win.dilation.width;
                if (iy < 0 || iy >= g.in_height || ix < 0 || ix >= g.in_width) continue;
                const size_t xi =
                    ((static_cast<size_t>(b) * g.in_channels + first_channel + c) * g.in_height + iy) * g.in_width + ix;
                const size_t wi = ((static_cast<size_t>(o) * group_channels + c) * kh + ky) * kw + kx;
                dw[wi] += d * x[xi];
                if (dx) dx[xi] += d * w[wi];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace proact
