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
// A conv row whose name holds "DP" is depthwise, as SCALE-Sim reads it: one layer per channel,
// named <name>Channel_<c>, each of 1 channel and the row's Num Filter filters.
#include <iosfwd>
#include <string>
#include <vector>

#include "hw/array/timing.hpp"

namespace proact {

struct TopologyLayer {
  std::string name;
  GemmShape shape;
  int line = 0;  // in the topology file
};

// One row of the conv form. A depthwise row (its name holds "DP") stands for `channels` layers of
// one channel each.
struct ConvRow {
  std::string name;
  long ifmap_height = 1, ifmap_width = 1, filter_height = 1, filter_width = 1, channels = 1, num_filters = 1;
  long stride_height = 1, stride_width = 1;
  bool depthwise = false;
  // M = ofmap pixels by SCALE-Sim's rule, N = num_filters, K = Fh * Fw * channels (depthwise: of
  // one channel's layer).
  GemmShape gemm() const;
  // The layers SCALE-Sim runs for the row (line 0): the row, or one per channel if depthwise.
  std::vector<TopologyLayer> layers(int line = 0) const;
};

// Throws std::runtime_error "<path>:<line>: <field>: <problem>" for a malformed file.
std::vector<TopologyLayer> read_topology(const std::string& path);
std::vector<TopologyLayer> parse_topology(std::istream& in, const std::string& path);

// The conv form as SCALE-Sim's own files spell it (its topologies/conv_nets/alexnet.csv): the
// header "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,
// Strides,", then one line per row, fields separated by ", ", each line ending with a comma
// (SCALE-Sim drops the text after the last comma), the column stride as a ninth field only where
// it differs. Throws std::invalid_argument naming the row for a name SCALE-Sim would misread:
// empty, holding a comma or a line break, "DP" in a row that is not depthwise (or none in one that
// is), or a field parse_topology refuses.
std::string format_topology(const std::vector<ConvRow>& rows);

// SCALE-Sim's ofmap extent for input extent `input`, filter extent `filter`, stride `stride`.
long ofmap_extent(long input, long filter, long stride);

}  // namespace proact
