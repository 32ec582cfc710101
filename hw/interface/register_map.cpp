#include "hw/interface/register_map.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace proact {

namespace {

std::string hex(std::uint64_t value, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%0*llX", digits, static_cast<unsigned long long>(value));
  return buffer;
}

std::string bit_range(const BitField& f) {
  return f.width == 1 ? "[" + std::to_string(f.lsb) + "]"
                      : "[" + std::to_string(f.lsb + f.width - 1) + ":" + std::to_string(f.lsb) + "]";
}

std::string all_register_names() {
  std::string names;
  for (const RegisterInfo& r : kRegisters) names += (names.empty() ? "" : ", ") + std::string(r.name);
  for (const RegisterWindow& w : kRegisterWindows) names += ", " + std::string(w.name) + "[i]";
  return names;
}

// "NAME[i]" -> window and index; nullopt when `name` has no window form. Throws for an index
// that is not a number or out of range.
std::optional<std::pair<std::size_t, std::uint32_t>> parse_window_name(std::string_view name) {
  const std::size_t open = name.find('[');
  if (open == std::string_view::npos || name.back() != ']') return std::nullopt;
  const std::string_view base = name.substr(0, open);
  const std::string digits(name.substr(open + 1, name.size() - open - 2));
  for (std::size_t w = 0; w < kRegisterWindows.size(); ++w) {
    if (kRegisterWindows[w].name != base) continue;
    const bool numeric = !digits.empty() && digits.size() <= 10 &&
                         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    const unsigned long long index = numeric ? std::stoull(digits) : kRegisterWindows[w].words;
    if (index >= kRegisterWindows[w].words)
      throw std::out_of_range("register '" + std::string(name) + "': the index must be 0.." +
                              std::to_string(kRegisterWindows[w].words - 1));
    return std::make_pair(w, static_cast<std::uint32_t>(index));
  }
  return std::nullopt;
}

std::uint32_t window_offset(std::size_t window, std::uint32_t index) {
  const RegisterWindow& w = kRegisterWindows[window];
  if (index >= w.words)
    throw std::out_of_range(std::string(w.name) + "[" + std::to_string(index) + "] does not exist: the index must be 0.." +
                            std::to_string(w.words - 1));
  return w.base + index * kCsrWordBytes;
}

}  // namespace

std::string_view access_name(Access access) {
  switch (access) {
    case Access::ro: return "RO";
    case Access::rw: return "RW";
    case Access::w1c: return "W1C";
    case Access::wo: return "WO";
  }
  return "?";
}

std::string counter_name(Counter c) {
  const std::string_view lo = register_info(counter_lo(c)).name;
  return std::string(lo.substr(0, lo.size() - 3));  // drop "_LO"
}

const RegisterInfo& register_info(std::string_view name) {
  for (const RegisterInfo& r : kRegisters)
    if (r.name == name) return r;
  throw std::out_of_range("unknown register '" + std::string(name) + "'; registers: " + all_register_names());
}

std::uint32_t register_offset(std::string_view name) {
  if (const auto window = parse_window_name(name)) return window_offset(window->first, window->second);
  return register_info(name).offset;
}

std::uint32_t clip_threshold_offset(std::uint32_t layer) { return window_offset(kClipThresholdWindow, layer); }
std::uint32_t threshold_table_offset(std::uint32_t index) { return window_offset(kThresholdTableWindow, index); }

DecodedAddress decode_offset(std::uint64_t offset) {
  DecodedAddress decoded;
  if (offset % kCsrWordBytes != 0) return decoded;
  const auto it = std::lower_bound(kRegisters.begin(), kRegisters.end(), offset,
                                   [](const RegisterInfo& r, std::uint64_t o) { return r.offset < o; });
  if (it != kRegisters.end() && it->offset == offset) {
    decoded.kind = DecodedAddress::Kind::register_;
    decoded.id = it->id;
    return decoded;
  }
  for (std::size_t w = 0; w < kRegisterWindows.size(); ++w) {
    const RegisterWindow& window = kRegisterWindows[w];
    if (offset >= window.base && offset < std::uint64_t{window.base} + std::uint64_t{window.words} * kCsrWordBytes) {
      decoded.kind = DecodedAddress::Kind::window;
      decoded.window = w;
      decoded.index = static_cast<std::uint32_t>((offset - window.base) / kCsrWordBytes);
      return decoded;
    }
  }
  return decoded;
}

std::string register_map_markdown() {
  std::ostringstream md;
  md << "# Register map\n\n"
     << "Generated from `hw/interface/register_map.hpp` by `proact registers --markdown`; do not edit by hand (a test\n"
     << "checks this file against the generator).\n\n"
     << "The CSR space is " << hex(kCsrSpaceBytes, 5) << " bytes. Every register is one 32-bit word at a 4-byte\n"
     << "aligned offset; a bus access must be exactly one aligned word without byte enables. Bad accesses get a\n"
     << "TLM error response: unmapped or unaligned offset `TLM_ADDRESS_ERROR_RESPONSE`, data length other than\n"
     << "4 bytes `TLM_BURST_ERROR_RESPONSE`, byte enables `TLM_BYTE_ENABLE_ERROR_RESPONSE`, a write to an RO\n"
     << "register or a read of a WO register `TLM_COMMAND_ERROR_RESPONSE`.\n\n"
     << "Access: RO read-only; RW read/write (bits outside the listed fields ignore writes and read 0);\n"
     << "W1C read flags, write 1 to clear a flag; WO write-only command. 64-bit counters are LO/HI pairs:\n"
     << "reading LO latches the counter and HI returns the upper half of that snapshot, so read LO first.\n\n"
     << "## Registers\n\n"
     << "| Name | Offset | Width | Access | Reset | Meaning |\n"
     << "|------|--------|-------|--------|-------|---------|\n";
  for (const RegisterInfo& r : kRegisters)
    md << "| " << r.name << " | " << hex(r.offset, 5) << " | " << r.width_bits << " | " << access_name(r.access)
       << " | " << hex(r.reset, 8) << " | " << r.meaning << " |\n";
  md << "\n## Bit fields\n\n"
     << "| Register | Field | Bits | Meaning |\n"
     << "|----------|-------|------|---------|\n";
  for (const BitField& f : kBitFields)
    md << "| " << register_info(f.reg).name << " | " << f.name << " | " << bit_range(f) << " | " << f.meaning << " |\n";
  md << "\n## Windows\n\n"
     << "Word `i` of a window sits at base + 4 * i.\n\n"
     << "| Name | Base | Words | Width | Access | Reset | Meaning |\n"
     << "|------|------|-------|-------|--------|-------|---------|\n";
  for (const RegisterWindow& w : kRegisterWindows)
    md << "| " << w.name << "[i] | " << hex(w.base, 5) << " | " << w.words << " | 32 | " << access_name(w.access)
       << " | " << hex(w.reset, 8) << " | " << w.meaning << " |\n";
  md << "\n## Error codes\n\n"
     << "| ERROR_CODE | Name | Meaning |\n"
     << "|------------|------|---------|\n";
  for (const DeviceErrorInfo& e : kDeviceErrors)
    md << "| " << static_cast<std::uint32_t>(e.code) << " | " << e.name << " | " << e.meaning << " |\n";
  return md.str();
}

std::string register_map_json() {
  nlohmann::json registers = nlohmann::json::array();
  for (const RegisterInfo& r : kRegisters) {
    nlohmann::json fields = nlohmann::json::array();
    for (const BitField& f : kBitFields)
      if (f.reg == r.id)
        fields.push_back({{"name", f.name}, {"lsb", f.lsb}, {"width", f.width}, {"meaning", f.meaning}});
    registers.push_back({{"name", r.name}, {"offset", r.offset}, {"width", r.width_bits},
                         {"access", access_name(r.access)}, {"reset", r.reset}, {"meaning", r.meaning},
                         {"fields", fields}});
  }
  nlohmann::json windows = nlohmann::json::array();
  for (const RegisterWindow& w : kRegisterWindows)
    windows.push_back({{"name", w.name}, {"base", w.base}, {"words", w.words}, {"width", 32},
                       {"access", access_name(w.access)}, {"reset", w.reset}, {"meaning", w.meaning}});
  nlohmann::json errors = nlohmann::json::array();
  for (const DeviceErrorInfo& e : kDeviceErrors)
    errors.push_back({{"code", static_cast<std::uint32_t>(e.code)}, {"name", e.name}, {"meaning", e.meaning}});
  return nlohmann::json{{"csr_space_bytes", kCsrSpaceBytes}, {"registers", registers}, {"windows", windows},
                        {"error_codes", errors}}
      .dump();
}

}  // namespace proact
