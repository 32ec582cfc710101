// Data loading (IDX, Fashion-MNIST, subsets, validation splits) and the checkpoint archive.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "models/io/archive.hpp"
#include "models/random.hpp"
#include "sw/data/dataset.hpp"
#include "sw/data/idx.hpp"
#include "testbenches/file_helpers.hpp"

using Catch::Matchers::Contains;
using namespace proact;
using proact::testing::Bytes;
using proact::testing::random_bytes;
using proact::testing::TempDir;
using proact::testing::write_plain;

namespace {

// IDX bytes: magic (0, 0, type, rank), big-endian dims, then `values`.
Bytes idx_bytes(unsigned char type, const std::vector<std::uint32_t>& dims, const Bytes& values) {
  Bytes out = {0, 0, type, static_cast<unsigned char>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(d >> shift));
  }
  out.insert(out.end(), values.begin(), values.end());
  return out;
}

void write_gzip(const std::string& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

Bytes read_plain(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// Dataset of n images (n, 1, 2, 2) whose pixels all equal the sample's index; label = index % 3.
Dataset indexed_dataset(int n) {
  Tensor images({n, 1, 2, 2});
  std::vector<int> labels;
  for (int i = 0; i < n; ++i) {
    for (int p = 0; p < 4; ++p) images[static_cast<std::size_t>(4 * i + p)] = static_cast<float>(i);
    labels.push_back(i % 3);
  }
  return make_dataset("indexed", std::move(images), std::move(labels), 3);
}

// The original indices of a dataset built by indexed_dataset, in its order.
std::vector<std::size_t> original_indices(const Dataset& data) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < data.size(); ++i) out.push_back(static_cast<std::size_t>(data.images[4 * i]));
  return out;
}

std::uint32_t bits_of(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// A checkpoint file with the given header text and data, framed with a correct CRC.
Bytes archive_frame(const std::string& header, const Bytes& data, std::uint32_t version = 1) {
  Bytes out = {'P', 'R', 'O', 'A', 'C', 'T', 'C', 'K'};
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<unsigned char>(version >> (8 * i)));
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<unsigned char>(std::uint64_t{header.size()} >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  const auto crc = static_cast<std::uint32_t>(crc32_z(0, out.data(), out.size()));
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<unsigned char>(crc >> (8 * i)));
  return out;
}

}  // namespace

TEST_CASE("read_idx reads plain and gzip IDX files", "[data][idx]") {
  TempDir dir;
  const Bytes images = random_bytes(2 * 3 * 4, 1);
  const Bytes bytes = idx_bytes(0x08, {2, 3, 4}, images);

  SECTION("plain") {
    write_plain(dir.file("images-idx3-ubyte"), bytes);
    const IdxArray array = read_idx(dir.file("images-idx3-ubyte"));
    CHECK(array.dims == std::vector<int>{2, 3, 4});
    CHECK(array.values == images);
  }
  SECTION("gzip") {
    write_gzip(dir.file("images-idx3-ubyte.gz"), bytes);
    const IdxArray array = read_idx(dir.file("images-idx3-ubyte.gz"));
    CHECK(array.dims == std::vector<int>{2, 3, 4});
    CHECK(array.values == images);
  }
  SECTION("rank 1 and empty") {
    write_gzip(dir.file("labels.gz"), idx_bytes(0x08, {5}, {9, 8, 7, 6, 5}));
    CHECK(read_idx(dir.file("labels.gz")).values == Bytes{9, 8, 7, 6, 5});
    write_plain(dir.file("empty"), idx_bytes(0x08, {0, 28}, {}));
    const IdxArray empty = read_idx(dir.file("empty"));
    CHECK(empty.dims == std::vector<int>{0, 28});
    CHECK(empty.values.empty());
  }
}

TEST_CASE("read_idx errors name the file and the problem", "[data][idx]") {
  TempDir dir;
  const Bytes good = idx_bytes(0x08, {10, 10}, random_bytes(100, 2));

  SECTION("missing file") {
    const std::string path = dir.file("train-images-idx3-ubyte.gz");
    CHECK_THROWS_WITH(read_idx(path), Contains(path) && Contains("cannot open (No such file or directory)"));
  }
  SECTION("bad magic") {
    Bytes bytes = good;
    bytes[0] = 0x1f;
    write_plain(dir.file("bad-magic"), bytes);
    CHECK_THROWS_WITH(read_idx(dir.file("bad-magic")),
                      Contains("bad-magic") && Contains("not an IDX file (magic 0x1f000802)"));
    bytes = idx_bytes(0x08, {1, 1, 1, 1, 1}, {0});
    write_plain(dir.file("rank5"), bytes);
    CHECK_THROWS_WITH(read_idx(dir.file("rank5")), Contains("rank5") && Contains("not an IDX file"));
  }
  SECTION("wrong element type") {
    write_plain(dir.file("floats"), idx_bytes(0x0d, {2}, Bytes(8)));
    CHECK_THROWS_WITH(read_idx(dir.file("floats")),
                      Contains("floats") && Contains("unsupported IDX element type 0x0d (only unsigned byte 0x08)"));
  }
  SECTION("truncated plain file") {
    write_plain(dir.file("short"), Bytes(good.begin(), good.end() - 30));
    CHECK_THROWS_WITH(read_idx(dir.file("short")),
                      Contains("short") && Contains("truncated: expected 100 data bytes, got 70"));
    write_plain(dir.file("header-only"), Bytes(good.begin(), good.begin() + 6));
    CHECK_THROWS_WITH(read_idx(dir.file("header-only")), Contains("header-only") && Contains("truncated"));
  }
  SECTION("truncated gzip stream") {
    const Bytes big = idx_bytes(0x08, {100, 100}, random_bytes(10000, 3));
    write_gzip(dir.file("full.gz"), big);
    const Bytes compressed = read_plain(dir.file("full.gz"));
    write_plain(dir.file("cut.gz"), Bytes(compressed.begin(), compressed.begin() + 5000));
    CHECK_THROWS_WITH(read_idx(dir.file("cut.gz")),
                      Contains("cut.gz") && Contains("truncated: expected 10000 data bytes, got"));
    write_plain(dir.file("no-trailer.gz"), Bytes(compressed.begin(), compressed.end() - 4));
    CHECK_THROWS_WITH(read_idx(dir.file("no-trailer.gz")), Contains("no-trailer.gz") && Contains("truncated"));
  }
  SECTION("trailing data") {
    Bytes bytes = good;
    bytes.push_back(0);
    write_plain(dir.file("long"), bytes);
    CHECK_THROWS_WITH(read_idx(dir.file("long")), Contains("long") && Contains("trailing data after 112 bytes"));
    write_gzip(dir.file("long.gz"), bytes);
    CHECK_THROWS_WITH(read_idx(dir.file("long.gz")), Contains("long.gz") && Contains("trailing data after 112 bytes"));
  }
  SECTION("corrupt gzip stream") {
    write_gzip(dir.file("good.gz"), idx_bytes(0x08, {100, 100}, random_bytes(10000, 4)));
    Bytes compressed = read_plain(dir.file("good.gz"));
    compressed[compressed.size() / 2] ^= 0x40;
    write_plain(dir.file("corrupt.gz"), compressed);
    CHECK_THROWS_WITH(read_idx(dir.file("corrupt.gz")), Contains("corrupt.gz") && Contains("corrupt gzip stream"));
  }
}

TEST_CASE("load_fashion_mnist pairs and checks the image and label files", "[data][fashion]") {
  TempDir dir;
  const Bytes pixels = random_bytes(3 * 28 * 28, 5);

  SECTION("small synthetic split") {
    write_plain(dir.file("t10k-images-idx3-ubyte"), idx_bytes(0x08, {3, 28, 28}, pixels));
    write_gzip(dir.file("t10k-labels-idx1-ubyte.gz"), idx_bytes(0x08, {3}, {9, 0, 4}));
    const Dataset data = load_fashion_mnist(dir.file(""), Split::test);
    CHECK(data.name == "fashion-mnist/test");
    CHECK(data.size() == 3);
    CHECK(data.num_classes == 10);
    CHECK(data.images.shape() == Shape{3, 1, 28, 28});
    CHECK(data.labels == std::vector<int>{9, 0, 4});
    for (std::size_t i = 0; i < pixels.size(); ++i) REQUIRE(data.images[i] == static_cast<float>(pixels[i]) / 255.0f);
  }
  SECTION("missing file suggests how to install the data") {
    write_plain(dir.file("train-images-idx3-ubyte"), idx_bytes(0x08, {3, 28, 28}, pixels));
    CHECK_THROWS_WITH(load_fashion_mnist(dir.file(""), Split::train),
                      Contains("train-labels-idx1-ubyte") && Contains("apt-get install dataset-fashion-mnist") &&
                          Contains("PROACT_DATA_DIR"));
  }
  SECTION("counts differ") {
    write_plain(dir.file("train-images-idx3-ubyte"), idx_bytes(0x08, {3, 28, 28}, pixels));
    write_plain(dir.file("train-labels-idx1-ubyte"), idx_bytes(0x08, {2}, {1, 2}));
    CHECK_THROWS_WITH(load_fashion_mnist(dir.file(""), Split::train),
                      Contains("3 images") && Contains("2 labels"));
  }
  SECTION("images not 28x28") {
    write_plain(dir.file("train-images-idx3-ubyte"), idx_bytes(0x08, {3, 28, 27}, Bytes(3 * 28 * 27)));
    write_plain(dir.file("train-labels-idx1-ubyte"), idx_bytes(0x08, {3}, {1, 2, 3}));
    CHECK_THROWS_WITH(load_fashion_mnist(dir.file(""), Split::train),
                      Contains("train-images-idx3-ubyte") && Contains("(3, 28, 27)"));
  }
  SECTION("label out of range") {
    write_plain(dir.file("train-images-idx3-ubyte"), idx_bytes(0x08, {3, 28, 28}, pixels));
    write_plain(dir.file("train-labels-idx1-ubyte"), idx_bytes(0x08, {3}, {1, 10, 3}));
    CHECK_THROWS_WITH(load_fashion_mnist(dir.file(""), Split::train),
                      Contains("train-labels-idx1-ubyte") && Contains("label 10 at index 1"));
  }
}

TEST_CASE("load_fashion_mnist reads the installed data set", "[data][fashion]") {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir)) {
    WARN("skipped: " << dir << " is not installed");
    return;
  }
  const auto check = [](const Dataset& data, int n) {
    CHECK(data.size() == static_cast<std::size_t>(n));
    CHECK(data.images.shape() == Shape{n, 1, 28, 28});
    std::vector<int> per_class(10);
    for (int label : data.labels) {
      REQUIRE((label >= 0 && label < 10));
      ++per_class[static_cast<std::size_t>(label)];
    }
    CHECK(per_class == std::vector<int>(10, n / 10));  // Fashion-MNIST is balanced
    const auto [lo, hi] = std::minmax_element(data.images.values().begin(), data.images.values().end());
    CHECK(*lo == 0.0f);
    CHECK(*hi == 1.0f);
  };
  SECTION("train") { check(load_fashion_mnist(dir, Split::train), 60000); }
  SECTION("test") { check(load_fashion_mnist(dir, Split::test), 10000); }
}

TEST_CASE("default_data_dir honours PROACT_DATA_DIR", "[data]") {
  const char* saved = std::getenv("PROACT_DATA_DIR");
  const std::string previous = saved ? saved : "";
  ::unsetenv("PROACT_DATA_DIR");
  CHECK(default_data_dir() == "/usr/share/datasets/fashion-mnist");
  ::setenv("PROACT_DATA_DIR", "/tmp/somewhere", 1);
  CHECK(default_data_dir() == "/tmp/somewhere");
  if (saved) {
    ::setenv("PROACT_DATA_DIR", previous.c_str(), 1);
  } else {
    ::unsetenv("PROACT_DATA_DIR");
  }
}

TEST_CASE("make_dataset, subset and head", "[data]") {
  const Dataset data = indexed_dataset(10);

  SECTION("make_dataset validates shapes and labels") {
    CHECK_THROWS_WITH(make_dataset("bad", Tensor({3, 1, 2, 2}), {0, 1}, 3), Contains("bad") && Contains("2 labels"));
    CHECK_THROWS_WITH(make_dataset("bad", Tensor({2, 4}), {0, 1}, 3), Contains("(2, 4)"));
    CHECK_THROWS_WITH(make_dataset("bad", Tensor({2, 1, 2, 2}), {0, 3}, 3), Contains("label 3 at index 1"));
    CHECK_THROWS_WITH(make_dataset("bad", Tensor({2, 1, 2, 2}), {0, -1}, 3), Contains("label -1 at index 1"));
  }
  SECTION("subset copies images and labels in index order") {
    const Dataset part = subset(data, {7, 2, 7}, "part");
    CHECK(part.name == "part");
    CHECK(part.images.shape() == Shape{3, 1, 2, 2});
    CHECK(original_indices(part) == std::vector<std::size_t>{7, 2, 7});
    CHECK(part.labels == std::vector<int>{1, 2, 1});
    CHECK(part.num_classes == 3);
    CHECK_THROWS_WITH(subset(data, {10}, "oops"), Contains("index 10"));
  }
  SECTION("head") {
    const Dataset first = head(data, 4);
    CHECK(first.name == "indexed[:4]");
    CHECK(original_indices(first) == std::vector<std::size_t>{0, 1, 2, 3});
    CHECK(head(data, 100).size() == 10);
  }
}

TEST_CASE("split_validation is seeded, disjoint and covering", "[data]") {
  const Dataset data = indexed_dataset(50);
  const TrainValidation a = split_validation(data, 12, 7);

  CHECK(a.train.name == "indexed/train");
  CHECK(a.validation.name == "indexed/validation");
  CHECK(a.train.size() == 38);
  CHECK(a.validation.size() == 12);
  const std::vector<std::size_t> train = original_indices(a.train);
  const std::vector<std::size_t> validation = original_indices(a.validation);
  CHECK(std::is_sorted(train.begin(), train.end()));
  std::set<std::size_t> all(train.begin(), train.end());
  all.insert(validation.begin(), validation.end());
  CHECK(all.size() == 50);  // disjoint and covering: 38 + 12 distinct indices of 50

  const TrainValidation again = split_validation(data, 12, 7);
  CHECK(original_indices(again.validation) == validation);
  CHECK(original_indices(again.train) == train);
  CHECK(original_indices(split_validation(data, 12, 8).validation) != validation);

  CHECK(split_validation(data, 0, 7).train.size() == 50);
  CHECK(split_validation(data, 50, 7).validation.size() == 50);
  CHECK_THROWS_WITH(split_validation(data, 51, 7), Contains("51") && Contains("indexed"));
}

TEST_CASE("checkpoint archives round-trip and reject damaged files", "[archive]") {
  TempDir dir;
  const std::string path = dir.file("model.ckpt");
  Archive archive;
  archive.metadata = {{"network", "lenet5"}, {"epochs", 3}, {"accuracy", 0.9125}, {"tags", {"a", "b"}}};
  archive.tensors.emplace_back("conv1.weight", Tensor({2, 1, 3, 3}));
  archive.tensors.emplace_back("special", Tensor({6}, std::vector<float>{-0.0f, std::numeric_limits<float>::infinity(),
                                                                         std::numeric_limits<float>::quiet_NaN(),
                                                                         std::numeric_limits<float>::denorm_min(),
                                                                         -1.5f, 3.0e38f}));
  archive.tensors.emplace_back("empty", Tensor({0, 4}));
  archive.tensors.emplace_back("scalar", Tensor(Shape{}, std::vector<float>{42.0f}));
  std::vector<float>& weights = archive.tensors[0].second.values();
  Rng rng(10);
  for (float& w : weights) w = rng.normal();
  write_archive(path, archive);
  const Bytes good = read_plain(path);

  SECTION("round trip is bit-exact and leaves no temporary file") {
    const Archive back = read_archive(path);
    CHECK(back.metadata == archive.metadata);
    REQUIRE(back.tensors.size() == archive.tensors.size());
    for (std::size_t t = 0; t < archive.tensors.size(); ++t) {
      CHECK(back.tensors[t].first == archive.tensors[t].first);
      CHECK(back.tensors[t].second.shape() == archive.tensors[t].second.shape());
      const auto& expected = archive.tensors[t].second.values();
      const auto& got = back.tensors[t].second.values();
      REQUIRE(got.size() == expected.size());
      for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(bits_of(got[i]) == bits_of(expected[i]));
    }
    CHECK(back.tensor("scalar")[0] == 42.0f);
    CHECK_THROWS_WITH(back.tensor("fc9.bias"), Contains("fc9.bias") && Contains("conv1.weight"));
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    CHECK(dir.entries() == 1);
  }
  SECTION("overwrite replaces the file; null metadata is written as an object") {
    write_archive(path, Archive{});
    const Archive back = read_archive(path);
    CHECK(back.metadata == nlohmann::json::object());
    CHECK(back.tensors.empty());
    CHECK(dir.entries() == 1);
  }
  SECTION("missing folders are created") {
    write_archive(dir.file("new/folder/model.ckpt"), archive);
    CHECK(read_archive(dir.file("new/folder/model.ckpt")).metadata == archive.metadata);
  }
  SECTION("failed writes leave nothing behind") {
    const std::string under_a_file = path + "/model.ckpt";
    CHECK_THROWS_WITH(write_archive(under_a_file, archive), Contains(under_a_file) && Contains("cannot create the folder"));
    Archive duplicate = archive;
    duplicate.tensors.push_back(archive.tensors[0]);
    CHECK_THROWS_WITH(write_archive(dir.file("dup.ckpt"), duplicate), Contains("duplicate tensor name 'conv1.weight'"));
    Archive bad_metadata;
    bad_metadata.metadata = 3;
    CHECK_THROWS_WITH(write_archive(dir.file("meta.ckpt"), bad_metadata), Contains("metadata must be a JSON object"));
    CHECK(dir.entries() == 1);
  }
  SECTION("a flipped data byte fails the checksum") {
    Bytes bytes = good;
    bytes[bytes.size() - 10] ^= 0x01;
    write_plain(path, bytes);
    CHECK_THROWS_WITH(read_archive(path), Contains(path) && Contains("checksum mismatch (file corrupted)"));
    bytes = good;
    bytes.back() ^= 0x80;  // the stored CRC itself
    write_plain(path, bytes);
    CHECK_THROWS_WITH(read_archive(path), Contains("checksum mismatch"));
  }
  SECTION("truncated files") {
    for (std::size_t keep : {good.size() - 1, good.size() - 4, good.size() - 40, std::size_t{100}, std::size_t{21},
                             std::size_t{0}}) {
      write_plain(path, Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(keep)));
      CHECK_THROWS_WITH(read_archive(path), Contains(path) && Contains("truncated"));
    }
  }
  SECTION("bad magic and unsupported version") {
    Bytes bytes = good;
    bytes[0] = 'X';
    write_plain(path, bytes);
    CHECK_THROWS_WITH(read_archive(path), Contains(path) && Contains("not a checkpoint"));
    write_plain(path, Bytes{'{', '}'});
    CHECK_THROWS_WITH(read_archive(path), Contains("not a checkpoint"));
    bytes = good;
    bytes[8] = 2;
    write_plain(path, bytes);
    CHECK_THROWS_WITH(read_archive(path),
                      Contains(path) && Contains("unsupported checkpoint format version 2 (this build reads 1)"));
  }
  SECTION("missing file") {
    CHECK_THROWS_WITH(read_archive(dir.file("none.ckpt")), Contains("none.ckpt") && Contains("cannot open"));
  }
  SECTION("malformed headers with a valid checksum") {
    const Bytes eight(8);  // two zero floats
    const auto header = [](const std::string& tensors) { return R"({"metadata": {}, "tensors": [)" + tensors + "]}"; };
    const auto entry = [](const std::string& shape, const std::string& offset, const std::string& count) {
      return R"({"name": "w", "shape": )" + shape + R"(, "offset": )" + offset + R"(, "count": )" + count + "}";
    };
    write_plain(path, archive_frame(R"({"metadata": {}, "tensors": [)", eight));
    CHECK_THROWS_WITH(read_archive(path), Contains(path) && Contains("malformed header JSON"));
    write_plain(path, archive_frame(header(entry("[3]", "0", "2")), eight));
    CHECK_THROWS_WITH(read_archive(path), Contains("malformed header JSON") && Contains("'w'"));
    write_plain(path, archive_frame(header(entry("[2]", "-4", "2")), eight));
    CHECK_THROWS_WITH(read_archive(path), Contains("malformed header JSON") && Contains("\"offset\""));
    write_plain(path, archive_frame(header(entry("[2]", "4", "2")), eight));
    CHECK_THROWS_WITH(read_archive(path), Contains(path) && Contains("tensor 'w' data out of bounds"));
    write_plain(path, archive_frame(header(entry("[1]", "0", "1") + ", " + entry("[1]", "4", "1")), eight));
    CHECK_THROWS_WITH(read_archive(path), Contains(path) && Contains("duplicate tensor name 'w'"));
    write_plain(path, archive_frame(header(entry("[2]", "0", "2")), eight));
    CHECK(read_archive(path).tensor("w").values() == std::vector<float>{0.0f, 0.0f});
  }
}
