#include "hw/faults/fault_hook.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "models/io/json_file.hpp"
#include "models/io/output_file.hpp"
#include "models/names.hpp"

namespace proact {

namespace {

std::string entry_name(std::size_t index) { return "faults[" + std::to_string(index) + "]"; }

Fault fault_from_json(const nlohmann::json& entry, std::size_t index) {
  const std::string where = entry_name(index);
  if (!entry.is_object()) throw std::invalid_argument(where + ": expected an object {\"address\", \"bit\", \"kind\"}");
  for (const auto& item : entry.items())
    if (item.key() != "address" && item.key() != "bit" && item.key() != "kind")
      throw std::invalid_argument(where + ": unknown key '" + item.key() + "' (keys: address, bit, kind)");
  for (const char* key : {"address", "bit", "kind"})
    if (!entry.contains(key)) throw std::invalid_argument(where + ": missing key '" + key + "'");
  const nlohmann::json& address = entry.at("address");
  if (!address.is_number_unsigned())
    throw std::invalid_argument(where + ": 'address' must be a non-negative integer, got " + address.dump());
  const nlohmann::json& bit = entry.at("bit");
  if (!bit.is_number_integer())
    throw std::invalid_argument(where + ": 'bit' must be an integer 0..31, got " + bit.dump());
  const nlohmann::json& kind = entry.at("kind");
  if (!kind.is_string())
    throw std::invalid_argument(where + ": 'kind' must be a string (flip, stuck_at_0, stuck_at_1), got " + kind.dump());
  const std::int64_t bit_value = bit.get<std::int64_t>();
  if (bit_value < 0 || bit_value > 31)
    throw std::invalid_argument(where + ": 'bit' = " + std::to_string(bit_value) + " is outside 0..31");
  try {
    return Fault{address.get<std::uint64_t>(), static_cast<int>(bit_value), parse_fault_kind(kind.get<std::string>())};
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

}  // namespace

namespace {

const NameTable<FaultKind>& fault_kind_table() {
  static const NameTable<FaultKind> table(
      "fault kind", {
      {FaultKind::flip, "flip"}, {FaultKind::stuck_at_0, "stuck-at-0"}, {FaultKind::stuck_at_1, "stuck-at-1"},
      {FaultKind::stuck_at_0, "stuck_at_0"}, {FaultKind::stuck_at_1, "stuck_at_1"}});
  return table;
}

}  // namespace

FaultKind parse_fault_kind(const std::string& name) { return fault_kind_table().parse(name); }

std::string fault_kind_name(FaultKind kind) { return fault_kind_table().name(kind); }

std::string describe(const Fault& fault) {
  return "address " + std::to_string(fault.address) + ", bit " + std::to_string(fault.bit) + ", " +
         fault_kind_name(fault.kind);
}

FaultMap::FaultMap(std::vector<Fault> faults) : faults_(std::move(faults)) {
  for (std::size_t i = 0; i < faults_.size(); ++i)
    if (faults_[i].bit < 0 || faults_[i].bit > 31)
      throw std::invalid_argument(entry_name(i) + " (" + describe(faults_[i]) +
                                  "): bit must be 0..31");
  std::vector<std::size_t> order(faults_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return faults_[a].address != faults_[b].address ? faults_[a].address < faults_[b].address
                                                    : faults_[a].bit < faults_[b].bit;
  });
  for (std::size_t n = 0; n < order.size(); ++n) {
    const Fault& f = faults_[order[n]];
    if (n > 0) {
      const Fault& previous = faults_[order[n - 1]];
      if (previous.address == f.address && previous.bit == f.bit)
        throw std::invalid_argument(entry_name(order[n - 1]) + " (" + describe(previous) +
                                    ") and " + entry_name(order[n]) + " (" + describe(f) +
                                    ") hit the same bit; keep one fault per bit");
    }
    if (words_.empty() || words_.back().address != f.address) words_.push_back(WordFaults{f.address});
    const std::uint32_t mask = 1u << f.bit;
    switch (f.kind) {
      case FaultKind::flip: words_.back().flip |= mask; break;
      case FaultKind::stuck_at_0: words_.back().stuck_0 |= mask; break;
      case FaultKind::stuck_at_1: words_.back().stuck_1 |= mask; break;
    }
  }
}

void FaultMap::validate_for(const std::string& name, std::uint64_t words, int word_bits) const {
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const Fault& f = faults_[i];
    if (f.address >= words)
      throw std::invalid_argument(entry_name(i) + " (" + describe(f) + ") is outside " +
                                  name + " (" + std::to_string(words) + " words, addresses 0.." +
                                  std::to_string(words - 1) + ")");
    if (f.bit >= word_bits)
      throw std::invalid_argument(entry_name(i) + " (" + describe(f) + ") is outside the " +
                                  std::to_string(word_bits) + "-bit words of " + name + " (bits 0.." +
                                  std::to_string(word_bits - 1) + ")");
  }
}

const FaultMap::WordFaults* FaultMap::find(std::uint64_t address) const {
  const auto it = std::lower_bound(words_.begin(), words_.end(), address,
                                   [](const WordFaults& w, std::uint64_t a) { return w.address < a; });
  return it != words_.end() && it->address == address ? &*it : nullptr;
}

std::uint32_t FaultMap::on_store(std::uint64_t address, std::uint32_t word) {
  const WordFaults* w = find(address);
  if (!w) return word;
  const std::uint32_t cells = ((word ^ w->flip) & ~w->stuck_0) | w->stuck_1;
  if (cells != word) ++changed_stores_;
  return cells;
}

std::uint32_t FaultMap::on_read(std::uint64_t address, std::uint32_t word) {
  const WordFaults* w = find(address);
  if (!w) return word;
  const std::uint32_t delivered = (word & ~w->stuck_0) | w->stuck_1;
  if (delivered != word) ++changed_reads_;
  return delivered;
}

void FaultMap::reset_counts() {
  changed_stores_ = 0;
  changed_reads_ = 0;
}

nlohmann::json fault_map_to_json(const FaultMap& map) {
  nlohmann::json faults = nlohmann::json::array();
  for (const Fault& f : map.faults())
    faults.push_back({{"address", f.address}, {"bit", f.bit}, {"kind", fault_kind_name(f.kind)}});
  return {{"faults", faults}};
}

FaultMap fault_map_from_json(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("faults"))
    throw std::invalid_argument("a fault map is an object {\"faults\": [...]}");
  for (const auto& item : json.items())
    if (item.key() != "faults") throw std::invalid_argument("fault map: unknown key '" + item.key() + "' (keys: faults)");
  const nlohmann::json& list = json.at("faults");
  if (!list.is_array()) throw std::invalid_argument("fault map: 'faults' must be an array");
  std::vector<Fault> faults;
  faults.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) faults.push_back(fault_from_json(list[i], i));
  return FaultMap(std::move(faults));
}

FaultMap load_fault_map(const std::string& path) {
  return parse_json_file(path, "fault map", fault_map_from_json);
}

void save_fault_map(const FaultMap& map, const std::string& path) {
  write_file_atomically(path, fault_map_to_json(map).dump(1) + "\n");
}

}  // namespace proact
