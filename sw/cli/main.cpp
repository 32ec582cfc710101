// proact: the command-line tool. `proact --help` lists the subcommands. Entered through sc_main
// (hw/systemc_main.cpp owns main) so the SystemC engine can run in-process.
#include <malloc.h>

#include <csignal>

#include <exception>
#include <systemc>
#include <iostream>

#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"

int sc_main(int argc, char* argv[]) {
  // Layers allocate large per-batch buffers; keep freed ones in the heap for reuse instead of
  // returning them to the kernel (mmap/munmap and page zeroing cost a third of training time).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // Past a file-size limit (ulimit -f) write(2) then fails with EFBIG, which every writer reports
  // naming its file (and leaves the previous file intact), instead of SIGXFSZ ending the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"proact: systolic-array DNN accelerator model, ProAct clipping and memory-fault campaigns"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("proact ") + proact::kVersion);
  proact::add_train_command(app);
  proact::add_eval_command(app);
  proact::add_zoo_command(app);
  proact::add_cycles_command(app);
  proact::add_registers_command(app);
  proact::add_energy_command(app);
  proact::add_simulate_command(app);
  proact::add_thresholds_command(app);
  proact::add_campaign_command(app);
  proact::add_explore_command(app);
  proact::add_config_command(app);
  proact::add_export_command(app);
  proact::add_predict_command(app);
  proact::add_trace_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::cerr << "proact: error: " << e.what() << " (see proact --help)\n";
    return e.get_exit_code();
  } catch (const std::exception& e) {
    std::cerr << "proact: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
