// proact energy: the energy table (hw/energy/energy_table.hpp) with every number's source, as a
// text table, as the markdown of docs/energy.md (--markdown) or as its JSON file to copy and edit
// (--json); and what each action costs on one design point (--preset/--config, --weight-sram-volts).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/io/json_file.hpp"
#include "sw/cli/commands.hpp"
#include "sw/cli/common.hpp"

namespace proact {

namespace {

struct EnergyCommandOptions {
  AcceleratorOptions accelerator;
  EnergyOptions energy;
  bool markdown = false;
  bool json = false;
};

struct TableRow {
  std::string item, value, source;
};

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::vector<TableRow> table_rows(const EnergyTable& t) {
  std::vector<TableRow> rows;
  for (const auto& [format, value] : t.mac_pj) rows.push_back({"MAC, " + format_name(format) + " weights", number(value.value) + " pJ", value.source});
  for (const auto& [format, value] : t.mac_um2) rows.push_back({"MAC area, " + format_name(format) + " weights", number(value.value) + " um^2", value.source});
  std::string points;
  for (const SramAccessPoint& p : t.sram_access) points += (points.empty() ? "" : ", ") + number(p.pj) + " pJ @ " + number(p.kib) + " KiB";
  rows.push_back({"SRAM access, 64 bits", points, t.sram_access_source});
  const auto add = [&](const std::string& item, const PricedValue& v, const std::string& unit) {
    rows.push_back({item, number(v.value) + " " + unit, v.source});
  };
  add("register read", t.register_read_pj_per_bit, "pJ/bit");
  add("register area", t.register_um2_per_bit, "um^2/bit");
  add("clip comparator", t.comparator_pj, "pJ");
  add("ECC gate (XOR/AND)", t.xor_gate_pj, "pJ");
  add("DRAM", t.dram_pj_per_bit, "pJ/bit");
  add("SRAM cell area", t.sram_um2_per_bit, "um^2/bit");
  add("SRAM leakage at nominal", t.sram_leakage_nw_per_bit, "nW/bit");
  add("leakage voltage exponent k", t.leakage_volts_exponent, "1/V");
  return rows;
}

void print_markdown(const EnergyTable& t) {
  std::printf("Table \"%s\", prices at %g V.\n\n| item | value | source |\n|---|---|---|\n", t.name.c_str(), t.nominal_volts);
  for (const TableRow& r : table_rows(t)) std::printf("| %s | %s | %s |\n", r.item.c_str(), r.value.c_str(), r.source.c_str());
}

void print_prices(const AcceleratorConfig& c, const EnergyModel& m) {
  const EnergyPrices& p = m.prices();
  std::printf("\non a %dx%d array, %s weights in %d-bit words, ECC %s, %llu KiB weight SRAM at %.2f V, %llu KiB activation "
              "banks, %u threshold-table words, %.0f MHz:\n",
              c.array_rows, c.array_cols, format_name(c.weight_format).c_str(), c.sram_word_bits,
              ecc_scheme_name(c.weight_sram_ecc).c_str(), static_cast<unsigned long long>(c.weight_sram_bytes / 1024),
              m.weight_sram_volts(), static_cast<unsigned long long>(c.act_sram_bytes / 1024), c.threshold_table_words,
              c.clock_mhz);
  const std::vector<std::pair<std::string, double>> prices = {
      {"MAC", p.mac}, {"weight SRAM word access", p.weight_word}, {"ECC encode per weight word", p.ecc_encode_word},
      {"ECC decode per weight word", p.ecc_decode_word}, {"activation SRAM word access", p.act_word},
      {"CLIP_THRESHOLD register read", p.register_threshold}, {"THRESHOLD_TABLE word read", p.table_threshold},
      {"clip comparison", p.compare}, {"DRAM word", p.dram_word}, {"leakage per cycle", p.leakage_per_cycle}};
  for (const auto& [name, pj] : prices) std::printf("  %-30s %10.4f pJ\n", name.c_str(), pj);
  const AreaBreakdown& a = m.area();
  std::printf("  area %.2f mm^2: weight SRAM %.2f, activation SRAM %.2f, thresholds %.2f, PE array %.2f\n", a.total(),
              a.weight_sram, a.act_sram, a.thresholds, a.pe_array);
}

void run_energy(const EnergyCommandOptions& o) {
  const EnergyTable table = o.energy.table();
  if (o.json) {
    std::cout << (o.energy.table_file.empty() ? builtin_energy_table_json()
                                              : parse_json_file(o.energy.table_file, "energy table",
                                                                [](const nlohmann::json& j) { return j.dump(2) + "\n"; }));
    return;
  }
  if (o.markdown) {
    print_markdown(table);
    return;
  }
  std::printf("energy table \"%s\", prices at %g V\n", table.name.c_str(), table.nominal_volts);
  for (const TableRow& r : table_rows(table)) std::printf("  %-32s %-44s %s\n", r.item.c_str(), r.value.c_str(), r.source.c_str());
  const AcceleratorConfig config = o.accelerator.config();
  print_prices(config, EnergyModel(table, config, o.energy.volts(table)));
}

}  // namespace

void add_energy_command(CLI::App& app) {
  auto o = std::make_shared<EnergyCommandOptions>();
  CLI::App* c = app.add_subcommand("energy", "Print the energy table with its sources, and the prices on a design point");
  o->accelerator.add_to(*c);
  o->energy.add_to(*c);
  CLI::Option* markdown = c->add_flag("--markdown", o->markdown, "Print the table as docs/energy.md shows it");
  c->add_flag("--json", o->json, "Print the table's JSON file (to copy, edit and pass as --energy-table)")->excludes(markdown);
  c->callback([o] { run_energy(*o); });
}

}  // namespace proact
