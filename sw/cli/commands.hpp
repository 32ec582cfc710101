#pragma once
// The `proact` subcommands. Each add_* registers one subcommand with its options and handler;
// handlers throw on error and main() turns the exception into one line and exit code 1.
#include <CLI/CLI.hpp>

namespace proact {

void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_zoo_command(CLI::App& app);
void add_cycles_command(CLI::App& app);
void add_registers_command(CLI::App& app);
void add_energy_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_thresholds_command(CLI::App& app);
void add_campaign_command(CLI::App& app);
void add_explore_command(CLI::App& app);
void add_config_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_trace_command(CLI::App& app);

}  // namespace proact
