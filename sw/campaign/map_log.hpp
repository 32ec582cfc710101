#pragma once
// The per-map results of a campaign, one JSON object per line in DIR/maps.jsonl. Every record is
// appended with one write(2) on an O_APPEND descriptor and fsync'ed before the campaign goes on,
// so a killed campaign loses at most the map it was computing; a partial last line (killed
// mid-write) is dropped by repair(). Ranks of an MPI job append to the same file.
//
// {"fault_model": "bernoulli", "rate": 1e-05, "method": "proact", "map": 7, "seed": ...,
//  "images": 1000, "correct": 874, "mismatches": 12, "faults": 21,
//  "ecc": {"corrected": 0, "detected": 0, "silent": 3}, "seconds": 0.41, "rank": 1}
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hw/faults/protected_sram.hpp"

namespace proact {

struct MapRecord {
  std::string fault_model;
  double rate = 0;
  std::string method;
  std::size_t map = 0;
  std::uint64_t seed = 0;                  // map_seed(...) of this map
  std::size_t images = 0, correct = 0;
  std::size_t mismatches = 0;              // images whose top-1 class differs from the fault-free run
  std::size_t faults = 0;                  // MapFaults::count(); transient: bits flipped over all reads
  EccCounts ecc;                           // weight-SRAM word reads per accelerator run
  double seconds = 0;                      // wall time of this map (not part of any result)
  int rank = 0;                            // the process that computed it (not part of any result)

  double accuracy() const { return images ? static_cast<double>(correct) / static_cast<double>(images) : 0.0; }
  bool sdc() const { return mismatches > 0; }  // a silent data corruption: some prediction changed
};

nlohmann::json map_record_to_json(const MapRecord& record);
// Throws std::invalid_argument naming the missing or mistyped key.
MapRecord map_record_from_json(const nlohmann::json& json);

class MapLog {
 public:
  explicit MapLog(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  // Truncates the file after its last complete line (call before anyone appends).
  void repair() const;
  // Every complete record in file order; a record seen twice (same fault model, rate, method and
  // map) keeps its first copy. Throws std::runtime_error naming the line of a malformed record.
  std::vector<MapRecord> read() const;
  // Appends one record and fsyncs; throws std::runtime_error naming the file on any I/O error.
  void append(const MapRecord& record) const;

 private:
  std::string path_;
};

// The records of a finished campaign in `dir`: its maps.jsonl, or maps.jsonl.gz (the compressed
// copy docs/results keeps) when there is no maps.jsonl; read() semantics. Throws
// std::runtime_error naming the directory when it has neither.
std::vector<MapRecord> read_campaign_maps(const std::string& dir);

}  // namespace proact
