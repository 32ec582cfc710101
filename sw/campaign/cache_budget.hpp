#pragma once
// How many bytes of clean activations the functional engine keeps per protection when the user
// does not say (--cache-mb): enough that reuse works on the networks and image counts people run,
// without taking memory the machine does not have.
#include <cstddef>

namespace proact {

// Half of `available_bytes`, shared by the campaign's `local_processes` on this machine and its
// `protections` (each keeps its own clean run), and at least 256 MiB.
std::size_t automatic_cache_bytes(std::size_t available_bytes, int local_processes, std::size_t protections);

// The memory the kernel could give this process now: MemAvailable of /proc/meminfo, or a quarter
// of the physical memory where that cannot be read.
std::size_t available_memory_bytes();

}  // namespace proact
