#pragma once
// SCALE-Sim v2's topology CSV files, in either of its two forms (header line first; fields are
// comma-separated with optional spaces and a trailing comma):
//
//   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
//   Conv1     ,224         ,224        ,11           ,11          ,3       ,96        ,4      ,
//
//   Layer, M, N, K,
//   fc1, 1, 4096, 9216,
//
// A conv layer becomes the GEMM M = ofmap pixels, N = filters, K = Fh * Fw * Channels, with
// SCALE-Sim's ofmap size (no padding; a last window that runs past the edge still yields a
// pixel): Eh = ceil((H - Fh) / S) + 1, Ew likewise (an optional ninth field is the column stride).
#include <iosfwd>
#include <string>
#include <vector>

#include "hw/timing.hpp"

namespace proact {

struct TopologyLayer {
  std::string name;
  GemmShape shape;
  int line = 0;  // in the topology file
};

// Throws std::runtime_error "<path>:<line>: <field>: <problem>" for a malformed file.
std::vector<TopologyLayer> read_topology(const std::string& path);
std::vector<TopologyLayer> parse_topology(std::istream& in, const std::string& path);

// SCALE-Sim's ofmap extent for input extent `input`, filter extent `filter`, stride `stride`.
long ofmap_extent(long input, long filter, long stride);

}  // namespace proact
