// Every writer on a full disk: `proact` run under a file-size limit (ulimit -f, write(2) failing
// with EFBIG) ends with one line naming the file it could not write, leaves the previous file as
// it was and no temporary file behind; a campaign stopped that way resumes to the numbers of a
// run that never failed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "testbenches/cli_runner.hpp"
#include "testbenches/file_helpers.hpp"

using Catch::Matchers::Contains;
using proact::testing::fresh_dir;
using proact::testing::read_text;
using proact::testing::run_cli;

namespace {

namespace fs = std::filesystem;

// `proact ARGUMENTS` with files limited to one 512-byte block; stdout and stderr together.
proact::testing::Run run_cli_on_full_disk(const std::string& arguments) {
  return proact::testing::run_shell("ulimit -f 1 && exec " + proact::testing::cli_path() + " " + arguments + " 2>&1");
}

// Files in `dir` whose names start with `name` + ".tmp" (a writer's temporary file left behind).
int temporaries(const fs::path& dir, const std::string& name) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    count += entry.path().filename().string().rfind(name + ".tmp", 0) == 0;
  return count;
}

}  // namespace

TEST_CASE("on a full disk every writer fails naming its file and keeps the previous one", "[cli][disk]") {
  const fs::path dir = fresh_dir("disk_full");
  fs::create_directories(dir);
  struct Writer {
    std::string what, file, arguments;  // arguments end with the output path
  };
  const Writer writer = GENERATE(
      Writer{"threshold file", "thr.json", "thresholds --model lenet5 --method ranger --calib 64 --validation-limit 64 --out "},
      Writer{"checkpoint", "model.ckpt", "train --model lenet5 --epochs 1 --limit 300 --validation 100 --test-limit 100 --out "},
      Writer{"ONNX export", "model.onnx", "export --model lenet5 --out "},
      Writer{"trace", "run.trace.gz", "trace record --model lenet5 --images 2 --out "},
      Writer{"roofline plot data", "roof.png", "simulate --model lenet5 --engine functional --limit 64 --roofline "});
  INFO(writer.what);
  const fs::path file = dir / writer.file;
  { std::ofstream(file) << "previous\n"; }
  const auto run = run_cli_on_full_disk(writer.arguments + file.string());
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.output, Contains("proact: error: " + dir.string()) && Contains("File too large"));
  CHECK(read_text(file) == "previous\n");
  CHECK(temporaries(dir, writer.file) == 0);
}

TEST_CASE("a campaign stopped by a full disk says so, and resumes to a clean run's results", "[cli][disk][campaign]") {
  const fs::path clean = fresh_dir("disk_full_clean"), stopped = fresh_dir("disk_full_stopped");
  const std::string args = "campaign --model lenet5 --limit 64 --seed 5 --fault-model proact-paper --rates 1e-6,1e-5 --out ";
  REQUIRE(run_cli(args + clean.string() + " --maps 6").exit_code == 0);
  REQUIRE(run_cli(args + stopped.string() + " --maps 3").exit_code == 0);
  const std::string results = read_text(stopped / "results.csv");
  const auto full = run_cli_on_full_disk(args + stopped.string() + " --maps 6 --resume");
  INFO(full.output);
  CHECK(full.exit_code == 1);
  CHECK_THAT(full.output, Contains("proact: error: ") && Contains(stopped.string()) && Contains("File too large"));
  CHECK(read_text(stopped / "results.csv") == results);
  REQUIRE(run_cli(args + stopped.string() + " --maps 6 --resume").exit_code == 0);
  CHECK(read_text(stopped / "results.csv") == read_text(clean / "results.csv"));
}
