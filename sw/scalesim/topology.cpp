#include "sw/scalesim/topology.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "sw/scalesim/parse_error.hpp"

namespace proact {

namespace {

constexpr long kMaxExtent = 1L << 24;

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string::size_type start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (!fields.empty() && fields.back().empty()) fields.pop_back();  // the trailing comma
  return fields;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

const std::vector<std::string> kConvFields = {"IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
                                              "Channels",     "Num Filter",  "Strides",       "Stride Width"};
const std::vector<std::string> kGemmFields = {"M", "N", "K"};

}  // namespace

long ofmap_extent(long input, long filter, long stride) { return (input - filter + stride - 1) / stride + 1; }

std::vector<TopologyLayer> parse_topology(std::istream& in, const std::string& path) {
  std::string text;
  int line = 0;
  std::vector<std::string> header;
  while (header.empty() && std::getline(in, text)) {
    ++line;
    header = split_fields(text);
  }
  if (header.size() < 2) throw parse_error(path, line, "header", "expected a SCALE-Sim topology header");
  const bool gemm = lower(header[1]) == "m";
  const std::vector<std::string>& names = gemm ? kGemmFields : kConvFields;
  const std::size_t required = gemm ? 3 : 7;
  if (!gemm && lower(header[1]).find("ifmap") == std::string::npos) {
    throw parse_error(path, line, "header",
                      "expected 'Layer name, IFMAP Height, ...' (conv) or 'Layer, M, N, K' (GEMM), got '" +
                          trim(text) + "'");
  }
  std::vector<TopologyLayer> layers;
  while (std::getline(in, text)) {
    ++line;
    const std::vector<std::string> fields = split_fields(text);
    if (fields.empty()) continue;
    if (fields.size() < required + 1 || fields.size() > names.size() + 1) {
      std::string expected = header[0];
      for (std::size_t i = 0; i < required; ++i) expected += ", " + names[i];
      throw parse_error(path, line, fields[0].empty() ? "layer" : fields[0],
                        "expected " + std::to_string(required + 1) + " fields (" + expected + "), got " +
                            std::to_string(fields.size()));
    }
    std::vector<long> v;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      v.push_back(parse_positive(fields[i], path, line, names[i - 1]));
      if (v.back() > kMaxExtent) {
        throw parse_error(path, line, names[i - 1], "must be at most " + std::to_string(kMaxExtent) + ", got " + fields[i]);
      }
    }
    TopologyLayer layer;
    layer.name = fields[0];
    layer.line = line;
    if (gemm) {
      layer.shape = {v[0], v[1], v[2]};
    } else {
      const long stride_h = v[6], stride_w = v.size() > 7 ? v[7] : v[6];
      if (v[2] > v[0]) throw parse_error(path, line, "Filter Height", "larger than IFMAP Height");
      if (v[3] > v[1]) throw parse_error(path, line, "Filter Width", "larger than IFMAP Width");
      layer.shape = {ofmap_extent(v[0], v[2], stride_h) * ofmap_extent(v[1], v[3], stride_w), v[5], v[2] * v[3] * v[4]};
    }
    layers.push_back(layer);
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  if (layers.empty()) throw parse_error(path, line, "layers", "the topology has no layers");
  return layers;
}

std::vector<TopologyLayer> read_topology(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the SCALE-Sim topology file");
  return parse_topology(in, path);
}

}  // namespace proact
