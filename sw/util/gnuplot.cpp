#include "sw/util/gnuplot.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace proact {

namespace {

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string gnuplot_string(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void run_gnuplot(const std::string& dir, const std::string& script) {
  const std::string path = (std::filesystem::path(dir) / script).string();
  const std::string command = "cd " + shell_quoted(dir) + " && gnuplot " + shell_quoted(script) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start gnuplot for " + path);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  if (pclose(pipe) != 0) {
    throw std::runtime_error("gnuplot failed on " + path + " (install gnuplot-nox, or run the script by hand)" +
                             (output.empty() ? "" : ": " + output));
  }
}

}  // namespace proact
