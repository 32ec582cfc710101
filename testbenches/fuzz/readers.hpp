#pragma once
// Every reader of outside data, by name, and one way to run any of them on bytes: the fuzz targets
// (fuzz_readers.cpp) and the suite's replay of regression inputs (testbenches/test_readers.cpp)
// share them. The input becomes a file, since the readers take paths as users give them; a
// documented error (a std::exception with a message) is a normal outcome.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "hw/config.hpp"
#include "hw/energy/energy_table.hpp"
#include "hw/faults/fault_hook.hpp"
#include "models/net/checkpoint.hpp"
#include "models/onnx/import.hpp"
#include "sw/campaign/map_log.hpp"
#include "sw/data/cifar.hpp"
#include "sw/data/idx.hpp"
#include "sw/data/npy.hpp"
#include "sw/explore/design_points.hpp"
#include "sw/faults/voltage_table.hpp"
#include "sw/protection/threshold_file.hpp"
#include "sw/scalesim/config.hpp"
#include "sw/scalesim/topology.hpp"

namespace proact::fuzz {

inline std::string folder_of(const std::string& path) { return std::filesystem::path(path).parent_path().string(); }

struct Reader {
  const char* name;
  const char* file;  // the input's file name (some readers look for fixed names in a folder)
  void (*read)(const std::string& path);
};

inline const Reader kReaders[] = {
    {"config", "config.json", [](const std::string& p) { load_config(p); }},
    {"thresholds", "thresholds.json", [](const std::string& p) { load_threshold_file(p); }},
    {"checkpoint", "model.ckpt", [](const std::string& p) { load_checkpoint(p); }},
    {"scalesim_config", "scale.cfg", [](const std::string& p) { read_scalesim_config(p); }},
    {"topology", "topology.csv", [](const std::string& p) { read_topology(p); }},
    {"idx", "images.idx", [](const std::string& p) { read_idx(p); }},  // plain or gzip
    {"npy", "array.npy", [](const std::string& p) { read_npy(p); }},
    {"cifar", "test_batch.bin", [](const std::string& p) { load_cifar10(folder_of(p), Split::test); }},
    {"onnx", "model.onnx", [](const std::string& p) { import_onnx(p); }},
    {"voltage_table", "voltages.json", [](const std::string& p) { load_voltage_table(p); }},
    {"fault_map", "faults.json", [](const std::string& p) { load_fault_map(p); }},
    {"energy_table", "energy.json", [](const std::string& p) { load_energy_table(p); }},
    {"design_points", "points.csv", [](const std::string& p) { load_points(p); }},
    {"map_log", "maps.jsonl", [](const std::string& p) { read_campaign_maps(folder_of(p)); }},
};

// Writes `size` bytes as `reader`'s input file in `folder` and reads it; true when the reader
// accepted it, false when it refused it with a documented error.
inline bool run_reader(const Reader& reader, const std::filesystem::path& folder, const std::uint8_t* data,
                       std::size_t size) {
  const std::string path = (folder / reader.file).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    reader.read(path);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace proact::fuzz
