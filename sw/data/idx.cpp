#include "sw/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace proact {

namespace {

struct GzClose {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzClose>;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw std::runtime_error(path + ": " + problem);
}

// Reads until `size` bytes arrived or the input ends; returns the count. A gzip stream that ends
// early counts as the end of input (the caller reports truncation); other stream errors throw.
std::size_t read_bytes(gzFile file, const std::string& path, std::uint8_t* out, std::size_t size) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;  // gzread takes an unsigned length
  std::size_t got = 0;
  while (got < size) {
    const int n = gzread(file, out + got, static_cast<unsigned>(std::min(size - got, kChunk)));
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  int code = Z_OK;
  std::string message = gzerror(file, &code);
  if (code == Z_ERRNO) fail(path, std::string("cannot read (") + std::strerror(errno) + ")");
  if (code != Z_OK && code != Z_BUF_ERROR) {
    if (message.rfind(path + ": ", 0) == 0) message.erase(0, path.size() + 2);  // zlib prefixes the path
    fail(path, "corrupt gzip stream (" + message + ")");
  }
  return got;
}

std::uint32_t big_endian32(const std::uint8_t* b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

std::string hex(unsigned value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*x", digits, value);
  return text;
}

}  // namespace

IdxArray read_idx(const std::string& path) {
  errno = 0;
  GzHandle file(gzopen(path.c_str(), "rb"));
  if (!file) fail(path, std::string("cannot open (") + (errno ? std::strerror(errno) : "out of memory") + ")");

  std::uint8_t magic[4];
  const std::size_t magic_got = read_bytes(file.get(), path, magic, 4);
  if (magic_got < 4) fail(path, "truncated: expected a 4-byte magic, got " + std::to_string(magic_got) + " bytes");
  const int rank = magic[3];
  if (magic[0] != 0 || magic[1] != 0 || rank < 1 || rank > 4) {
    fail(path, "not an IDX file (magic " + hex(big_endian32(magic), 8) + ")");
  }
  if (magic[2] != 0x08) {
    fail(path, "unsupported IDX element type " + hex(magic[2], 2) + " (only unsigned byte 0x08)");
  }

  std::uint8_t dim_bytes[16];
  const std::size_t dims_size = 4 * static_cast<std::size_t>(rank);
  const std::size_t dims_got = read_bytes(file.get(), path, dim_bytes, dims_size);
  if (dims_got < dims_size) {
    fail(path, "truncated: expected " + std::to_string(dims_size) + " dimension bytes, got " +
                   std::to_string(dims_got));
  }
  IdxArray array;
  std::size_t count = 1;
  for (int i = 0; i < rank; ++i) {
    const std::uint32_t dim = big_endian32(dim_bytes + 4 * i);
    if (dim > INT_MAX) fail(path, "dimension " + std::to_string(i) + " is too large (" + std::to_string(dim) + ")");
    if (dim != 0 && count > static_cast<std::size_t>(PTRDIFF_MAX) / dim) fail(path, "element count overflows");
    count *= dim;
    array.dims.push_back(static_cast<int>(dim));
  }

  // Grow with the data actually read, so a corrupt header cannot force a huge allocation.
  constexpr std::size_t kStep = std::size_t{16} << 20;
  std::size_t got = 0;
  while (got < count) {
    array.values.resize(std::min(count, got + kStep));
    const std::size_t want = array.values.size() - got;
    const std::size_t n = read_bytes(file.get(), path, array.values.data() + got, want);
    got += n;
    if (n < want) break;
  }
  if (got < count) {
    fail(path, "truncated: expected " + std::to_string(count) + " data bytes, got " + std::to_string(got));
  }
  std::uint8_t extra;
  if (read_bytes(file.get(), path, &extra, 1) != 0) {
    fail(path, "trailing data after " + std::to_string(4 + dims_size + count) + " bytes");
  }
  int code = Z_OK;
  gzerror(file.get(), &code);
  if (code == Z_BUF_ERROR) fail(path, "truncated: gzip stream ends before its trailer");
  return array;
}

}  // namespace proact
