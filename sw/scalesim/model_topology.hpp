#pragma once
// A network's SCALE-Sim topology, derived from its shapes without running it: one conv-form row per
// layer the systolic array computes, in execution order, whose GEMM (ConvRow::gemm) is the one the
// compiler maps onto the array for one image (sw/compiler/program.hpp: M = output pixels, N =
// output channels, K = C * Fh * Fw; a grouped conv runs one such GEMM per group).
//
//   Conv2d (C, H, W) -> (N, Eh, Ew), kernel F, stride S, padding P:
//       name, (Eh - 1) * S + F, (Ew - 1) * S + F, F, F, C, N, S
//     the ifmap is the padded input (H + 2P) less the rows and columns no window reads, so
//     SCALE-Sim's ofmap rule (no padding, a last window past the edge kept) gives Eh x Ew exactly
//     where PyTorch's rule floors (a dilated window likewise: the GEMM is the layer's).
//   Grouped, G groups: one depthwise row "<name>_DP" (C = G, N / G filters) when every group reads
//     one channel, else G rows "<name>_g<i>" of C / G channels and N / G filters.
//   Dense K -> N: name, 1, 1, 1, 1, K, N, 1 (SCALE-Sim's fully connected rows: M = 1)
//
// Layers the array does not compute (activations, batch norm, which deployment folds into the
// conv before it, pools, global average pooling, the residual add, flatten) have no row, as in
// SCALE-Sim's topologies. A "DP" in a layer name is written "Dp": SCALE-Sim reads a row whose name
// holds "DP" as a depthwise layer and splits it per channel.
#include <vector>

#include "models/net/network.hpp"
#include "sw/scalesim/topology.hpp"

namespace proact {

// The rows for images of per-sample shape `input_shape` (the network's own, or another that its
// layers accept). Throws std::invalid_argument "input shape (1, 32, 32): layer 'fc1': ..." when a layer
// refuses the shapes it would see, and "layer 'x' (kind): ..." for a layer the mapping does not know
// (an array layer other than Conv2d and Dense, or an unknown kind).
std::vector<ConvRow> model_topology(const Network& network, const Shape& input_shape);

// The layers SCALE-Sim runs for the rows (line 0: not from a file): a depthwise row's per channel.
std::vector<TopologyLayer> topology_layers(const std::vector<ConvRow>& rows);

}  // namespace proact
