// proact config: an accelerator configuration (a preset, or a JSON file with --format applied) as
// the validated JSON that `simulate --config` and `campaign --config` read, every field spelled
// out: the starting point for a config of one's own.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"

namespace proact {

void add_config_command(CLI::App& app) {
  auto o = std::make_shared<AcceleratorOptions>();
  CLI::App* c = app.add_subcommand("config", "Print an accelerator configuration (a preset or a file) as JSON");
  o->add_to(*c);
  c->callback([o] { std::cout << config_to_json(o->config()).dump(2) << '\n'; });
}

}  // namespace proact
