#pragma once
// The functional engine's campaign inner loop (issue 5, "Speed"): one network on one image set,
// run many times with a few stored parameters changed each time. The clean outputs of every node
// are computed once and kept; a run with changes reuses them for every node that no change
// reaches, and for the first changed conv (of one group) or dense layer whose input is clean it
// recomputes only the output channels whose weights or bias changed (the nonzero rows of delta_W * X), in the
// array's accumulation order, so the result is bit-identical to recomputing the whole layer.
// Every node downstream of a change is recomputed in full.
#include <cstddef>
#include <memory>
#include <vector>

#include "models/kernels/gemm.hpp"
#include "models/net/network.hpp"
#include "sw/faults/network_edits.hpp"  // NodeChange

namespace proact {

class IncrementalForward {
 public:
  // Runs the clean network on `images` (N, C, H, W) in chunks of `chunk_images`, keeping the
  // clean node outputs a run can reuse, within `cache_bytes`: over it, the earliest are dropped,
  // and a run whose first change needs a dropped one recomputes everything from the images.
  IncrementalForward(Network& network, const Tensor& images, AccumulationOrder order, std::size_t chunk_images = 256,
                     std::size_t cache_bytes = std::size_t{2} << 30);
  // Another forward over `network`, a copy of `shared`'s network (same layers and values), that
  // shares its clean outputs instead of computing them again: runs in parallel, each thread on
  // its own copy. Both hold the clean outputs, so `shared` need not outlive it; the images must.
  IncrementalForward(Network& network, const IncrementalForward& shared);

  std::size_t kept_nodes() const;                    // node outputs kept
  std::size_t kept_bytes() const { return clean_->kept_bytes; }
  const Tensor& clean_logits() const { return clean_->logits; }  // (N, classes)

  // Logits (N, classes) of the network as it is now, given every node that changed.
  Tensor logits(const std::vector<NodeChange>& changes);
  // The same with every node recomputed from the images (the naive path, for tests).
  Tensor naive_logits();

 private:
  Tensor chunk(std::size_t c) const;  // images of chunk c

  // The clean network's run, fixed once computed (shared by the forwards of copies).
  struct CleanRun {
    std::vector<bool> kept;                   // per node: its clean output is kept
    std::size_t kept_bytes = 0;
    std::vector<std::vector<Tensor>> outputs;  // [chunk][node] clean outputs of kept nodes
    Tensor logits;
  };

  Network& network_;
  const Tensor& images_;
  ExecutionOptions options_;
  std::size_t chunk_images_, chunks_;
  std::shared_ptr<CleanRun> clean_;
  std::vector<Tensor> fresh_;  // [node] a run's outputs of dirty nodes, storage reused across runs
};

}  // namespace proact
