#pragma once
// Error-correcting codes of a memory's words (issue 5): none, parity (detects an odd number of
// errors; the word is delivered as 0), and SECDED extended Hamming codes (39,32) and (72,64)
// (correct one error, detect two; an uncorrectable codeword is delivered as 0).
//
// A codeword covers data_bits of data, i.e. data_bits / word_bits consecutive memory words, plus
// check_bits check bits held in extra cells. Cell order inside a codeword (used by the fault
// models for bursts and columns): data bits 0..data_bits-1 (data bit j = bit j % word_bits of the
// codeword's word j / word_bits), then check bits.
#include <cstdint>
#include <string>

namespace proact {

enum class EccScheme { none, parity, secded_39_32, secded_72_64 };
// "none", "parity", "secded-39-32", "secded-72-64"; throws std::invalid_argument listing them.
EccScheme parse_ecc_scheme(const std::string& name);
std::string ecc_scheme_name(EccScheme scheme);

// What the decoder saw. clean: no error indicated (there may still be an undetected one);
// corrected: one error corrected; detected: an uncorrectable error, the data is delivered as 0.
enum class EccOutcome { clean, corrected, detected };

struct EccDecode {
  std::uint64_t data;  // the data the read port delivers (0 when detected)
  EccOutcome outcome;
};

class EccCode {
 public:
  // The code for memory words of `word_bits` bits: none and parity cover one word; SECDED covers
  // 32 or 64 data bits, so word_bits must divide that (8, 16 or 32). Throws std::invalid_argument
  // naming the scheme and the word width otherwise.
  EccCode(EccScheme scheme, int word_bits);

  EccScheme scheme() const { return scheme_; }
  int word_bits() const { return word_bits_; }
  int data_bits() const { return data_bits_; }
  int check_bits() const { return check_bits_; }
  int codeword_bits() const { return data_bits_ + check_bits_; }
  int words_per_codeword() const { return data_bits_ / word_bits_; }

  // The check bits of `data` (low data_bits bits used).
  std::uint32_t encode(std::uint64_t data) const;
  // Decodes what the cells hold: data cells and check cells.
  EccDecode decode(std::uint64_t data_cells, std::uint32_t check_cells) const;

 private:
  EccScheme scheme_;
  int word_bits_, data_bits_, check_bits_;
  int hamming_bits_ = 0;        // SECDED: Hamming check bits r; check bit r is the overall parity
  int data_position_[64] = {};  // SECDED: Hamming position (1-based, never a power of two) of data bit j
};

}  // namespace proact
