#include "sw/campaign/cache_budget.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace proact {

std::size_t automatic_cache_bytes(std::size_t available_bytes, int local_processes, std::size_t protections) {
  const std::size_t sharers = static_cast<std::size_t>(std::max(1, local_processes)) * std::max<std::size_t>(1, protections);
  return std::max<std::size_t>(std::size_t{256} << 20, available_bytes / 2 / sharers);
}

std::size_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::size_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") return kib << 10;
    meminfo.ignore(256, '\n');  // the unit
  }
  return static_cast<std::size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) / 4;
}

}  // namespace proact
