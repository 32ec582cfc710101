#include "models/io/archive.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>

#include "models/io/output_file.hpp"

namespace proact {

namespace {

constexpr char kMagic[8] = {'P', 'R', 'O', 'A', 'C', 'T', 'C', 'K'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kPrefixSize = 8 + 4 + 8;  // magic, version, header length
constexpr std::size_t kCrcSize = 4;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw std::runtime_error(path + ": " + problem);
}

void put_le(std::vector<unsigned char>& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<unsigned char>(value >> (8 * i)));
}

std::uint64_t get_le(const unsigned char* in, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | in[i];
  return value;
}

std::uint32_t crc32_of(const unsigned char* data, std::size_t size) {
  return static_cast<std::uint32_t>(crc32_z(0, data, size));
}

// A tensor's entry in the header; its values occupy data bytes [offset, offset + 4 * count).
struct Entry {
  std::string name;
  Shape shape;
  std::uint64_t offset = 0;
  std::uint64_t count = 0;
};

struct Header {
  nlohmann::json metadata;
  std::vector<Entry> entries;
};

std::uint64_t unsigned_field(const nlohmann::json& item, const char* key, const std::string& name) {
  const nlohmann::json& value = item.at(key);
  if (!value.is_number_unsigned()) {
    throw std::runtime_error("tensor '" + name + "': \"" + key + "\" is not a non-negative integer");
  }
  return value.get<std::uint64_t>();
}

// Parses and checks the header's structure; throws std::exception describing any departure from
// the documented layout, including a count that does not match its shape.
Header parse_header(const unsigned char* text, std::size_t size) {
  const nlohmann::json json = nlohmann::json::parse(text, text + size);
  if (!json.is_object() || !json.contains("metadata") || !json["metadata"].is_object() || !json.contains("tensors") ||
      !json["tensors"].is_array()) {
    throw std::runtime_error("expected an object with \"metadata\" (object) and \"tensors\" (array)");
  }
  Header header{json["metadata"], {}};
  for (const nlohmann::json& item : json["tensors"]) {
    Entry entry;
    entry.name = item.at("name").get<std::string>();
    const nlohmann::json& shape = item.at("shape");
    if (!shape.is_array()) throw std::runtime_error("tensor '" + entry.name + "': \"shape\" is not an array");
    std::uint64_t numel = 1;
    for (const nlohmann::json& dim : shape) {
      if (!dim.is_number_unsigned() || dim.get<std::uint64_t>() > static_cast<std::uint64_t>(INT32_MAX)) {
        throw std::runtime_error("tensor '" + entry.name + "': bad dimension " + dim.dump());
      }
      entry.shape.push_back(dim.get<int>());
      const auto extent = static_cast<std::uint64_t>(entry.shape.back());
      numel = extent != 0 && numel > UINT64_MAX / extent ? UINT64_MAX : numel * extent;  // saturates
    }
    entry.offset = unsigned_field(item, "offset", entry.name);
    entry.count = unsigned_field(item, "count", entry.name);
    if (entry.count != numel || entry.count > (UINT64_MAX - entry.offset) / 4) {
      throw std::runtime_error("tensor '" + entry.name + "': count " + std::to_string(entry.count) +
                               " does not fit shape " + shape_string(entry.shape) + " at offset " +
                               std::to_string(entry.offset));
    }
    header.entries.push_back(std::move(entry));
  }
  return header;
}

std::uint64_t end_of(const Entry& entry) { return entry.offset + 4 * entry.count; }

std::vector<unsigned char> read_bytes(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, std::string("cannot open (") + (errno ? std::strerror(errno) : "unknown error") + ")");
  std::vector<unsigned char> bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) bytes.insert(bytes.end(), buffer, buffer + in.gcount());
  if (in.bad()) fail(path, std::string("cannot read (") + std::strerror(errno) + ")");
  return bytes;
}

}  // namespace

const Tensor& Archive::tensor(const std::string& name) const {
  std::string names;
  for (const auto& [key, value] : tensors) {
    if (key == name) return value;
    names += (names.empty() ? "" : ", ") + key;
  }
  throw std::runtime_error("checkpoint has no tensor '" + name + "' (it has: " + (names.empty() ? "none" : names) +
                           ")");
}

void write_archive(const std::string& path, const Archive& archive) {
  if (!archive.metadata.is_null() && !archive.metadata.is_object()) {
    throw std::invalid_argument(path + ": checkpoint metadata must be a JSON object, got " +
                                archive.metadata.type_name());
  }
  nlohmann::json entries = nlohmann::json::array();
  std::set<std::string> names;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : archive.tensors) {
    if (!names.insert(name).second) throw std::invalid_argument(path + ": duplicate tensor name '" + name + "'");
    if (tensor.size() != shape_numel(tensor.shape())) {
      throw std::invalid_argument(path + ": tensor '" + name + "' holds " + std::to_string(tensor.size()) +
                                  " values for shape " + shape_string(tensor.shape()));
    }
    entries.push_back({{"name", name}, {"shape", tensor.shape()}, {"offset", offset}, {"count", tensor.size()}});
    offset += 4 * tensor.size();
  }
  const nlohmann::json metadata = archive.metadata.is_null() ? nlohmann::json::object() : archive.metadata;
  std::string header;
  try {
    header = nlohmann::json{{"metadata", metadata}, {"tensors", entries}}.dump();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(path + ": cannot encode the checkpoint header (" + e.what() + ")");
  }

  std::vector<unsigned char> bytes(std::begin(kMagic), std::end(kMagic));
  bytes.reserve(kPrefixSize + header.size() + offset + kCrcSize);
  put_le(bytes, kVersion, 4);
  put_le(bytes, header.size(), 8);
  bytes.insert(bytes.end(), header.begin(), header.end());
  for (const auto& entry : archive.tensors) {
    for (float value : entry.second.values()) {
      std::uint32_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      put_le(bytes, bits, 4);
    }
  }
  put_le(bytes, crc32_of(bytes.data(), bytes.size()), 4);

  write_file_atomically(path, bytes.data(), bytes.size());
}

Archive read_archive(const std::string& path) {
  const std::vector<unsigned char> bytes = read_bytes(path);
  const std::size_t size = bytes.size();
  if (!std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min(size, sizeof kMagic)), kMagic)) {
    fail(path, "not a checkpoint (bad magic; expected \"PROACTCK\")");
  }
  if (size < kPrefixSize + kCrcSize) {
    fail(path, "truncated: " + std::to_string(size) + " bytes, shorter than the fixed " +
                   std::to_string(kPrefixSize + kCrcSize) + "-byte frame");
  }
  const std::uint64_t version = get_le(bytes.data() + 8, 4);
  if (version != kVersion) {
    fail(path, "unsupported checkpoint format version " + std::to_string(version) + " (this build reads " +
                   std::to_string(kVersion) + ")");
  }
  const std::uint64_t header_size = get_le(bytes.data() + 12, 8);
  if (header_size > size - kPrefixSize - kCrcSize) {
    fail(path, "truncated: " + std::to_string(size) + " bytes, but the header alone needs " +
                   std::to_string(header_size) + " bytes after the " + std::to_string(kPrefixSize) + "-byte prefix");
  }
  const unsigned char* data = bytes.data() + kPrefixSize + header_size;
  const std::uint64_t data_size = size - kPrefixSize - header_size - kCrcSize;

  Header header;
  std::string header_problem;
  try {
    header = parse_header(bytes.data() + kPrefixSize, header_size);
  } catch (const std::exception& e) {
    header_problem = e.what();
  }
  const std::uint32_t stored = static_cast<std::uint32_t>(get_le(bytes.data() + size - kCrcSize, 4));
  const std::uint32_t computed = crc32_of(bytes.data(), size - kCrcSize);
  if (stored != computed) {
    // An intact header that promises more data than the file holds means the file was cut short.
    std::uint64_t needed = 0;
    for (const Entry& entry : header.entries) needed = std::max(needed, end_of(entry));
    if (header_problem.empty() && needed > data_size) {
      fail(path, "truncated: the header describes " + std::to_string(needed) + " data bytes, the file holds " +
                     std::to_string(data_size));
    }
    fail(path, "checksum mismatch (file corrupted)");
  }
  if (!header_problem.empty()) fail(path, "malformed header JSON (" + header_problem + ")");

  Archive archive{std::move(header.metadata), {}};
  std::set<std::string> names;
  for (Entry& entry : header.entries) {
    if (!names.insert(entry.name).second) fail(path, "duplicate tensor name '" + entry.name + "'");
    if (end_of(entry) > data_size) {
      fail(path, "tensor '" + entry.name + "' data out of bounds (bytes " + std::to_string(entry.offset) + " to " +
                     std::to_string(end_of(entry)) + " of a " + std::to_string(data_size) + "-byte data section)");
    }
    std::vector<float> values(entry.count);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto bits = static_cast<std::uint32_t>(get_le(data + entry.offset + 4 * i, 4));
      std::memcpy(&values[i], &bits, sizeof bits);
    }
    archive.tensors.emplace_back(std::move(entry.name), Tensor(std::move(entry.shape), std::move(values)));
  }
  return archive;
}

}  // namespace proact
