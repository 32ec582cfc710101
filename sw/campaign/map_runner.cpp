#include "sw/campaign/map_runner.hpp"

#include "hw/accelerator.hpp"

namespace proact {

namespace {

std::size_t accelerator_runs(const Tensor& images, int batch) {
  return (static_cast<std::size_t>(images.dim(0)) + static_cast<std::size_t>(batch) - 1) / static_cast<std::size_t>(batch);
}

}  // namespace

FunctionalRunner::FunctionalRunner(ProtectedNetwork& network, const AcceleratorConfig& config, const Program* program,
                                   const Tensor& images, bool incremental, std::size_t cache_bytes)
    : network_(network),
      incremental_(incremental),
      forward_(network.deployment().network(), images, accumulation_order(config.dataflow, config.array_rows), 256,
               incremental ? cache_bytes : 0) {
  if (program) placement_.emplace(*program, network.deployment(), config);
}

FunctionalRunner::FunctionalRunner(ProtectedNetwork& network, const FunctionalRunner& shared)
    : network_(network),
      placement_(shared.placement_),
      incremental_(shared.incremental_),
      forward_(network.deployment().network(), shared.forward_) {}

MapOutcome FunctionalRunner::run(const MapFaults& faults) {
  MapOutcome outcome;
  NetworkEdits edits(network_);  // puts the clean network back when it goes
  for (const auto& part : faults.parts) part->apply(edits, placement_ ? &*placement_ : nullptr, outcome.counts);
  const std::vector<NodeChange> changes = edits.commit();
  outcome.logits = !incremental_ ? forward_.naive_logits() : changes.empty() ? forward_.clean_logits() : forward_.logits(changes);
  return outcome;
}

SystemcRunner::SystemcRunner(SystemcEngine& engine, ProtectedNetwork& network, const AcceleratorConfig& config,
                             int batch, const Tensor& images)
    : engine_(engine),
      network_(network),
      program_(compile_program(network.deployment(), config, batch)),
      images_(images) {
  clean_ = engine_.run(program_, images_).logits;
}

MapOutcome SystemcRunner::run(const MapFaults& faults) {
  AcceleratorFaults target(engine_.accelerator(), network_, program_, accelerator_runs(images_, program_.batch));
  for (const auto& part : faults.parts) part->install(target);
  MapOutcome outcome;
  outcome.logits = engine_.run(target.program(), images_).logits;
  outcome.counts = target.counts();
  return outcome;
}

}  // namespace proact
