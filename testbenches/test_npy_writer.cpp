// The .npy writer: the bytes numpy.save writes for a float32 array, read back by read_npy.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "sw/data/npy.hpp"
#include "sw/data/npy_writer.hpp"
#include "testbenches/file_helpers.hpp"

using namespace proact;
using proact::testing::TempDir;

TEST_CASE("write_npy writes what numpy.save writes for a float32 array", "[data][npy]") {
  // The header numpy 1.24 writes for np.save(f, np.zeros((3, 10), '<f4')), spare spaces included.
  const std::string expected = std::string("\x93NUMPY\x01\x00v\x00", 10) +
                               "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 10), }" + std::string(57, ' ') +
                               "\n";
  Tensor logits({3, 10});
  for (std::size_t i = 0; i < logits.size(); ++i) logits[i] = 1.0f - static_cast<float>(i) * 0.375f;
  const std::vector<std::uint8_t> bytes = npy_bytes(logits);
  REQUIRE(bytes.size() == 128 + 4 * 30);
  CHECK(std::string(bytes.begin(), bytes.begin() + 128) == expected);
  CHECK(std::vector<std::uint8_t>(bytes.begin() + 128, bytes.begin() + 132) ==
        std::vector<std::uint8_t>{0x00, 0x00, 0x80, 0x3F});  // 1.0f = 0x3F800000, little-endian

  TempDir dir;
  write_npy(dir.file("logits.npy"), logits);
  const NpyArray read = read_npy(dir.file("logits.npy"));
  CHECK(read.descr == "<f4");
  CHECK(read.shape == std::vector<std::size_t>{3, 10});
  CHECK(read.floats() == logits.values());
  // numpy.save's header sizes: 128 bytes for these, 192 where the header without padding would
  // end exactly on 64 bytes (numpy then pads by a whole 64); rank 0 and 1 too.
  const std::vector<std::pair<Shape, std::size_t>> headers = {
      {{5}, 128}, {{}, 128}, {{2, 3, 4, 5}, 128}, {{1000, 10}, 128}, {{0, 10, 10, 10, 10, 10, 10, 10, 10, 1, 1, 1}, 192}};
  for (const auto& [shape, header] : headers) {
    INFO(shape_string(shape));
    const Tensor array(shape, 2.5f);
    CHECK(npy_bytes(array).size() == header + 4 * array.size());
    write_npy(dir.file("a.npy"), array);
    const NpyArray a = read_npy(dir.file("a.npy"));
    CHECK(a.shape == std::vector<std::size_t>(shape.begin(), shape.end()));
    CHECK(a.floats() == array.values());
  }
}
