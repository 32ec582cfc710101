#include "sw/campaign/map_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "models/io/gzip_file.hpp"

namespace proact {

namespace {

std::string system_error(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

}  // namespace

nlohmann::json map_record_to_json(const MapRecord& r) {
  return {{"fault_model", r.fault_model},
          {"rate", r.rate},
          {"method", r.method},
          {"map", r.map},
          {"seed", r.seed},
          {"images", r.images},
          {"correct", r.correct},
          {"mismatches", r.mismatches},
          {"faults", r.faults},
          {"ecc", {{"corrected", r.ecc.corrected}, {"detected", r.ecc.detected}, {"silent", r.ecc.silent}}},
          {"seconds", r.seconds},
          {"rank", r.rank}};
}

namespace {

// A count, seed or rank: a JSON integer in [0, 2^64). nlohmann converts a float or a negative
// number to an unsigned type unchecked (out of range, undefined behaviour), so it is checked here.
std::uint64_t unsigned_field(const nlohmann::json& object, const char* key) {
  const nlohmann::json& value = object.at(key);
  if (!value.is_number_unsigned()) {
    throw std::invalid_argument(std::string("map record: ") + key + " is not a non-negative integer (" + value.dump() + ")");
  }
  return value.get<std::uint64_t>();
}

}  // namespace

MapRecord map_record_from_json(const nlohmann::json& j) {
  try {
    MapRecord r;
    r.fault_model = j.at("fault_model").get<std::string>();
    r.rate = j.at("rate").get<double>();
    r.method = j.at("method").get<std::string>();
    r.map = unsigned_field(j, "map");
    r.seed = unsigned_field(j, "seed");
    r.images = unsigned_field(j, "images");
    r.correct = unsigned_field(j, "correct");
    r.mismatches = unsigned_field(j, "mismatches");
    r.faults = unsigned_field(j, "faults");
    const nlohmann::json& ecc = j.at("ecc");
    r.ecc = {unsigned_field(ecc, "corrected"), unsigned_field(ecc, "detected"), unsigned_field(ecc, "silent")};
    r.seconds = j.value("seconds", 0.0);
    if (j.contains("rank")) {
      const std::uint64_t rank = unsigned_field(j, "rank");
      if (rank > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        throw std::invalid_argument("map record: rank " + std::to_string(rank) + " is not a process rank");
      r.rank = static_cast<int>(rank);
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("map record: ") + e.what());
  }
}

void MapLog::repair() const {
  std::error_code error;
  if (!std::filesystem::exists(path_, error)) return;
  std::ifstream in(path_, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty() || text.back() == '\n') return;
  const std::size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  std::filesystem::resize_file(path_, keep, error);
  if (error) throw std::runtime_error("cannot drop the partial last record of '" + path_ + "': " + error.message());
}

namespace {

// MapLog::read's rules over the lines of `in`; `name` names the file in errors.
std::vector<MapRecord> parse_records(std::istream& in, const std::string& name) {
  std::vector<MapRecord> records;
  std::set<std::tuple<std::string, double, std::string, std::size_t>> seen;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    if (in.eof()) break;  // no newline: a partial record
    MapRecord r;
    try {
      r = map_record_from_json(nlohmann::json::parse(line));
    } catch (const std::exception& e) {
      throw std::runtime_error(name + ":" + std::to_string(number) + ": " + e.what());
    }
    if (seen.insert({r.fault_model, r.rate, r.method, r.map}).second) records.push_back(std::move(r));
  }
  return records;
}

}  // namespace

std::vector<MapRecord> MapLog::read() const {
  std::ifstream in(path_);
  if (!in) return {};
  return parse_records(in, path_);
}

std::vector<MapRecord> read_campaign_maps(const std::string& dir) {
  const std::filesystem::path plain = std::filesystem::path(dir) / "maps.jsonl";
  if (std::filesystem::exists(plain)) return MapLog(plain.string()).read();
  const std::filesystem::path compressed = std::filesystem::path(dir) / "maps.jsonl.gz";
  if (!std::filesystem::exists(compressed))
    throw std::runtime_error(dir + ": no maps.jsonl or maps.jsonl.gz (is this a campaign directory?)");
  std::istringstream in(read_gzip_file(compressed.string()));
  return parse_records(in, compressed.string());
}

void MapLog::append(const MapRecord& record) const {
  const std::string line = map_record_to_json(record).dump() + "\n";
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(system_error("cannot open", path_));
  const ssize_t written = ::write(fd, line.data(), line.size());
  const bool ok = written == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  const std::string problem = ok ? "" : system_error("cannot append a record to", path_);
  ::close(fd);
  if (!ok) throw std::runtime_error(problem);
}

}  // namespace proact
