#include "sw/engine/inference.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "hw/accelerator.hpp"
#include "hw/trace_recorder.hpp"
#include "models/io/output_file.hpp"
#include "models/names.hpp"
#include "sw/driver/driver.hpp"

namespace proact {

namespace {

const NameTable<Engine>& engine_table() {
  static const NameTable<Engine> table("engine", {{Engine::functional, "functional"}, {Engine::systemc, "systemc"}});
  return table;
}

}  // namespace

Engine parse_engine(const std::string& name) { return engine_table().parse(name); }

std::string engine_name(Engine engine) { return engine_table().name(engine); }

namespace {

// Images [begin, begin + batch) as one (batch, C, H, W) tensor, zero-padded past the end.
Tensor padded_batch(const Tensor& images, std::size_t begin, int batch) {
  Shape shape = images.shape();
  const std::size_t per_image = images.size() / shape[0];
  const std::size_t count = std::min<std::size_t>(batch, shape[0] - begin);
  shape[0] = batch;
  Tensor out(shape);
  std::copy_n(images.data() + begin * per_image, count * per_image, out.data());
  return out;
}

void add_reports(std::vector<LayerReport>& total, const std::vector<LayerReport>& run) {
  if (total.empty()) {
    total = run;
    return;
  }
  for (std::size_t i = 0; i < run.size(); ++i) total[i].accumulate(run[i]);
}

void check_images(const Program& program, const Tensor& images) {
  if (images.rank() != 4 || images.size() / std::max(images.dim(0), 1) != program.input_elements) {
    throw std::invalid_argument("images " + shape_string(images.shape()) + " do not match the program's input of " +
                                std::to_string(program.input_elements) + " values per image");
  }
}

}  // namespace

InferenceRun run_functional(Deployment& deployment, const Program& program, const AcceleratorConfig& config,
                            const Tensor& images, const ProgressCallback& progress) {
  check_images(program, images);
  const std::size_t count = static_cast<std::size_t>(images.dim(0));
  InferenceRun run;
  run.logits = Tensor({images.dim(0), static_cast<int>(program.output_elements)});
  ExecutionOptions options;
  options.order = accumulation_order(config.dataflow, config.array_rows);
  options.keep_activations = false;
  std::vector<LayerReport> per_batch;
  for (const LayerDescriptor& d : program.layers) per_batch.push_back(layer_timing(d, config));
  for (std::size_t begin = 0; begin < count; begin += program.batch) {
    const Tensor& logits = deployment.network().forward(padded_batch(images, begin, program.batch), options);
    const std::size_t take = std::min<std::size_t>(program.batch, count - begin);
    std::copy_n(logits.data(), take * program.output_elements, run.logits.data() + begin * program.output_elements);
    add_reports(run.layers, per_batch);
    if (progress) progress(begin + take);
  }
  for (const LayerReport& r : run.layers) {
    run.counters[static_cast<std::size_t>(Counter::cycles)] += r.total_cycles;
    run.counters[static_cast<std::size_t>(Counter::stall_cycles)] += r.stall_cycles;
    run.counters[static_cast<std::size_t>(Counter::weight_stall_cycles)] += r.weight_stall_cycles;
    run.counters[static_cast<std::size_t>(Counter::input_stall_cycles)] += r.input_stall_cycles;
    run.counters[static_cast<std::size_t>(Counter::output_stall_cycles)] += r.output_stall_cycles;
    run.counters[static_cast<std::size_t>(Counter::macs)] += r.macs;
    run.counters[static_cast<std::size_t>(Counter::weight_sram_reads)] += r.weight_sram_words;
    run.counters[static_cast<std::size_t>(Counter::weight_sram_writes)] += r.weight_sram_words;
    run.counters[static_cast<std::size_t>(Counter::act_sram_reads)] += r.act_reads;
    run.counters[static_cast<std::size_t>(Counter::act_sram_writes)] += r.act_writes;
    run.counters[static_cast<std::size_t>(Counter::dram_reads)] += r.dram_reads;
    run.counters[static_cast<std::size_t>(Counter::dram_writes)] += r.dram_writes;
  }
  run.simulated_ns = static_cast<double>(run.counters[static_cast<std::size_t>(Counter::cycles)]) * config.clock_period_ns();
  return run;
}

struct SystemcEngine::Parts {
  Parts(const AcceleratorConfig& config, const std::string& trace_dir, const std::string& name)
      : accelerator(name.c_str(), config),
        driver((name + "_driver").c_str(), sc_core::sc_time(config.quantum_ns, sc_core::SC_NS)),
        trace_dir(trace_dir) {
    driver.socket.bind(accelerator.host_socket());
    driver.irq.bind(accelerator.irq());
    if (!trace_dir.empty()) {
      prepare_output_directory(trace_dir);
      vcd = sc_core::sc_create_vcd_trace_file((std::filesystem::path(trace_dir) / "accelerator").string().c_str());
      if (!vcd) throw std::runtime_error("cannot create a VCD trace in '" + trace_dir + "'");
      accelerator.trace(vcd);
      accelerator.controller().set_recorder(&recorder);
    }
  }

  Accelerator accelerator;
  Driver driver;
  std::string trace_dir;
  sc_core::sc_trace_file* vcd = nullptr;
  TraceRecorder recorder;
};

SystemcEngine::SystemcEngine(const AcceleratorConfig& config, const std::string& trace_dir, const std::string& name)
    : parts_(std::make_unique<Parts>(config, trace_dir, name)) {}

SystemcEngine::~SystemcEngine() {
  try {
    finish_trace();
  } catch (...) {  // a destructor must not throw; finish_trace() reports errors when called directly
  }
}

Accelerator& SystemcEngine::accelerator() { return parts_->accelerator; }
Driver& SystemcEngine::driver() { return parts_->driver; }

void SystemcEngine::finish_trace() {
  if (!parts_->vcd) return;
  sc_core::sc_close_vcd_trace_file(parts_->vcd);
  parts_->vcd = nullptr;
  parts_->recorder.save((std::filesystem::path(parts_->trace_dir) / "timeline.json").string());
}

InferenceRun SystemcEngine::run(const Program& program, const Tensor& images, const ProgressCallback& progress,
                                bool poll) {
  check_images(program, images);
  Driver& driver = parts_->driver;
  Controller& controller = parts_->accelerator.controller();
  const std::size_t count = static_cast<std::size_t>(images.dim(0));
  InferenceRun run;
  run.logits = Tensor({images.dim(0), static_cast<int>(program.output_elements)});
  controller.clear_history();
  const sc_core::sc_time start = sc_core::sc_time_stamp();

  driver.set_job([&] {
    driver.write_register(RegisterId::counter_clear, 1);
    for (const DramSegment& s : program.segments) driver.write_words(s.address, s.words.data(), s.words.size());
    for (std::size_t i = 0; i < program.clip_units.size(); ++i) {
      const auto unit = static_cast<std::uint32_t>(i);
      driver.write_window(kClipThresholdWindow, unit, encode_word(kActivationFormat, program.clip_thresholds[i]));
      driver.write_window(kClipTableBaseWindow, unit, program.clip_units[i].table_base);
      driver.write_window(kClipTableLengthWindow, unit, program.clip_units[i].table_length);
    }
    for (std::size_t j = 0; j < program.threshold_table.size(); ++j) {
      driver.write_window(kThresholdTableWindow, static_cast<std::uint32_t>(j),
                          encode_word(kActivationFormat, program.threshold_table[j]));
    }
    driver.write_register(RegisterId::clip_mode, program.clip_form == ClipForm::saturate ? 2u
                                                 : program.clip_form == ClipForm::hard   ? 1u
                                                                                         : 0u);
    driver.write_register(RegisterId::desc_base_lo, static_cast<std::uint32_t>(program.descriptor_base));
    driver.write_register(RegisterId::desc_base_hi, static_cast<std::uint32_t>(program.descriptor_base >> 32));
    driver.write_register(RegisterId::desc_count, static_cast<std::uint32_t>(program.layers.size()));

    std::vector<std::uint32_t> words(program.batch * std::max(program.input_elements, program.output_elements));
    for (std::size_t begin = 0; begin < count; begin += program.batch) {
      const Tensor batch = padded_batch(images, begin, program.batch);
      std::memcpy(words.data(), batch.data(), batch.size() * sizeof(float));
      driver.write_words(program.input_address, words.data(), batch.size());
      const std::uint32_t status = driver.start_and_wait(poll);
      if (status & kStatusError) {
        throw std::runtime_error("the accelerator stopped with error " +
                                 std::to_string(driver.read_register(RegisterId::error_code)) + ": " +
                                 controller.last_error());
      }
      const std::size_t take = std::min<std::size_t>(program.batch, count - begin);
      driver.read_words(program.output_address, words.data(), take * program.output_elements);
      std::memcpy(run.logits.data() + begin * program.output_elements, words.data(),
                  take * program.output_elements * sizeof(float));
      if (progress) progress(begin + take);
    }
    for (std::size_t c = 0; c < kCounterCount; ++c) run.counters[c] = driver.read_counter(static_cast<Counter>(c));
  });
  sc_core::sc_start();
  driver.rethrow_job_error();

  // The controller's history holds every batch's layers in order: sum them per descriptor.
  const std::vector<LayerReport>& history = controller.history();
  const std::size_t layers = program.layers.size();
  for (std::size_t i = 0; i < history.size(); i += layers) {
    add_reports(run.layers, std::vector<LayerReport>(history.begin() + i, history.begin() + i + layers));
  }
  run.simulated_ns = (sc_core::sc_time_stamp() - start).to_seconds() * 1e9;
  return run;
}

}  // namespace proact
