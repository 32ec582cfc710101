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

GemmShape ConvRow::gemm() const {
  return {ofmap_extent(ifmap_height, filter_height, stride_height) * ofmap_extent(ifmap_width, filter_width, stride_width),
          num_filters, filter_height * filter_width * (depthwise ? 1 : channels)};
}

std::vector<TopologyLayer> ConvRow::layers(int line) const {
  if (!depthwise) return {TopologyLayer{name, gemm(), line}};
  std::vector<TopologyLayer> split;
  for (long c = 0; c < channels; ++c) split.push_back({name + "Channel_" + std::to_string(c), gemm(), line});
  return split;
}

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
    if (gemm) {
      layers.push_back({fields[0], {v[0], v[1], v[2]}, line});
    } else {
      if (v[2] > v[0]) throw parse_error(path, line, "Filter Height", "larger than IFMAP Height");
      if (v[3] > v[1]) throw parse_error(path, line, "Filter Width", "larger than IFMAP Width");
      const ConvRow row{fields[0], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v.size() > 7 ? v[7] : v[6],
                        fields[0].find("DP") != std::string::npos};
      const std::vector<TopologyLayer> split = row.layers(line);
      layers.insert(layers.end(), split.begin(), split.end());
    }
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  if (layers.empty()) throw parse_error(path, line, "layers", "the topology has no layers");
  return layers;
}

std::string format_topology(const std::vector<ConvRow>& rows) {
  std::string text = "Layer name";
  for (std::size_t i = 0; i + 1 < kConvFields.size(); ++i) text += ", " + kConvFields[i];
  text += ",\n";
  for (const ConvRow& row : rows) {
    const auto refuse = [&](const std::string& problem) {
      return std::invalid_argument("topology row '" + row.name + "': " + problem);
    };
    if (trim(row.name).empty() || row.name.find_first_of(",\r\n") != std::string::npos) {
      throw refuse("SCALE-Sim cannot read the name back (empty, or holding a comma or a line break)");
    }
    if ((row.name.find("DP") != std::string::npos) != row.depthwise) {
      throw refuse(row.depthwise ? "a depthwise row's name must hold 'DP' (SCALE-Sim's depthwise convention)"
                                 : "SCALE-Sim splits a row whose name holds 'DP' into one layer per channel (its "
                                   "depthwise convention); rename the layer");
    }
    const std::vector<long> values = {row.ifmap_height, row.ifmap_width, row.filter_height, row.filter_width,
                                      row.channels,     row.num_filters, row.stride_height, row.stride_width};
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i] < 1 || values[i] > kMaxExtent) {
        throw refuse(kConvFields[i] + " " + std::to_string(values[i]) + " is outside 1.." + std::to_string(kMaxExtent));
      }
    }
    if (row.filter_height > row.ifmap_height || row.filter_width > row.ifmap_width) {
      throw refuse("the filter is larger than the ifmap");
    }
    text += trim(row.name);
    const std::size_t fields = row.stride_width == row.stride_height ? values.size() - 1 : values.size();
    for (std::size_t i = 0; i < fields; ++i) text += ", " + std::to_string(values[i]);
    text += ",\n";
  }
  return text;
}

std::vector<TopologyLayer> read_topology(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the SCALE-Sim topology file");
  return parse_topology(in, path);
}

}  // namespace proact
