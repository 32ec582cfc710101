#include "sw/compiler/program.hpp"

#include "sw/compiler/allocators.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "hw/interface/register_map.hpp"
#include "hw/array/weight_tiling.hpp"
#include "models/net/activation_layer.hpp"
#include "models/net/batch_norm_layer.hpp"
#include "models/net/gemm_layers.hpp"
#include "models/net/pool_layers.hpp"
#include "models/net/structure_layers.hpp"

namespace proact {

namespace {

[[noreturn]] void refuse(const Layer& layer, const std::string& why) {
  throw std::invalid_argument("layer '" + layer.name() + "' cannot be mapped onto the accelerator: " + why);
}

// Where a value lives: a DRAM byte address, or (on chip) a word address of the activation SRAM.
struct Location {
  bool on_chip = false;
  std::uint64_t address = 0;
  bool operator<(const Location& other) const {
    return on_chip != other.on_chip ? on_chip < other.on_chip : address < other.address;
  }
  bool operator==(const Location& other) const { return on_chip == other.on_chip && address == other.address; }
};

void set_shape(LayerDescriptor& d, const Shape& in, const Shape& out) {
  const auto dims = [](const Shape& s) {
    std::uint32_t c = static_cast<std::uint32_t>(s.at(0)), h = 1, w = 1;
    if (s.size() == 3) h = s[1], w = s[2];
    return std::array<std::uint32_t, 3>{c, h, w};
  };
  const auto i = dims(in), o = dims(out);
  d.in_channels = i[0], d.in_height = i[1], d.in_width = i[2];
  d.out_channels = o[0], d.out_height = o[1], d.out_width = o[2];
}

// The stored words of the deployment's parameter (node, name).
const StoredTensor& stored(const Deployment& deployment, std::size_t node, const std::string& name) {
  for (const StoredParameter& p : deployment.parameters())
    if (p.node == node && p.parameter == name) return p.stored;
  throw std::logic_error("deployment has no stored " + name + " for node " + std::to_string(node));
}

class Compiler {
 public:
  // take_words: the stored words move into the program's segments instead of being copied.
  Compiler(Deployment& deployment, const AcceleratorConfig& config, int batch, bool take_words)
      : deployment_(deployment), network_(deployment.network()), config_(config), readers_(network_.reader_counts()),
        reader_nodes_(network_.size()), sram_(config.act_sram_total_words(), config.act_sram_total_words() / 4),
        take_words_(take_words) {
    program_.batch = batch;
    for (std::size_t i = 0; i < network_.size(); ++i)
      for (int source : network_.node(i).inputs)
        if (source != Network::kInput) reader_nodes_[source].push_back(i);
  }

  Program run() {
    if (program_.batch < 1) throw std::invalid_argument("batch must be >= 1, got " + std::to_string(program_.batch));
    const std::uint64_t descriptors = dram_.reserve(kDescriptorBytes * descriptor_count());
    place_parameters();
    program_.input_elements = shape_numel(network_.input_shape());
    program_.input_address = dram_.reserve(bytes_of(network_.input_shape()));
    buffers_.assign(network_.size(), Location{});
    // The network's output (through flatten) goes to DRAM, where the driver reads the logits.
    output_value_ = static_cast<int>(network_.size()) - 1;
    while (output_value_ >= 0 && dynamic_cast<const Flatten*>(&network_.layer(output_value_))) {
      output_value_ = network_.node(output_value_).inputs.at(0);
    }
    for (std::size_t i = 0; i < network_.size(); ++i) {
      map_node(i);
      retire_inputs(i);
    }
    program_.output_address = buffers_.back().address;
    program_.output_elements = shape_numel(network_.output_shape());
    if (clip_units_.table_words() > config_.threshold_table_words) {
      throw std::invalid_argument("the neuron-wise thresholds need " + std::to_string(clip_units_.table_words()) +
                                  " threshold table words, the table holds " +
                                  std::to_string(config_.threshold_table_words) +
                                  " (threshold_table_words in the accelerator config)");
    }

    std::vector<std::uint32_t> words;
    for (const LayerDescriptor& d : program_.layers) {
      const std::vector<std::uint32_t> w = d.encode();
      words.insert(words.end(), w.begin(), w.end());
    }
    program_.descriptor_base = descriptors;
    program_.segments.insert(program_.segments.begin(), DramSegment{"descriptors", descriptors, std::move(words)});
    program_.dram_bytes = dram_.end();
    if (program_.dram_bytes > config_.dram_bytes) {
      throw std::invalid_argument("the program needs " + std::to_string(program_.dram_bytes) + " bytes of DRAM (batch " +
                                  std::to_string(program_.batch) + "), more than dram_bytes = " +
                                  std::to_string(config_.dram_bytes));
    }
    return std::move(program_);
  }

 private:
  // An upper bound on the descriptors: one per node (fused activations and flatten take none), one
  // per input of a node that has several (a concat takes that many).
  std::size_t descriptor_count() const {
    std::size_t count = 0;
    for (std::size_t i = 0; i < network_.size(); ++i) count += std::max<std::size_t>(1, network_.node(i).inputs.size());
    return count;
  }

  std::uint64_t bytes_of(const Shape& per_sample) const { return shape_numel(per_sample) * program_.batch * sizeof(float); }

  // Node i's output buffer, a new one with the node's readers still to run: in the activation
  // SRAM when on-chip activations are on, `may_stay` and it fits there, else in DRAM.
  Location output_buffer(std::size_t i, bool may_stay) {
    const Shape& shape = network_.node(i).output_shape;
    Location at;
    const std::optional<std::uint64_t> resident =
        config_.on_chip_activations && may_stay && static_cast<int>(i) != output_value_
            ? sram_.allocate(shape_numel(shape) * program_.batch)
            : std::nullopt;
    if (resident) at = {true, *resident};
    else at.address = dram_.reserve_buffer(bytes_of(shape));
    pending_reads_[at] = readers_[i];
    return at;
  }

  void release(const Location& at, const Shape& shape) {
    if (at.on_chip) sram_.release(at.address, shape_numel(shape) * program_.batch);
    else dram_.release(at.address, bytes_of(shape));
  }

  // Node i, just mapped, has read its inputs: a buffer none of whose readers is left is released.
  // Flatten shares its input's buffer and hands its readers on; a descriptor's fused nodes are
  // retired with it (their inputs from outside the chain read by it), and nothing when their turn comes.
  void retire_inputs(std::size_t i) {
    if (fused_.count(i)) return;
    if (buffers_[i] == input_of(i)) pending_reads_[buffers_[i]] += readers_[i];
    const auto chain = chains_.find(i);
    const std::vector<std::size_t> nodes = chain != chains_.end() ? chain->second : std::vector<std::size_t>{i};
    for (std::size_t n : nodes) {
      const Node& node = network_.node(n);
      for (std::size_t which = 0; which < node.inputs.size(); ++which) {
        const int source = node.inputs[which];
        if (source == Network::kInput || std::find(nodes.begin(), nodes.end(), source) != nodes.end()) continue;
        const Location at = input_of(n, which);
        if (--pending_reads_.at(at) == 0) release(at, input_shape_of(n, which));
      }
    }
  }

  // A constant segment past everything placed so far; returns its address.
  std::uint64_t place(std::string name, std::vector<std::uint32_t> words) {
    const std::uint64_t address = dram_.reserve(words.size() * 4);
    program_.segments.push_back({std::move(name), address, std::move(words)});
    return address;
  }

  void place_parameters() {
    for (StoredParameter& p : deployment_.parameters()) {
      const std::string name = network_.layer(p.node).name() + "." + p.parameter;
      parameter_addresses_[{p.node, p.parameter}] =
          place(name, take_words_ ? std::move(p.stored.words) : p.stored.words);
      if (p.parameter == "weight" && format_is_integer(p.stored.format)) {
        std::vector<std::uint32_t> scales;
        for (float s : p.stored.scales) scales.push_back(encode_word(Format::fp32, s));
        parameter_addresses_[{p.node, "scales"}] = place(name + "_scales", std::move(scales));
      }
    }
  }

  Location input_of(std::size_t node, std::size_t which = 0) const {
    const int source = network_.node(node).inputs.at(which);
    return source == Network::kInput ? Location{false, program_.input_address} : buffers_.at(source);
  }

  Shape input_shape_of(std::size_t node, std::size_t which = 0) const {
    return network_.shape_of(network_.node(node).inputs.at(which));
  }

  // The node that reads node i's output, if exactly one reads it, once.
  std::optional<std::size_t> sole_reader(std::size_t i) const {
    if (readers_[i] != 1 || reader_nodes_[i].size() != 1) return std::nullopt;
    return reader_nodes_[i].front();
  }

  // The nodes the post-processing unit runs on descriptor d's output, each the sole reader of
  // the one before: a residual add (conv and dense; its other operand already computed), an
  // activation (not after a stand-alone activation), then a pool or global average pool (conv,
  // dense and add). Without config.fuse_post_processing, only the activation.
  std::vector<std::size_t> fusable_chain(std::size_t i, const LayerDescriptor& d) const {
    const bool fuse = config_.fuse_post_processing;
    std::vector<std::size_t> chain;
    std::size_t at = i;
    const auto next = [&](auto accepts) {
      const std::optional<std::size_t> r = sole_reader(at);
      if (!r || !accepts(network_.node(*r))) return false;
      chain.push_back(at = *r);
      return true;
    };
    if (fuse && is_gemm(d.op)) {
      next([&](const Node& n) {
        if (!dynamic_cast<const Add*>(n.layer.get()) || n.inputs.size() != 2) return false;
        const int other = n.inputs[0] == static_cast<int>(at) ? n.inputs[1] : n.inputs[0];
        return other < static_cast<int>(i);  // the network's input, or a node mapped before i
      });
    }
    if (d.op != LayerOp::activation) {
      next([](const Node& n) { return n.inputs.size() == 1 && dynamic_cast<const Activation*>(n.layer.get()); });
    }
    if (fuse && (is_gemm(d.op) || d.op == LayerOp::add)) {
      next([](const Node& n) {
        return dynamic_cast<const Pool2d*>(n.layer.get()) || dynamic_cast<const GlobalAvgPool*>(n.layer.get());
      });
    }
    return chain;
  }

  // Fuses `chain` (fusable_chain) into d; returns the descriptor's name (the node's, with the
  // residual add's and the pool's).
  std::string fuse(std::size_t i, const std::vector<std::size_t>& chain, LayerDescriptor& d) {
    std::string name = network_.layer(i).name();
    std::size_t at = i;
    for (std::size_t n : chain) {
      const Node& node = network_.node(n);
      const Layer& layer = *node.layer;
      if (dynamic_cast<const Add*>(&layer)) {
        d.residual = true;
        const Location other = input_of(n, node.inputs[0] == static_cast<int>(at) ? 1 : 0);
        d.input2 = other.address, d.input2_on_chip = other.on_chip;
        name += "+" + layer.name();
      } else if (const auto* activation = dynamic_cast<const Activation*>(&layer)) {
        set_post(d, *activation);
      } else {
        const Shape& out = node.output_shape;
        d.pool_out_height = out.size() == 3 ? static_cast<std::uint32_t>(out[1]) : 1;
        d.pool_out_width = out.size() == 3 ? static_cast<std::uint32_t>(out[2]) : 1;
        if (const auto* pool = dynamic_cast<const Pool2d*>(&layer)) {
          d.fused_pool = pool->pool_kind() == Pool2d::Kind::max ? FusedPool::max : FusedPool::avg;
          d.pool = pool->window();
        } else {
          d.fused_pool = FusedPool::global_avg;
        }
        name += "+" + layer.name();
      }
      fused_.insert(n);
      at = n;
    }
    chains_[i] = chain;
    chains_[i].insert(chains_[i].begin(), i);
    return name;
  }

  void map_node(std::size_t i) {
    const Node& node = network_.node(i);
    const Layer& layer = *node.layer;
    if (fused_.count(i)) return;  // its buffer was set with its chain's descriptor
    if (dynamic_cast<const Flatten*>(&layer)) {
      buffers_[i] = input_of(i);
      return;
    }
    LayerDescriptor d;
    d.node = static_cast<std::uint32_t>(i);
    d.batch = static_cast<std::uint32_t>(program_.batch);
    const Location input = input_of(i);
    d.input = input.address, d.input_on_chip = input.on_chip;
    set_shape(d, input_shape_of(i), node.output_shape);
    if (const auto* conv = dynamic_cast<const Conv2d*>(&layer)) {
      const ConvWindow& w = conv->window();
      d.op = LayerOp::conv;
      d.kernel = w.kernel, d.stride = w.stride, d.dilation = w.dilation, d.padding = w.padding;
      d.groups = static_cast<std::uint32_t>(w.groups);
      map_gemm(i, *conv, d);
    } else if (const auto* dense = dynamic_cast<const Dense*>(&layer)) {
      d.op = LayerOp::dense;
      map_gemm(i, *dense, d);
    } else if (const auto* pool = dynamic_cast<const Pool2d*>(&layer)) {
      const PoolWindow& w = pool->window();
      d.op = pool->pool_kind() == Pool2d::Kind::max ? LayerOp::max_pool : LayerOp::avg_pool;
      d.kernel = w.kernel, d.stride = w.stride, d.padding = w.padding;
      d.ceil_mode = w.ceil_mode, d.count_include_pad = w.count_include_pad;
    } else if (dynamic_cast<const GlobalAvgPool*>(&layer)) {
      d.op = LayerOp::global_avg_pool;
    } else if (dynamic_cast<const Add*>(&layer)) {
      d.op = LayerOp::add;
      const Location other = input_of(i, 1);
      d.input2 = other.address, d.input2_on_chip = other.on_chip;
    } else if (dynamic_cast<const Concat*>(&layer)) {
      map_concat(i, d);
      return;
    } else if (const auto* pad = dynamic_cast<const Pad*>(&layer)) {
      d.op = LayerOp::pad;
      d.padding = pad->padding(), d.pad_value = pad->value();
    } else if (const auto* activation = dynamic_cast<const Activation*>(&layer)) {
      d.op = LayerOp::activation;
      set_post(d, *activation);
    } else if (const auto* bn = dynamic_cast<const BatchNorm*>(&layer)) {
      // One that no conv or dense absorbed (deployment folds the others): its parameters in DRAM.
      d.op = LayerOp::batch_norm;
      d.epsilon = bn->epsilon();
      std::vector<std::uint32_t> words;
      for (const char* name : {"gamma", "beta", "running_mean", "running_var"})
        for (float v : bn->parameter(name).value.values()) words.push_back(encode_word(Format::fp32, v));
      d.weights = place(layer.name() + ".batch_norm", std::move(words));
    } else {
      refuse(layer, "the accelerator has no unit for '" + layer.kind() + "' layers");
    }
    const std::vector<std::size_t> chain = fusable_chain(i, d);
    const std::string name = fuse(i, chain, d);
    const std::size_t last = chain.empty() ? i : chain.back();
    const Location output = output_buffer(last, true);
    d.output = output.address, d.output_on_chip = output.on_chip;
    set_staging(d);
    buffers_[i] = output;
    for (std::size_t n : chain) buffers_[n] = output;
    program_.layers.push_back(d);
    program_.layer_names.push_back(name);
  }

  // One descriptor per input, each filling its channels of the shared output buffer.
  void map_concat(std::size_t i, LayerDescriptor d) {
    const Node& node = network_.node(i);
    d.op = LayerOp::concat;
    const Location output = output_buffer(i, false);  // each input's descriptor fills its channels in DRAM
    d.output = output.address;
    std::uint32_t offset = 0;
    for (std::size_t which = 0; which < node.inputs.size(); ++which) {
      const Location input = input_of(i, which);
      d.input = input.address, d.input_on_chip = input.on_chip;
      set_staging(d);
      set_shape(d, input_shape_of(i, which), node.output_shape);
      d.channel_offset = offset;
      offset += d.in_channels;
      program_.layers.push_back(d);
      program_.layer_names.push_back(node.layer->name());
    }
    buffers_[i] = output;
  }

  // The staging words of a descriptor mapped now: those below every live resident result.
  void set_staging(LayerDescriptor& d) const {
    if (config_.on_chip_activations) d.stage_words = static_cast<std::uint32_t>(sram_.lowest_live());
  }

  void map_gemm(std::size_t i, const GemmLayer& layer, LayerDescriptor& d) {
    const StoredTensor& weight = stored(deployment_, i, "weight");
    d.format = weight.format;
    d.weights = parameter_addresses_.at({i, "weight"});
    d.bias = parameter_addresses_.at({i, "bias"});
    if (format_is_integer(d.format)) {
      d.scales = parameter_addresses_.at({i, "scales"});
      d.input_scale = layer.integer_weights()->input_scale;
    }
    const long fold_words = max_fold_weight_words({d.gemm_m(), d.gemm_n(), d.gemm_k()}, config_.array_rows,
                                                  config_.array_cols, config_.dataflow);
    const std::uint64_t capacity = config_.weight_sram_words() / 2;
    if (static_cast<std::uint64_t>(fold_words) > capacity) {
      refuse(layer, "one fold needs " + std::to_string(fold_words) + " weight words (" + dataflow_name(config_.dataflow) +
                        " dataflow, " + std::to_string(config_.array_rows) + "x" + std::to_string(config_.array_cols) +
                        " array) but half of the weight SRAM holds " + std::to_string(capacity) +
                        " (weight_sram_bytes = " + std::to_string(config_.weight_sram_bytes) + ", double buffered)");
    }
  }

  void set_post(LayerDescriptor& d, const Activation& activation) {
    d.clamp = activation.bounds();
    if (activation.form() == ClipForm::relu) {
      d.post = PostOp::clamp;
      return;
    }
    if (activation.form() == ClipForm::smooth) {
      refuse(activation, "the clip unit is a comparator (hard or saturate form); the smooth form is for training");
    }
    if (program_.clip_form != ClipForm::relu && program_.clip_form != activation.form()) {
      refuse(activation, "all clipped layers share CLIP_MODE, but this one is " + clip_form_name(activation.form()) +
                             " and an earlier one " + clip_form_name(program_.clip_form));
    }
    program_.clip_form = activation.form();
    d.post = PostOp::clip;
    const Tensor& thresholds = activation.parameter("thresholds").value;
    if (clip_units_.units() >= kClipUnits) refuse(activation, "more than " + std::to_string(kClipUnits) + " clipped layers (clip units)");
    const ClipUnit unit = clip_units_.next(thresholds.size());
    d.clip_unit = unit.unit;
    program_.clip_units.push_back(unit);
    if (!unit.neuron_wise()) {
      program_.clip_thresholds.push_back(thresholds[0]);
      return;
    }
    program_.clip_thresholds.push_back(std::numeric_limits<float>::infinity());
    program_.threshold_table.insert(program_.threshold_table.end(), thresholds.values().begin(), thresholds.values().end());
  }

  Deployment& deployment_;
  Network& network_;
  const AcceleratorConfig& config_;
  std::vector<int> readers_;
  std::vector<std::vector<std::size_t>> reader_nodes_;  // per node: the nodes that read it
  Program program_;
  DramAllocator dram_;
  SramAllocator sram_;
  int output_value_ = -1;               // the node whose value is the network's output
  std::vector<Location> buffers_;       // per node: where its output is
  std::map<Location, int> pending_reads_;  // per activation buffer: reads still to be mapped
  std::map<std::pair<std::size_t, std::string>, std::uint64_t> parameter_addresses_;
  std::set<std::size_t> fused_;         // nodes run by another node's descriptor
  std::map<std::size_t, std::vector<std::size_t>> chains_;  // descriptor node -> it and its fused nodes
  ClipUnitAllocator clip_units_;
  bool take_words_;
};

}  // namespace

Program compile_program(Deployment& deployment, const AcceleratorConfig& config, int batch) {
  return Compiler(deployment, config, batch, false).run();
}

Program compile_program(Deployment&& deployment, const AcceleratorConfig& config, int batch) {
  return Compiler(deployment, config, batch, true).run();
}

const DramSegment& parameter_segment(const Program& program, const Deployment& deployment, std::size_t index) {
  const StoredParameter& p = deployment.parameters().at(index);
  const std::string name = deployment.network().layer(p.node).name() + "." + p.parameter;
  for (const DramSegment& s : program.segments)
    if (s.name == name) return s;
  throw std::out_of_range("program has no segment for parameter '" + name + "'");
}

}  // namespace proact
