#include "sw/driver/bus_trace.hpp"

#include <cstdio>
#include <sstream>

#include "hw/interface/register_map.hpp"
#include "hw/memory/interconnect.hpp"
#include "models/io/gzip_file.hpp"
#include "sw/driver/driver.hpp"

namespace proact {

namespace {

constexpr const char* kFormat = "proact-bus-trace";
constexpr int kVersion = 1;

std::string register_map_version() {
  return std::to_string(kRegisterMapVersion >> 16) + "." + std::to_string(kRegisterMapVersion & 0xFFFF);
}

std::string hex_words(const std::vector<std::uint32_t>& words) {
  std::string text(words.size() * 8, '0');
  for (std::size_t i = 0; i < words.size(); ++i) std::snprintf(&text[i * 8], 9, "%08x", words[i]);
  return text;
}

std::vector<std::uint32_t> parse_words(const std::string& text) {
  if (text.size() % 8 != 0) throw std::invalid_argument("'words' is not a whole number of 8-digit words");
  std::vector<std::uint32_t> words(text.size() / 8);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::size_t used = 0;
    const std::string digits = text.substr(i * 8, 8);
    words[i] = static_cast<std::uint32_t>(std::stoul(digits, &used, 16));
    if (used != 8) throw std::invalid_argument("'words' holds a non-hex digit in word " + std::to_string(i));
  }
  return words;
}

// "CTRL", "THRESHOLD_TABLE[12]" or "DRAM 0x1000".
std::string place(std::uint64_t address) {
  if (address < kCsrBase || address >= kCsrBase + kCsrSpaceBytes) return "DRAM " + hex_address(address);
  const DecodedAddress decoded = decode_offset(address - kCsrBase);
  switch (decoded.kind) {
    case DecodedAddress::Kind::register_: return std::string(register_info(decoded.id).name);
    case DecodedAddress::Kind::window:
      return std::string(kRegisterWindows[decoded.window].name) + "[" + std::to_string(decoded.index) + "]";
    case DecodedAddress::Kind::unmapped: break;
  }
  return "CSR " + hex_address(address - kCsrBase);
}

}  // namespace

void save_bus_trace(const BusTrace& trace, const std::string& path) {
  std::ostringstream out;
  out << nlohmann::json{{"format", kFormat},
                        {"version", kVersion},
                        {"register_map", register_map_version()},
                        {"config", config_to_json(trace.config)},
                        {"source", trace.source}}
             .dump()
      << '\n';
  for (const BusAccess& a : trace.accesses) {
    nlohmann::json line;
    if (a.op == BusAccess::Op::run) {
      line = {{"op", "run"}, {"poll", a.poll}, {"status", hex_words(a.words)}};
    } else {
      line = {{"op", a.op == BusAccess::Op::write ? "write" : "read"}, {"address", hex_address(a.address)},
              {"words", hex_words(a.words)}};
    }
    out << line.dump() << '\n';
  }
  write_gzip_file_atomically(path, out.str());
}

BusTrace load_bus_trace(const std::string& path) {
  std::istringstream in(read_gzip_file(path));
  BusTrace trace;
  std::string text;
  std::size_t number = 0;
  const auto fail = [&](const std::string& problem) {
    throw std::runtime_error(path + ": line " + std::to_string(number) + ": " + problem);
  };
  while (std::getline(in, text)) {
    ++number;
    nlohmann::json line;
    try {
      line = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      fail(std::string("not JSON (") + e.what() + ")");
    }
    try {
      if (number == 1) {
        if (line.value("format", "") != kFormat) fail("not a proact bus trace (no \"format\": \"proact-bus-trace\")");
        if (line.value("version", 0) != kVersion) fail("trace version " + line.value("version", nlohmann::json()).dump() + ", this build reads " + std::to_string(kVersion));
        if (line.value("register_map", "") != register_map_version())
          fail("recorded for register map " + line.value("register_map", "?") + ", this accelerator has " +
               register_map_version() + " (record the trace again)");
        trace.config = config_from_json(line.at("config"));
        trace.source = line.value("source", nlohmann::json::object());
        continue;
      }
      BusAccess a;
      const std::string op = line.at("op").get<std::string>();
      if (op == "run") {
        a.op = BusAccess::Op::run;
        a.poll = line.at("poll").get<bool>();
        a.words = parse_words(line.at("status").get<std::string>());
        if (a.words.size() != 1) fail("a run holds one STATUS word");
      } else if (op == "write" || op == "read") {
        a.op = op == "write" ? BusAccess::Op::write : BusAccess::Op::read;
        a.address = std::stoull(line.at("address").get<std::string>(), nullptr, 16);
        a.words = parse_words(line.at("words").get<std::string>());
        if (a.words.empty()) fail("an access of no words");
      } else {
        fail("unknown op '" + op + "' (write, read, run)");
      }
      trace.accesses.push_back(std::move(a));
    } catch (const std::runtime_error&) {
      throw;
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }
  if (number == 0) fail("empty file");
  return trace;
}

std::size_t replay_bus_trace(const BusTrace& trace, Driver& driver) {
  driver.set_job([&] {
    std::vector<std::uint32_t> words;
    for (std::size_t i = 0; i < trace.accesses.size(); ++i) {
      const BusAccess& a = trace.accesses[i];
      if (a.op == BusAccess::Op::write) {
        driver.write_words(a.address, a.words.data(), a.words.size());
        continue;
      }
      words.resize(a.words.size());
      if (a.op == BusAccess::Op::read) driver.read_words(a.address, words.data(), words.size());
      else words[0] = driver.start_and_wait(a.poll);
      for (std::size_t w = 0; w < words.size(); ++w) {
        if (words[w] == a.words[w]) continue;
        char values[64];
        std::snprintf(values, sizeof values, "0x%08x, the trace has 0x%08x", words[w], a.words[w]);
        throw TraceMismatch("line " + std::to_string(i + 2) + " of the trace (" +
                            (a.op == BusAccess::Op::run ? std::string("STATUS after a run")
                                                        : "read of " + place(a.address + 4 * w)) +
                            "): the accelerator gave " + values);
      }
    }
  });
  sc_core::sc_start();
  driver.rethrow_job_error();
  return trace.accesses.size();
}

}  // namespace proact
