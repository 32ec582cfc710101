#include "hw/memory/memory_timing.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

namespace proact {

namespace {

long ceil_div(long a, long b) { return (a + b - 1) / b; }

void check_positive(const char* field, long value, long low) {
  if (value < low) {
    throw std::invalid_argument(std::string("MemoryConfig.") + field + " must be >= " + std::to_string(low) +
                                ", got " + std::to_string(value));
  }
}

// Words of `op` moved in fold cycles [0, cycle], spread evenly over [begin, end).
long moved_by(const OperandTraffic& op, long cycle) {
  if (op.words == 0 || cycle < op.begin) return 0;
  const long span = op.end - op.begin;
  const long done = std::min(cycle + 1 - op.begin, span);
  return op.words * done / span;
}

// The first fold cycle from `from` on by whose end more than `quiet` words of `op` have moved
// since `from` (LONG_MAX if none): moved_by inverted.
long first_cycle_beyond(const OperandTraffic& op, long from, long quiet) {
  if (quiet == LONG_MAX) return LONG_MAX;
  const long target = moved_by(op, from - 1) + quiet + 1;
  if (target > op.words) return LONG_MAX;
  const long span = op.end - op.begin;
  return std::max(from, op.begin + (target * span + op.words - 1) / op.words - 1);
}

// A double-buffered read SRAM fed by prefetch chunks (see the header).
class ReadPort {
 public:
  ReadPort(long sram_words, long stream_words, const MemoryConfig& config)
      : double_count_(config.double_count_read_stalls) {
    const long active = ceil_div(sram_words, 2);
    const long prefetch = sram_words - active;
    streaming_ = stream_words > active && prefetch > 0;
    step_ = std::max(1L, active / 2);
    next_boundary_ = step_;
    chunk_words_ = prefetch;
    chunk_cycles_ = ceil_div(prefetch, config.bandwidth_words_per_cycle) + config.latency_cycles;
    dram_words_ = std::min(stream_words, active);  // the fill before the layer
  }

  // The array reads `words` more of the stream at cycle `now`; returns the stall (may be <= 0).
  long read(long words, long now) {
    position_ += words;
    long offset = 1;  // the SRAM hit latency
    while (streaming_ && position_ > next_boundary_) {
      next_boundary_ += step_;
      last_ready_ += chunk_cycles_;
      ++chunks_;
      dram_words_ += chunk_words_;
      const long wait = last_ready_ - (now + offset);
      offset += wait;
      if (wait > 0 && double_count_) offset += wait;
    }
    return offset - 1;
  }

  // Words the array can read with no chunk falling due (read() would return 0 and only count them).
  long quiet_words() const { return streaming_ ? next_boundary_ - position_ : LONG_MAX; }
  void count(long words) { position_ += words; }

  long chunks() const { return chunks_; }
  long dram_words() const { return dram_words_; }

 private:
  bool double_count_;
  bool streaming_ = false;
  long step_ = 1, next_boundary_ = 1, chunk_words_ = 0, chunk_cycles_ = 0;
  long position_ = 0, last_ready_ = -1, chunks_ = 0, dram_words_ = 0;
};

// A double-buffered write SRAM drained in halves (see the header).
class WritePort {
 public:
  WritePort(long sram_words, const MemoryConfig& config)
      : capacity_(sram_words), threshold_(sram_words - ceil_div(sram_words, 2)),
        drain_cycles_(ceil_div(threshold_, config.bandwidth_words_per_cycle)),
        drain_words_(drain_cycles_ * config.bandwidth_words_per_cycle) {}

  // The array writes `words` at cycle `now`; returns the stall.
  long write(long words, long now) {
    long t = now;
    while (words > 0) {
      if (t < drain_end_) {
        const long room = capacity_ - held_;
        if (words < room) {
          held_ += words;
          break;
        }
        held_ += room;
        words -= room;
        t = drain_end_;  // full while draining: wait for the drain
      } else {
        const long until_drain = std::max(1L, threshold_ - held_ + 1);  // words until more than D are held
        if (words < until_drain) {
          held_ += words;
          break;
        }
        held_ += until_drain;
        words -= until_drain;
        held_ -= std::min(held_, drain_words_);  // whole DRAM lines: ceil(D / bandwidth) of them
        drain_end_ = t + drain_cycles_ - 1;
        ++drains_;
      }
    }
    return t - now;
  }

  // From cycle `now`, the cycles and words the array can write with no drain starting, no wait
  // and no drain ending (write() would return 0 and only count them).
  long quiet_cycles(long now) const { return now < drain_end_ ? drain_end_ - now : LONG_MAX; }
  long quiet_words(long now) const {
    if (now < drain_end_) return capacity_ - held_ - 1;
    return held_ > threshold_ ? 0 : threshold_ - held_;
  }
  void count(long words) { held_ += words; }

  long drains() const { return drains_; }

 private:
  long capacity_, threshold_, drain_cycles_, drain_words_;
  long held_ = 0, drain_end_ = 0, drains_ = 0;
};

}  // namespace

void MemoryConfig::validate() const {
  check_positive("ifmap_sram_words", ifmap_sram_words, 2);
  check_positive("filter_sram_words", filter_sram_words, 2);
  check_positive("ofmap_sram_words", ofmap_sram_words, 2);
  check_positive("bandwidth_words_per_cycle", bandwidth_words_per_cycle, 1);
  check_positive("latency_cycles", latency_cycles, 0);
}

namespace {

MemoryTiming simulate_ports(const std::vector<FoldTraffic>& folds, const StreamSizes& streams,
                            const MemoryConfig& config, bool skip_quiet_stretches) {
  config.validate();
  ReadPort ifmap(config.ifmap_sram_words, streams.ifmap_words, config);
  ReadPort filter(config.filter_sram_words, streams.filter_words, config);
  WritePort ofmap(config.ofmap_sram_words, config);
  MemoryTiming timing;
  long elapsed = 0;  // stall-free cycles of the folds before this one
  for (const FoldTraffic& fold : folds) {
    // Cycle by cycle where a port has something to do; in one step across the quiet stretches
    // between (the same result: there every port only counts words, and nothing stalls).
    const auto words = [](const OperandTraffic& op, long from, long to) {
      return moved_by(op, to) - moved_by(op, from - 1);
    };
    for (long c = 0; c < fold.cycles;) {
      const long now = elapsed + c + timing.stall_cycles;
      if (skip_quiet_stretches) {
        const long drain_quiet = ofmap.quiet_cycles(now);
        const long quiet_end = std::min({fold.cycles, drain_quiet == LONG_MAX ? LONG_MAX : c + drain_quiet,
                                         first_cycle_beyond(fold.ifmap, c, ifmap.quiet_words()),
                                         first_cycle_beyond(fold.filter, c, filter.quiet_words()),
                                         first_cycle_beyond(fold.ofmap, c, ofmap.quiet_words(now))});
        if (quiet_end > c) {
          ifmap.count(words(fold.ifmap, c, quiet_end - 1));
          filter.count(words(fold.filter, c, quiet_end - 1));
          ofmap.count(words(fold.ofmap, c, quiet_end - 1));
          c = quiet_end;
          continue;
        }
      }
      timing.stall_cycles += std::max({0L, ifmap.read(words(fold.ifmap, c, c), now),
                                       filter.read(words(fold.filter, c, c), now),
                                       ofmap.write(words(fold.ofmap, c, c), now)});
      ++c;
    }
    elapsed += fold.cycles;
    timing.ofmap_dram_words += fold.ofmap.words;
  }
  timing.ifmap_chunks = ifmap.chunks();
  timing.filter_chunks = filter.chunks();
  timing.ofmap_drains = ofmap.drains();
  timing.ifmap_dram_words = ifmap.dram_words();
  timing.filter_dram_words = filter.dram_words();
  return timing;
}

}  // namespace

MemoryTiming memory_stalls(const std::vector<FoldTraffic>& folds, const StreamSizes& streams, const MemoryConfig& config) {
  return simulate_ports(folds, streams, config, true);
}

MemoryTiming memory_stalls_per_cycle(const std::vector<FoldTraffic>& folds, const StreamSizes& streams,
                                     const MemoryConfig& config) {
  return simulate_ports(folds, streams, config, false);
}

StreamSizes stream_sizes(const GemmShape& shape) { return {shape.m * shape.k, shape.k * shape.n}; }

std::vector<FoldTraffic> fold_traffic(const GemmShape& shape, int rows, int cols, Dataflow dataflow,
                                      const std::vector<Fold>& plan, const TimingOptions& options) {
  std::vector<FoldTraffic> traffic;
  traffic.reserve(plan.size());
  for (const Fold& f : plan) {
    const long r = f.rows_used, c = f.cols_used;
    const long re = options.trim_partial_folds ? r : rows;
    const long ce = options.trim_partial_folds ? c : cols;
    const long busy = f.cycles - options.fold_overhead_cycles;
    const auto span = [&](long words, long begin, long length) {
      const long end = std::min(begin + std::max(length, 1L), std::max(busy, 1L));
      return OperandTraffic{words, std::min(begin, end - 1), end};
    };
    FoldTraffic t;
    t.cycles = f.cycles;
    if (dataflow == Dataflow::os) {  // rows stream the ifmap, columns the filter, K products per PE
      const long k = shape.k;
      t.ifmap = span(k * r, 0, k + re - 1);
      t.filter = span(f.row_fold == 0 ? k * c : 0, 0, k + ce - 1);  // later row folds reuse the block
      t.ofmap = span(r * c, k - 1, re + ce - 1);
    } else {  // ws/is: load the stationary block, stream T operands, drain T partials per column
      const long length = dataflow == Dataflow::ws ? shape.m : shape.n;
      const long load = busy - (re + ce + length - 2);
      const OperandTraffic stationary = span(r * c, 0, load);
      const OperandTraffic streamed = span(length * r, load, length + re - 1);
      t.ofmap = span(length * c, load + re - 1, length + ce - 1);
      t.ifmap = dataflow == Dataflow::ws ? streamed : stationary;
      t.filter = dataflow == Dataflow::ws ? stationary : streamed;
    }
    traffic.push_back(t);
  }
  return traffic;
}

}  // namespace proact
