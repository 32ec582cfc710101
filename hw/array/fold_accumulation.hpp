#pragma once
// The array's products for one conv or dense layer, Y (groups N, M) = W_g (N, K) * X_g (K, M) per
// channel group, from the weight blocks its folds read back (layer_folds order), in the dataflow's
// accumulation order (hw/array/array_numerics.hpp). Three strategies, the same bits where more
// than one applies:
//   whole layer  every weight reads back the same bits in each fold that loads it: ReadBackWeights
//                collects W, and one ordered product over it (gemm_layer) is the layer;
//   fold by fold any read-back, and the int8 datapath: FoldByFold accumulates each fold's block
//                over the operand X;
//   validation   the per-PE model over the read-back W (per_pe_product), its cycles checked
//                against the timing model.
#include <cstdint>
#include <type_traits>
#include <vector>

#include "hw/array/weight_tiling.hpp"
#include "hw/config.hpp"

namespace proact {

// W (groups N, K) as the folds read it back.
class ReadBackWeights {
 public:
  explicit ReadBackWeights(const LayerDescriptor& d);
  // Records fold f's block ((n1 - n0) x (k1 - k0), row-major) where its weights are loaded for the
  // first time; false if a weight loaded before reads back other bits now.
  bool record(const LayerFold& f, const float* block);
  // Writes fold f's block over what was recorded (the per-PE model takes each weight's last load).
  void overwrite(const LayerFold& f, const float* block);
  // Fold f's block as recorded, row-major.
  const std::vector<float>& block(const LayerFold& f);
  float* data() { return w_.data(); }  // W (groups N, K)

 private:
  long n_, k_;
  std::vector<float> w_;
  std::vector<unsigned char> loaded_;
  std::vector<float> block_;
};

// Folds accumulated one by one over the operand X (gemm_operand or gemm_operand_int8 of the
// layer's input): Element float (fp formats) or std::int8_t (int8; int32 sums that wrap).
template <typename Element>
class FoldByFold {
 public:
  using Sum = std::conditional_t<std::is_same_v<Element, float>, float, std::int32_t>;
  FoldByFold(const LayerDescriptor& d, const float* input);
  // acc += fold f's block ((n1 - n0) x (k1 - k0), row-major) times its X block.
  void add(const LayerFold& f, const Element* block);
  const std::vector<Element>& operand() const { return x_; }  // X (groups K, M)
  const std::vector<Sum>& sums() const { return acc_; }       // Y (groups N, M)

 private:
  long n_, k_, m_;
  std::vector<Element> x_;
  std::vector<Sum> acc_;
  std::vector<Sum> scratch_;
  std::vector<std::int8_t> x_scratch_;
};

// The per-PE model's Y (groups N, M) over W (groups N, K) and X (groups K, M). Throws
// std::logic_error naming descriptor `index` when its cycles differ from the timing model's for
// the array alone (SCALE-Sim's convention, or trimmed partial folds).
std::vector<float> per_pe_product(const LayerDescriptor& d, const AcceleratorConfig& config, const float* w,
                                  const float* x, std::uint32_t index);

}  // namespace proact
