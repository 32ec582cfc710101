#pragma once
// gnuplot from generated scripts: quoting for the script, and running it where its data lies.
#include <string>

namespace proact {

// `text` as a single-quoted gnuplot string.
std::string gnuplot_string(const std::string& text);

// Runs `gnuplot SCRIPT` in directory `dir` (the script names its data and output files relative
// to it). Throws std::runtime_error naming dir/SCRIPT, with gnuplot's output, when gnuplot is
// missing or fails.
void run_gnuplot(const std::string& dir, const std::string& script);

}  // namespace proact
