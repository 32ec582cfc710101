#pragma once
// A deployed network compiled for the accelerator: the layer descriptors, the DRAM image the
// driver loads once (stored weights, biases, int8 scales), the activation buffers (one per value,
// in the activation SRAM when it fits there (config.on_chip_activations), else in DRAM; reused
// once the value's last reader has run), and the clip thresholds destined for the threshold
// registers and table.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/config.hpp"
#include "hw/interface/layer_descriptor.hpp"
#include "models/net/deployment.hpp"
#include "models/numeric/clip.hpp"
#include "sw/compiler/clip_units.hpp"

namespace proact {

struct DramSegment {
  std::string name;                  // "conv1.weight", "descriptors", ...
  std::uint64_t address = 0;         // byte address, 64-byte aligned
  std::vector<std::uint32_t> words;  // little-endian 32-bit words
};

struct Program {
  int batch = 1;                               // images per accelerator run
  std::vector<LayerDescriptor> layers;         // in execution order
  std::vector<std::string> layer_names;        // network layer name of each descriptor ("conv9+add3+gap1" when fused)
  std::vector<DramSegment> segments;           // constant data: descriptors, weights, biases, scales
  std::uint64_t descriptor_base = 0;
  std::uint64_t input_address = 0;             // (batch, C, H, W) fp32
  std::uint64_t output_address = 0;            // (batch, classes) fp32 logits
  std::size_t input_elements = 0;              // per sample
  std::size_t output_elements = 0;             // per sample
  std::uint64_t dram_bytes = 0;                // highest byte used + 1
  ClipForm clip_form = ClipForm::relu;         // CLIP_MODE for descriptors with PostOp::clip
  // Per clip unit (sw/compiler/clip_units.hpp) in unit order: where its thresholds are, and its
  // layer-wise threshold (CLIP_THRESHOLD[unit]; +inf for a neuron-wise unit, which reads its window).
  std::vector<ClipUnit> clip_units;
  std::vector<float> clip_thresholds;
  std::vector<float> threshold_table;          // every neuron-wise unit's window, packed (empty if none)
};

// Maps every layer of `deployment.network()` (batch norm folded where a conv or dense absorbs it)
// onto descriptors: conv (any window, grouped: one GEMM per group) and dense on the array; pools,
// residual add, pad, concat (one descriptor per input), batch norms left unfolded (their
// parameters in DRAM) and stand-alone activations in the activation unit. With
// config.fuse_post_processing, the post-processing unit takes over what follows a conv or dense
// when each node is the only reader of the one before: a residual add whose other operand is
// already computed, the activation, then a pool or global average pool (after an add: the
// activation and the pool); without it, only an activation that is its producer's only reader
// fuses (not a concat's). Flatten is free (same buffer). Results stay on chip as
// sw/compiler/allocators.hpp places them (not a concat's, not the network's output), each
// descriptor staging its DRAM transfers below them. An activation's clamp ([0, inf), ReLU6's [0, 6], a
// Clip's bounds) goes into its descriptor; clipped ones (hard or saturate form; smooth is a training
// form and is refused) get a clip unit each: a threshold register if layer-wise, a window of the
// threshold table if neuron-wise. Throws std::invalid_argument naming the layer and the limit when a
// layer cannot be mapped (an unsupported layer kind, a fold's weights larger than half the weight
// SRAM, more clipped layers than clip units), when the neuron-wise windows need more words than
// config.threshold_table_words (naming both), or when the DRAM image exceeds config.dram_bytes.
Program compile_program(Deployment& deployment, const AcceleratorConfig& config, int batch);
// The same for a caller that needs the deployment no further: its stored words move into the
// program (no copy of the weights); its parameters keep their formats and scales, not their words.
Program compile_program(Deployment&& deployment, const AcceleratorConfig& config, int batch);

// The words of stored parameter `index` of the deployment as they sit in the program's DRAM
// image (for reloading after its words changed, e.g. a fault map on the stored tensors).
const DramSegment& parameter_segment(const Program& program, const Deployment& deployment, std::size_t index);

}  // namespace proact
