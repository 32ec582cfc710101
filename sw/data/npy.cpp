#include "sw/data/npy.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <algorithm>
#include <climits>
#include <map>
#include <stdexcept>

namespace proact {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw std::runtime_error(path + ": " + problem);
}

std::size_t item_size(NpyType type) {
  switch (type) {
    case NpyType::u8:
    case NpyType::i8: return 1;
    case NpyType::i16: return 2;
    case NpyType::i32:
    case NpyType::f32: return 4;
    case NpyType::i64: return 8;
  }
  return 0;
}

NpyType parse_descr(const std::string& path, const std::string& descr) {
  static const std::map<std::string, NpyType> types = {{"|u1", NpyType::u8},  {"|i1", NpyType::i8},
                                                       {"<i2", NpyType::i16}, {"<i4", NpyType::i32},
                                                       {"<i8", NpyType::i64}, {"<f4", NpyType::f32}};
  const auto it = types.find(descr);
  if (it != types.end()) return it->second;
  if (!descr.empty() && descr[0] == '>') {
    fail(path, "big-endian dtype '" + descr + "' is not supported; save it little-endian (array.astype('<" +
                   descr.substr(1) + "'))");
  }
  fail(path, "unsupported dtype '" + descr + "' (supported: uint8 |u1, int8 |i1, int16 <i2, int32 <i4, int64 <i8, "
             "float32 <f4)");
}

// The header dict as numpy writes it, e.g. "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".
// Only that subset of Python literals is accepted: string keys, one string, one bool, one tuple of ints.
class HeaderParser {
 public:
  HeaderParser(const std::string& path, const std::string& text) : path_(path), text_(text) {}

  NpyArray parse() {
    NpyArray array;
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (!peek('}')) {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        if (!peek('\'') && !peek('"')) malformed("'descr' must be a string (structured dtypes are not supported)");
        array.descr = string_literal();
        array.type = parse_descr(path_, array.descr);
        have_descr = true;
      } else if (key == "fortran_order") {
        if (word("True")) fail(path_, "fortran_order is True; save a C-ordered array (numpy.ascontiguousarray)");
        if (!word("False")) malformed("'fortran_order' must be True or False");
        have_order = true;
      } else if (key == "shape") {
        array.shape = shape_tuple();
        have_shape = true;
      } else {
        malformed("unexpected key '" + key + "'");
      }
      if (!peek('}')) expect(',');
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size()) malformed("unexpected text after the dict");
    if (!have_descr || !have_order || !have_shape) malformed("the dict needs 'descr', 'fortran_order' and 'shape'");
    return array;
  }

 private:
  [[noreturn]] void malformed(const std::string& problem) const {
    fail(path_, "malformed .npy header at character " + std::to_string(pos_) + ": " + problem);
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t')) ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) malformed(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool word(const std::string& w) {
    skip_space();
    if (text_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }
  std::string string_literal() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) malformed("expected a quoted string");
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string::npos) malformed("unterminated string");
    std::string value = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return value;
  }
  std::vector<std::size_t> shape_tuple() {
    std::vector<std::size_t> shape;
    expect('(');
    while (!peek(')')) {
      const std::size_t start = pos_;
      std::size_t value = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const std::size_t digit = static_cast<std::size_t>(text_[pos_++] - '0');
        if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10) malformed("dimension too large");
        value = value * 10 + digit;
      }
      if (pos_ == start) malformed("'shape' must be a tuple of non-negative integers");
      shape.push_back(value);
      if (!peek(')')) expect(',');
    }
    expect(')');
    return shape;
  }

  const std::string& path_;
  const std::string& text_;
  std::size_t pos_ = 0;
};

std::uint64_t little_endian(const std::uint8_t* bytes, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = size; i-- > 0;) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace

std::size_t NpyArray::count() const {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

std::vector<float> NpyArray::floats() const {
  if (type != NpyType::f32) throw std::logic_error("NpyArray::floats on dtype " + descr);
  std::vector<float> out(count());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto bits = static_cast<std::uint32_t>(little_endian(bytes.data() + 4 * i, 4));
    std::memcpy(&out[i], &bits, sizeof bits);
  }
  return out;
}

std::vector<std::int64_t> NpyArray::integers() const {
  if (type == NpyType::f32) throw std::logic_error("NpyArray::integers on dtype " + descr);
  const std::size_t size = item_size(type);
  const bool is_signed = type != NpyType::u8;
  std::vector<std::int64_t> out(count());
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint64_t raw = little_endian(bytes.data() + size * i, size);
    if (is_signed && size < 8 && (raw >> (8 * size - 1)) != 0) raw |= ~std::uint64_t{0} << (8 * size);  // sign-extend
    out[i] = static_cast<std::int64_t>(raw);
  }
  return out;
}

NpyArray read_npy(const std::string& path) {
  if (std::filesystem::is_directory(path)) fail(path, "is a directory, not a .npy file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open (") + (errno ? std::strerror(errno) : "unknown error") + ")");
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::size_t>(in.tellg());
  in.seekg(0);

  // Preamble: 6-byte magic, major and minor version, then the header length (2 bytes in 1.0, 4 in 2.0).
  std::uint8_t preamble[12] = {};
  const auto read = [&](std::uint8_t* out, std::size_t size) {
    in.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(size));
    return static_cast<std::size_t>(in.gcount());
  };
  if (read(preamble, 8) < 8 || std::memcmp(preamble, "\x93NUMPY", 6) != 0) {
    fail(path, "not a .npy file (it does not start with the magic \\x93NUMPY)");
  }
  const int major = preamble[6], minor = preamble[7];
  if ((major != 1 && major != 2) || minor != 0) {
    fail(path, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " (this reader takes 1.0 and 2.0)");
  }
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  if (read(preamble + 8, length_bytes) < length_bytes) fail(path, "truncated: the header length is missing");
  const std::size_t header_size = little_endian(preamble + 8, length_bytes);
  const std::size_t data_offset = 8 + length_bytes + header_size;
  if (data_offset > file_size) {
    fail(path, "truncated: the header claims " + std::to_string(header_size) + " bytes, the file has " +
                   std::to_string(file_size - 8 - length_bytes) + " after the preamble");
  }
  std::string header(header_size, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));

  NpyArray array = HeaderParser(path, header).parse();
  std::size_t count = 1;
  for (std::size_t d : array.shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / item_size(array.type) / d) {
      fail(path, "element count overflows");
    }
    count *= d;
  }
  const std::size_t expected = count * item_size(array.type);
  const std::size_t present = file_size - data_offset;
  if (present < expected) {
    fail(path, "truncated: " + std::to_string(count) + " elements of " + array.descr + " need " +
                   std::to_string(expected) + " data bytes, the file has " + std::to_string(present));
  }
  if (present > expected) {
    fail(path, "trailing data: " + std::to_string(present - expected) + " bytes after the " + std::to_string(expected) +
                   " data bytes");
  }
  array.bytes.resize(expected);
  if (read(array.bytes.data(), expected) < expected) fail(path, "cannot read the data");
  return array;
}

Tensor load_npy_images(const std::string& path) {
  const NpyArray images = read_npy(path);
  if (images.type != NpyType::u8 && images.type != NpyType::f32) {
    fail(path, "images must be uint8 (|u1) or float32 (<f4), got dtype '" + images.descr + "'");
  }
  if (images.shape.size() != 4) {
    fail(path, "images must have shape (N, C, H, W), got " + std::to_string(images.shape.size()) +
                   " dimensions (a single-channel set of shape (N, H, W) needs images[:, None])");
  }
  for (std::size_t d : images.shape) {
    if (d > INT_MAX) fail(path, "dimension " + std::to_string(d) + " is too large");
  }
  Shape shape;
  for (std::size_t d : images.shape) shape.push_back(static_cast<int>(d));
  Tensor pixels(shape);
  if (images.type == NpyType::f32) {
    pixels.values() = images.floats();
  } else {
    std::transform(images.bytes.begin(), images.bytes.end(), pixels.data(),
                   [](std::uint8_t p) { return static_cast<float>(p) / 255.0f; });
  }
  return pixels;
}

Dataset load_npy_dataset(const std::string& images_path, const std::string& labels_path, std::string name) {
  Tensor pixels = load_npy_images(images_path);
  const NpyArray labels = read_npy(labels_path);
  if (labels.type == NpyType::f32) fail(labels_path, "labels must be integers (int8..int64 or uint8), got dtype '<f4'");
  if (labels.shape.size() != 1) {
    fail(labels_path, "labels must have shape (N), got " + std::to_string(labels.shape.size()) + " dimensions");
  }
  if (labels.shape[0] != static_cast<std::size_t>(pixels.dim(0))) {
    fail(images_path, "holds " + std::to_string(pixels.dim(0)) + " images but " + labels_path + " holds " +
                          std::to_string(labels.shape[0]) + " labels");
  }

  std::vector<int> label_values;
  label_values.reserve(labels.count());
  for (const std::int64_t label : labels.integers()) {
    if (label < 0 || label >= INT_MAX) {
      fail(labels_path, "label " + std::to_string(label) + " at index " + std::to_string(label_values.size()) +
                            " is out of range (labels are class indices 0, 1, ...)");
    }
    label_values.push_back(static_cast<int>(label));
  }
  const int classes = label_values.empty() ? 1 : *std::max_element(label_values.begin(), label_values.end()) + 1;
  return make_dataset(std::move(name), std::move(pixels), std::move(label_values), classes);
}

}  // namespace proact
