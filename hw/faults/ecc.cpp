#include "hw/faults/ecc.hpp"

#include <bitset>
#include <stdexcept>

#include "models/names.hpp"

namespace proact {

namespace {

int parity(std::uint64_t bits) { return static_cast<int>(std::bitset<64>(bits).count() & 1u); }

std::uint64_t data_mask(int bits) { return bits == 64 ? ~0ull : (1ull << bits) - 1; }

}  // namespace

namespace {

const NameTable<EccScheme>& ecc_scheme_table() {
  static const NameTable<EccScheme> table(
      "ECC scheme", {
      {EccScheme::none, "none"}, {EccScheme::parity, "parity"}, {EccScheme::secded_39_32, "secded-39-32"},
      {EccScheme::secded_72_64, "secded-72-64"}});
  return table;
}

}  // namespace

EccScheme parse_ecc_scheme(const std::string& name) { return ecc_scheme_table().parse(name); }

std::string ecc_scheme_name(EccScheme scheme) { return ecc_scheme_table().name(scheme); }

EccCode::EccCode(EccScheme scheme, int word_bits) : scheme_(scheme), word_bits_(word_bits) {
  if (word_bits < 1 || word_bits > 32) {
    throw std::invalid_argument("ECC: word width " + std::to_string(word_bits) + " bits is outside 1..32");
  }
  switch (scheme) {
    case EccScheme::none: data_bits_ = word_bits, check_bits_ = 0; return;
    case EccScheme::parity: data_bits_ = word_bits, check_bits_ = 1; return;
    case EccScheme::secded_39_32: data_bits_ = 32, hamming_bits_ = 6; break;
    case EccScheme::secded_72_64: data_bits_ = 64, hamming_bits_ = 7; break;
  }
  if (data_bits_ % word_bits != 0) {
    throw std::invalid_argument("ECC " + ecc_scheme_name(scheme) + " covers " + std::to_string(data_bits_) +
                                " data bits, which " + std::to_string(word_bits) +
                                "-bit memory words do not divide (use 8-, 16- or 32-bit words)");
  }
  check_bits_ = hamming_bits_ + 1;
  // Data bits take the Hamming positions that are not powers of two, in increasing order.
  for (int j = 0, position = 3; j < data_bits_; ++position)
    if ((position & (position - 1)) != 0) data_position_[j++] = position;
}

std::uint32_t EccCode::encode(std::uint64_t data) const {
  data &= data_mask(data_bits_);
  switch (scheme_) {
    case EccScheme::none: return 0;
    case EccScheme::parity: return static_cast<std::uint32_t>(parity(data));
    default: break;
  }
  std::uint32_t syndrome = 0;
  for (int j = 0; j < data_bits_; ++j)
    if ((data >> j) & 1u) syndrome ^= static_cast<std::uint32_t>(data_position_[j]);
  const std::uint32_t overall = static_cast<std::uint32_t>(parity(data) ^ parity(syndrome));
  return syndrome | (overall << hamming_bits_);
}

EccDecode EccCode::decode(std::uint64_t data_cells, std::uint32_t check_cells) const {
  data_cells &= data_mask(data_bits_);
  check_cells &= static_cast<std::uint32_t>(data_mask(check_bits_));
  switch (scheme_) {
    case EccScheme::none: return {data_cells, EccOutcome::clean};
    case EccScheme::parity:
      if (parity(data_cells) != static_cast<int>(check_cells)) return {0, EccOutcome::detected};
      return {data_cells, EccOutcome::clean};
    default: break;
  }
  const std::uint32_t hamming_mask = (1u << hamming_bits_) - 1;
  const std::uint32_t syndrome = (encode(data_cells) ^ check_cells) & hamming_mask;
  const bool odd = (parity(data_cells) ^ parity(check_cells)) != 0;  // the whole codeword's parity
  if (!odd) {
    if (syndrome == 0) return {data_cells, EccOutcome::clean};
    return {0, EccOutcome::detected};  // an even number (two) of errors
  }
  // An odd number of errors, taken as one: in the overall parity bit, a check bit, or data bit j.
  if (syndrome == 0 || (syndrome & (syndrome - 1)) == 0) return {data_cells, EccOutcome::corrected};
  for (int j = 0; j < data_bits_; ++j)
    if (static_cast<std::uint32_t>(data_position_[j]) == syndrome) return {data_cells ^ (1ull << j), EccOutcome::corrected};
  return {0, EccOutcome::detected};  // a syndrome that names no position: three or more errors
}

}  // namespace proact
