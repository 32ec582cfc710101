#include "hw/faults/transient_hook.hpp"

#include <cmath>
#include <stdexcept>

namespace proact {

TransientReadHook::TransientReadHook(std::shared_ptr<FaultHook> inner, int word_bits, double rate, std::uint64_t seed)
    : inner_(std::move(inner)), word_bits_(word_bits), rate_(rate), rng_(seed) {
  if (!(rate >= 0.0 && rate <= 1.0)) throw std::invalid_argument("a transient flip probability must lie in [0, 1]");
  never_ = rate == 0.0;
  if (!never_) draw_gap();
}

void TransientReadHook::draw_gap() {
  if (rate_ >= 1.0) {
    gap_ = 0;
    return;
  }
  const double u = 1.0 - static_cast<double>(rng_.next() >> 11) * (1.0 / 9007199254740992.0);
  const double gap = std::floor(std::log(u) / std::log1p(-rate_));
  gap_ = gap >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(gap);
}

std::uint32_t TransientReadHook::on_store(std::uint64_t address, std::uint32_t word) {
  return inner_ ? inner_->on_store(address, word) : word;
}

std::uint32_t TransientReadHook::on_read(std::uint64_t address, std::uint32_t word) {
  std::uint32_t delivered = inner_ ? inner_->on_read(address, word) : word;
  if (never_) return delivered;
  auto remaining = static_cast<std::uint64_t>(word_bits_);
  std::uint64_t bit = 0;
  bool upset = false;
  while (gap_ < remaining) {
    bit += gap_;
    delivered ^= 1u << bit;
    ++flipped_;
    upset = true;
    remaining -= gap_ + 1;
    ++bit;
    draw_gap();
  }
  gap_ -= remaining;
  upset_reads_ += upset;
  return delivered;
}

}  // namespace proact
