#include "hw/control/fold_loader.hpp"

#include <string>

namespace proact {

FoldLoader::FoldLoader(WordMemory& weight_sram, const std::vector<LayerFold>& folds, const std::uint32_t* weights,
                       long n, long k, std::uint32_t index, bool reads_needed)
    : sram_(weight_sram),
      folds_(folds),
      weights_(weights),
      n_(n),
      k_(k),
      index_(index),
      reads_needed_(reads_needed),
      half_(weight_sram.size() / 2) {
  if (reads_needed_) return;
  std::vector<int> halves(folds.size());
  std::vector<std::uint64_t> lengths(folds.size());
  for (std::size_t f = 0; f < folds.size(); ++f) {
    halves[f] = static_cast<int>(f % 2);
    lengths[f] = static_cast<std::uint64_t>(folds[f].block.weight_words());
  }
  surviving_ = surviving_from(halves, lengths);
}

const std::uint32_t* FoldLoader::load(std::size_t f) {
  const FoldBlock& b = folds_[f].block;
  const long nw = b.n1 - b.n0, kw = b.k1 - b.k0;
  if (static_cast<std::uint64_t>(nw * kw) > half_) {
    throw DeviceFault(DeviceError::sram_overflow, "descriptor " + std::to_string(index_) + ": a fold needs " +
                                                      std::to_string(nw * kw) + " weight words, half the weight SRAM holds " +
                                                      std::to_string(half_));
  }
  const std::uint64_t base = weight_sram_address(b, f, half_, b.n0, b.k0);
  const std::uint64_t skip = reads_needed_ ? 0 : surviving_[f];
  if (skip) sram_.count_overwritten(skip);
  if (skip == static_cast<std::uint64_t>(nw * kw)) return nullptr;
  const std::uint32_t* group_weights = weights_ + folds_[f].group * n_ * k_;
  words_.resize(static_cast<std::size_t>(nw) * kw);
  for (long nn = b.n0; nn < b.n1; ++nn)  // W's rows read in order; the block (at most half the SRAM) takes the strides
    for (long kk = b.k0; kk < b.k1; ++kk) words_[(kk - b.k0) * nw + (nn - b.n0)] = group_weights[nn * k_ + kk];
  sram_.store_block(base + skip, words_.data() + skip, words_.size() - skip);
  sram_.read_block(base + skip, words_.data() + skip, words_.size() - skip);
  if (!reads_needed_) return nullptr;
  block_.resize(words_.size());
  for (long nn = 0; nn < nw; ++nn)
    for (long kk = 0; kk < kw; ++kk) block_[nn * kw + kk] = words_[kk * nw + nn];
  return block_.data();
}

}  // namespace proact
