// proact registers: the accelerator's register map (hw/interface/register_map.hpp) as a text table, as the
// markdown of docs/registers.md (--markdown) or as one JSON object (--json).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "hw/interface/register_map.hpp"
#include "sw/cli/commands.hpp"

namespace proact {

namespace {

struct RegistersOptions {
  bool markdown = false;
  bool json = false;
};

void print_table() {
  std::printf("%-24s %-8s %-6s %-10s %s\n", "register", "offset", "access", "reset", "meaning");
  for (const RegisterInfo& r : kRegisters)
    std::printf("%-24s 0x%05X  %-6s 0x%08X %s\n", std::string(r.name).c_str(), r.offset,
                std::string(access_name(r.access)).c_str(), r.reset, std::string(r.meaning).c_str());
  for (const RegisterWindow& w : kRegisterWindows)
    std::printf("%-24s 0x%05X  %-6s 0x%08X %s (%u words)\n", (std::string(w.name) + "[i]").c_str(), w.base,
                std::string(access_name(w.access)).c_str(), w.reset, std::string(w.meaning).c_str(), w.words);
}

void run_registers(const RegistersOptions& o) {
  if (o.markdown)
    std::cout << register_map_markdown();
  else if (o.json)
    std::cout << register_map_json() << std::endl;
  else
    print_table();
}

}  // namespace

void add_registers_command(CLI::App& app) {
  auto o = std::make_shared<RegistersOptions>();
  CLI::App* c = app.add_subcommand("registers", "Print the accelerator's register map");
  CLI::Option* markdown = c->add_flag("--markdown", o->markdown, "Print docs/registers.md (markdown tables)");
  c->add_flag("--json", o->json, "Print one JSON object on stdout")->excludes(markdown);
  c->callback([o] { run_registers(*o); });
}

}  // namespace proact
