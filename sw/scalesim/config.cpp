#include "sw/scalesim/config.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <stdexcept>

#include "sw/scalesim/parse_error.hpp"

namespace proact {

namespace {

constexpr long kMaxArrayDim = 65536;
constexpr long kMaxSramKb = 1L << 30;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

struct Entry {
  std::string key;  // as written
  std::string value;
  int line;
};

// section name -> (lower-case key -> entry), and the line of each section header.
struct Ini {
  std::map<std::string, std::map<std::string, Entry>> sections;
  std::map<std::string, int> header_line;
};

Ini parse_ini(std::istream& in, const std::string& path) {
  Ini ini;
  std::string section;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    const std::string content = trim(text);
    if (content.empty() || content[0] == '#' || content[0] == ';') continue;
    if (content.front() == '[') {
      if (content.back() != ']') throw parse_error(path, line, content, "section header must end with ']'");
      section = trim(content.substr(1, content.size() - 2));
      ini.header_line.emplace(section, line);
      continue;
    }
    const auto separator = content.find_first_of(":=");
    if (separator == std::string::npos || separator == 0) {
      throw parse_error(path, line, content, "expected 'key: value' or 'key = value'");
    }
    if (section.empty()) throw parse_error(path, line, content, "key outside any [section]");
    Entry entry{trim(content.substr(0, separator)), trim(content.substr(separator + 1)), line};
    auto& keys = ini.sections[section];
    const std::string key = lower(entry.key);
    if (const auto previous = keys.find(key); previous != keys.end()) {
      throw parse_error(path, line, entry.key,
                        "duplicate key (first set on line " + std::to_string(previous->second.line) + ")");
    }
    keys.emplace(key, entry);
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  return ini;
}

const Entry* find(const Ini& ini, const std::string& section, const std::string& key) {
  const auto s = ini.sections.find(section);
  if (s == ini.sections.end()) return nullptr;
  const auto k = s->second.find(lower(key));
  return k == s->second.end() ? nullptr : &k->second;
}

const Entry& require(const Ini& ini, const std::string& path, const std::string& section, const std::string& key) {
  if (const Entry* entry = find(ini, section, key)) return *entry;
  const auto header = ini.header_line.find(section);
  const int line = header == ini.header_line.end() ? 0 : header->second;
  throw parse_error(path, line, key, "missing in [" + section + "]");
}

long positive(const Entry& entry, const std::string& path, long max) {
  const long value = parse_positive(entry.value, path, entry.line, entry.key);
  if (value > max) {
    throw parse_error(path, entry.line, entry.key, "must be at most " + std::to_string(max) + ", got " + entry.value);
  }
  return value;
}

}  // namespace

MemoryConfig ScaleSimConfig::memory() const {
  MemoryConfig m;
  m.ifmap_sram_words = ifmap_sram_kb * 1024;
  m.filter_sram_words = filter_sram_kb * 1024;
  m.ofmap_sram_words = ofmap_sram_kb * 1024;
  m.bandwidth_words_per_cycle = user_bandwidth ? bandwidth : array_cols;
  return m;
}

std::string ScaleSimConfig::describe() const {
  return std::to_string(array_rows) + "x" + std::to_string(array_cols) + " " + dataflow_name(dataflow) + ", SRAM " +
         std::to_string(ifmap_sram_kb) + "/" + std::to_string(filter_sram_kb) + "/" + std::to_string(ofmap_sram_kb) +
         " kB, " + (user_bandwidth ? "USER " + std::to_string(bandwidth) + " words/cycle" : std::string("CALC"));
}

ScaleSimConfig parse_scalesim_config(std::istream& in, const std::string& path) {
  const Ini ini = parse_ini(in, path);
  const std::string arch = "architecture_presets";
  ScaleSimConfig c;
  if (const Entry* name = find(ini, "general", "run_name")) c.run_name = name->value;
  c.array_rows = static_cast<int>(positive(require(ini, path, arch, "ArrayHeight"), path, kMaxArrayDim));
  c.array_cols = static_cast<int>(positive(require(ini, path, arch, "ArrayWidth"), path, kMaxArrayDim));
  c.ifmap_sram_kb = positive(require(ini, path, arch, "IfmapSramSzkB"), path, kMaxSramKb);
  c.filter_sram_kb = positive(require(ini, path, arch, "FilterSramSzkB"), path, kMaxSramKb);
  c.ofmap_sram_kb = positive(require(ini, path, arch, "OfmapSramSzkB"), path, kMaxSramKb);
  const Entry& dataflow = require(ini, path, arch, "Dataflow");
  try {
    c.dataflow = parse_dataflow(lower(dataflow.value));
  } catch (const std::invalid_argument& e) {
    throw parse_error(path, dataflow.line, dataflow.key, e.what());
  }
  if (const Entry* mode = find(ini, "run_presets", "InterfaceBandwidth")) {
    const std::string value = lower(mode->value);
    if (value != "user" && value != "calc") {
      throw parse_error(path, mode->line, mode->key, "expected USER or CALC, got '" + mode->value + "'");
    }
    c.user_bandwidth = value == "user";
  }
  if (c.user_bandwidth) {
    const Entry& bandwidth = require(ini, path, arch, "Bandwidth");
    Entry first = bandwidth;
    first.value = first.value.substr(0, first.value.find(','));  // one figure per SRAM: use the first
    c.bandwidth = positive(first, path, kMaxSramKb);
  }
  return c;
}

ScaleSimConfig read_scalesim_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the SCALE-Sim config file");
  return parse_scalesim_config(in, path);
}

ScaleSimConfig scalesim_config(const AcceleratorConfig& config, const std::string& run_name) {
  const auto kb = [](std::uint64_t bytes) { return std::max(1L, static_cast<long>(bytes / 1024)); };
  ScaleSimConfig c;
  c.run_name = run_name;
  c.array_rows = config.array_rows;
  c.array_cols = config.array_cols;
  c.ifmap_sram_kb = c.ofmap_sram_kb = kb(config.act_sram_bytes);
  c.filter_sram_kb = kb(config.weight_sram_bytes);
  c.dataflow = config.dataflow;
  c.user_bandwidth = false;
  return c;
}

}  // namespace proact
