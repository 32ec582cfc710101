// Real data set formats and --data: CIFAR-10 and CIFAR-100 binary files, NumPy .npy files, the
// data spec, normalisation and the check that data fits a model. Every test writes its own small
// files in the real formats; nothing is downloaded.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/net/architectures.hpp"
#include "sw/data/cifar.hpp"
#include "sw/data/data_spec.hpp"
#include "sw/data/npy.hpp"
#include "testbenches/cli_runner.hpp"
#include "testbenches/file_helpers.hpp"

using Catch::Matchers::Contains;
using namespace proact;
using proact::testing::Bytes;
using proact::testing::random_bytes;
using proact::testing::TempDir;
using proact::testing::write_plain;

namespace {

constexpr std::size_t kCifarPixels = 3 * 32 * 32;

// CIFAR records: the label bytes of each record, then its 3072 pixels from `pixels` (in order).
Bytes cifar_records(const std::vector<Bytes>& labels, const Bytes& pixels) {
  Bytes out;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    out.insert(out.end(), labels[r].begin(), labels[r].end());
    out.insert(out.end(), pixels.begin() + static_cast<std::ptrdiff_t>(r * kCifarPixels),
               pixels.begin() + static_cast<std::ptrdiff_t>((r + 1) * kCifarPixels));
  }
  return out;
}

// A .npy file as numpy.save writes it: magic, version, header length, the header dict padded
// with spaces to a multiple of 64 bytes and ended by '\n', then `data`.
Bytes npy_bytes(const std::string& descr, const std::string& shape, const Bytes& data, int major = 1,
                const std::string& fortran = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  const std::size_t preamble = major == 1 ? 10 : 12;
  header.append(63 - (preamble + header.size()) % 64, ' ');
  header += '\n';
  Bytes out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<unsigned char>(major), 0};
  for (std::size_t i = 0; i < preamble - 8; ++i) out.push_back(static_cast<unsigned char>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// The little-endian bytes of `values` (this machine's order, which the tests run on: x86-64).
template <typename T>
Bytes le_bytes(const std::vector<T>& values) {
  Bytes out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// n random uint8 images of shape (C, 28, 28) and labels i % 10, as npy:IMAGES,LABELS in `dir`.
std::string npy_data_set(const TempDir& dir, int n, int channels, int side, std::uint64_t seed) {
  const std::string shape = "(" + std::to_string(n) + ", " + std::to_string(channels) + ", " + std::to_string(side) +
                            ", " + std::to_string(side) + ")";
  write_plain(dir.file("images.npy"),
              npy_bytes("|u1", shape, random_bytes(static_cast<std::size_t>(n * channels * side * side), seed)));
  std::vector<std::int64_t> labels;
  for (int i = 0; i < n; ++i) labels.push_back(i % 10);
  write_plain(dir.file("labels.npy"), npy_bytes("<i8", "(" + std::to_string(n) + ",)", le_bytes(labels)));
  return "npy:" + dir.file("images.npy") + "," + dir.file("labels.npy");
}

}  // namespace

TEST_CASE("CIFAR-10 binary batches load as (N, 3, 32, 32) with their labels", "[data][cifar]") {
  TempDir dir;
  const Bytes pixels = random_bytes(11 * kCifarPixels, 20);
  // Two records per training batch (labels 2b-1 and 2b), one test record; pixels in record order.
  for (int b = 1; b <= 5; ++b) {
    const Bytes part(pixels.begin() + static_cast<std::ptrdiff_t>(2 * (b - 1) * kCifarPixels),
                     pixels.begin() + static_cast<std::ptrdiff_t>(2 * b * kCifarPixels));
    write_plain(dir.file("data_batch_" + std::to_string(b) + ".bin"),
                cifar_records({{static_cast<unsigned char>(2 * b - 2)}, {static_cast<unsigned char>((2 * b - 1) % 10)}},
                              part));
  }
  const Bytes test_pixels(pixels.end() - static_cast<std::ptrdiff_t>(kCifarPixels), pixels.end());
  write_plain(dir.file("test_batch.bin"), cifar_records({{7}}, test_pixels));

  SECTION("train: the five batches in order, channel-planar pixels / 255") {
    const Dataset train = load_cifar10(dir.file(""), Split::train);
    CHECK(train.name == "cifar10/train");
    CHECK(train.num_classes == 10);
    CHECK(train.images.shape() == Shape{10, 3, 32, 32});
    CHECK(train.labels == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    for (std::size_t i = 0; i < 10 * kCifarPixels; ++i) REQUIRE(train.images[i] == static_cast<float>(pixels[i]) / 255.0f);
    // Record 3, green plane, row 5, column 9: byte 1 + 1024 + 5 * 32 + 9 of that record.
    CHECK(train.images[3 * kCifarPixels + 1024 + 5 * 32 + 9] == static_cast<float>(pixels[3 * kCifarPixels + 1024 + 169]) / 255.0f);
  }
  SECTION("test") {
    const Dataset test = load_cifar10(dir.file(""), Split::test);
    CHECK(test.name == "cifar10/test");
    CHECK(test.labels == std::vector<int>{7});
    CHECK(test.images[kCifarPixels - 1] == static_cast<float>(test_pixels.back()) / 255.0f);
  }
  SECTION("a missing batch lists the files expected") {
    std::filesystem::remove(dir.file("data_batch_3.bin"));
    CHECK_THROWS_WITH(load_cifar10(dir.file(""), Split::train),
                      Contains("data_batch_3.bin: not found") &&
                          Contains("data_batch_1.bin .. data_batch_5.bin and test_batch.bin") &&
                          Contains("cifar-10-batches-bin"));
    CHECK_NOTHROW(load_cifar10(dir.file(""), Split::test));
  }
  SECTION("a truncated record") {
    Bytes cut = cifar_records({{1}, {2}}, Bytes(pixels.begin(), pixels.begin() + 2 * kCifarPixels));
    cut.resize(cut.size() - 100);
    write_plain(dir.file("test_batch.bin"), cut);
    CHECK_THROWS_WITH(load_cifar10(dir.file(""), Split::test),
                      Contains("test_batch.bin") && Contains("6046 bytes is not a whole number of 3073-byte cifar10 records"));
    write_plain(dir.file("test_batch.bin"), {});
    CHECK_THROWS_WITH(load_cifar10(dir.file(""), Split::test), Contains("0 bytes is not a whole number"));
  }
  SECTION("a label out of range") {
    write_plain(dir.file("test_batch.bin"), cifar_records({{3}, {10}}, Bytes(pixels.begin(), pixels.begin() + 2 * kCifarPixels)));
    CHECK_THROWS_WITH(load_cifar10(dir.file(""), Split::test),
                      Contains("test_batch.bin") && Contains("record 1 has label 10, not below 10"));
  }
}

TEST_CASE("CIFAR-100 binary files load with their fine labels", "[data][cifar]") {
  TempDir dir;
  const Bytes pixels = random_bytes(3 * kCifarPixels, 21);
  write_plain(dir.file("train.bin"), cifar_records({{19, 99}, {0, 0}, {4, 42}}, pixels));

  const Dataset train = load_cifar100(dir.file(""), Split::train);
  CHECK(train.name == "cifar100/train");
  CHECK(train.num_classes == 100);
  CHECK(train.images.shape() == Shape{3, 3, 32, 32});
  CHECK(train.labels == std::vector<int>{99, 0, 42});
  for (std::size_t i = 0; i < pixels.size(); ++i) REQUIRE(train.images[i] == static_cast<float>(pixels[i]) / 255.0f);

  CHECK_THROWS_WITH(load_cifar100(dir.file(""), Split::test),
                    Contains("test.bin: not found") && Contains("train.bin and test.bin") && Contains("cifar-100-binary"));
  write_plain(dir.file("test.bin"), cifar_records({{1, 100}}, pixels));
  CHECK_THROWS_WITH(load_cifar100(dir.file(""), Split::test), Contains("record 0 has label 100 (fine), not below 100"));
  write_plain(dir.file("test.bin"), cifar_records({{20, 5}}, pixels));
  CHECK_THROWS_WITH(load_cifar100(dir.file(""), Split::test), Contains("record 0 has label 20 (coarse), not below 20"));
  write_plain(dir.file("test.bin"), Bytes(3073));  // a CIFAR-10-sized record
  CHECK_THROWS_WITH(load_cifar100(dir.file(""), Split::test), Contains("not a whole number of 3074-byte cifar100 records"));
}

TEST_CASE("read_npy reads numpy.save files of every supported dtype", "[data][npy]") {
  TempDir dir;
  SECTION("uint8 images, version 1.0") {
    const Bytes pixels = random_bytes(2 * 1 * 3 * 4, 22);
    write_plain(dir.file("a.npy"), npy_bytes("|u1", "(2, 1, 3, 4)", pixels));
    const NpyArray a = read_npy(dir.file("a.npy"));
    CHECK(a.type == NpyType::u8);
    CHECK(a.shape == std::vector<std::size_t>{2, 1, 3, 4});
    CHECK(a.bytes == pixels);
  }
  SECTION("float32, version 2.0") {
    const std::vector<float> values = {0.5f, -1.25f, 3e-8f, 1e30f, 0.0f, -0.0f};
    write_plain(dir.file("f.npy"), npy_bytes("<f4", "(1, 3, 2, 1)", le_bytes(values), 2));
    const NpyArray f = read_npy(dir.file("f.npy"));
    CHECK(f.shape == std::vector<std::size_t>{1, 3, 2, 1});
    CHECK(f.floats() == values);
    CHECK_THROWS_AS(f.integers(), std::logic_error);
  }
  SECTION("integer labels of every width, sign-extended") {
    write_plain(dir.file("i1.npy"), npy_bytes("|i1", "(3,)", le_bytes(std::vector<std::int8_t>{-1, 0, 127})));
    write_plain(dir.file("u1.npy"), npy_bytes("|u1", "(2,)", Bytes{255, 3}));
    write_plain(dir.file("i2.npy"), npy_bytes("<i2", "(2,)", le_bytes(std::vector<std::int16_t>{-300, 300})));
    write_plain(dir.file("i4.npy"), npy_bytes("<i4", "(2,)", le_bytes(std::vector<std::int32_t>{-70000, 70000})));
    write_plain(dir.file("i8.npy"), npy_bytes("<i8", "(2,)", le_bytes(std::vector<std::int64_t>{-5000000000, 9})));
    CHECK(read_npy(dir.file("i1.npy")).integers() == std::vector<std::int64_t>{-1, 0, 127});
    CHECK(read_npy(dir.file("u1.npy")).integers() == std::vector<std::int64_t>{255, 3});
    CHECK(read_npy(dir.file("i2.npy")).integers() == std::vector<std::int64_t>{-300, 300});
    CHECK(read_npy(dir.file("i4.npy")).integers() == std::vector<std::int64_t>{-70000, 70000});
    CHECK(read_npy(dir.file("i8.npy")).integers() == std::vector<std::int64_t>{-5000000000, 9});
  }
  SECTION("scalar and empty shapes") {
    write_plain(dir.file("s.npy"), npy_bytes("<i4", "()", le_bytes(std::vector<std::int32_t>{7})));
    CHECK(read_npy(dir.file("s.npy")).shape.empty());
    CHECK(read_npy(dir.file("s.npy")).integers() == std::vector<std::int64_t>{7});
    write_plain(dir.file("e.npy"), npy_bytes("<f4", "(0, 3)", {}));
    CHECK(read_npy(dir.file("e.npy")).count() == 0);
  }
}

TEST_CASE("read_npy refuses what it cannot read, naming the file and the problem", "[data][npy]") {
  TempDir dir;
  const Bytes four_floats = le_bytes(std::vector<float>{1, 2, 3, 4});
  const auto refused = [&](const Bytes& bytes, const std::string& problem) {
    write_plain(dir.file("bad.npy"), bytes);
    CHECK_THROWS_WITH(read_npy(dir.file("bad.npy")), Contains(dir.file("bad.npy")) && Contains(problem));
  };
  refused(Bytes{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "not a .npy file (it does not start with the magic \\x93NUMPY)");
  refused(Bytes{0x93, 'N', 'U'}, "not a .npy file");
  refused(npy_bytes(">f4", "(4,)", four_floats), "big-endian dtype '>f4' is not supported");
  refused(npy_bytes("<f8", "(2,)", four_floats), "unsupported dtype '<f8'");
  refused(npy_bytes("<u4", "(4,)", four_floats), "unsupported dtype '<u4'");
  refused(npy_bytes("<f4", "(2, 2)", four_floats, 1, "True"), "fortran_order is True");
  refused(npy_bytes("<f4", "(5,)", four_floats), "truncated: 5 elements of <f4 need 20 data bytes, the file has 16");
  refused(npy_bytes("<f4", "(3,)", four_floats), "trailing data: 4 bytes after the 12 data bytes");
  refused(npy_bytes("<f4", "(2, x)", four_floats), "malformed .npy header");
  refused(npy_bytes("<f4", "[4]", four_floats), "malformed .npy header");
  Bytes v3 = npy_bytes("<f4", "(4,)", four_floats, 2);
  v3[6] = 3;
  refused(v3, "unsupported .npy format version 3.0");
  Bytes long_header = npy_bytes("<f4", "(4,)", four_floats);
  long_header[8] = 0xff, long_header[9] = 0xff;
  refused(long_header, "truncated: the header claims 65535 bytes");
  CHECK_THROWS_WITH(read_npy(dir.file("missing.npy")), Contains("missing.npy") && Contains("cannot open"));
}

TEST_CASE("load_npy_dataset pairs images and labels", "[data][npy]") {
  TempDir dir;
  const auto labels = [&](const std::vector<std::int64_t>& values) {
    write_plain(dir.file("labels.npy"), npy_bytes("<i8", "(" + std::to_string(values.size()) + ",)", le_bytes(values)));
    return dir.file("labels.npy");
  };
  SECTION("uint8 images are scaled by 1/255, int64 labels kept") {
    const Bytes pixels = random_bytes(3 * 1 * 28 * 28, 23);
    write_plain(dir.file("images.npy"), npy_bytes("|u1", "(3, 1, 28, 28)", pixels));
    const Dataset data = load_npy_dataset(dir.file("images.npy"), labels({4, 0, 2}), "npy/test");
    CHECK(data.name == "npy/test");
    CHECK(data.images.shape() == Shape{3, 1, 28, 28});
    CHECK(data.labels == std::vector<int>{4, 0, 2});
    CHECK(data.num_classes == 5);
    for (std::size_t i = 0; i < pixels.size(); ++i) REQUIRE(data.images[i] == static_cast<float>(pixels[i]) / 255.0f);
  }
  SECTION("float32 images are taken as they are") {
    const std::vector<float> values = {-2.5f, 0.25f, 7.0f, 1.0f, 0.5f, -0.125f, 3.0f, 4.0f};
    write_plain(dir.file("images.npy"), npy_bytes("<f4", "(2, 2, 1, 2)", le_bytes(values)));
    const Dataset data = load_npy_dataset(dir.file("images.npy"), labels({1, 1}), "npy/train");
    CHECK(data.images.shape() == Shape{2, 2, 1, 2});
    CHECK(data.images.values() == values);
  }
  SECTION("errors name the file") {
    write_plain(dir.file("images.npy"), npy_bytes("|u1", "(2, 28, 28)", Bytes(2 * 28 * 28)));
    CHECK_THROWS_WITH(load_npy_dataset(dir.file("images.npy"), labels({1, 2}), "x"),
                      Contains("images.npy") && Contains("(N, C, H, W), got 3 dimensions") && Contains("images[:, None]"));
    write_plain(dir.file("images.npy"), npy_bytes("<i4", "(1, 1, 1, 1)", Bytes(4)));
    CHECK_THROWS_WITH(load_npy_dataset(dir.file("images.npy"), labels({1}), "x"),
                      Contains("images.npy") && Contains("images must be uint8 (|u1) or float32 (<f4), got dtype '<i4'"));
    write_plain(dir.file("images.npy"), npy_bytes("|u1", "(2, 1, 1, 1)", Bytes(2)));
    CHECK_THROWS_WITH(load_npy_dataset(dir.file("images.npy"), labels({1, 2, 3}), "x"),
                      Contains("holds 2 images but") && Contains("labels.npy holds 3 labels"));
    CHECK_THROWS_WITH(load_npy_dataset(dir.file("images.npy"), labels({1, -1}), "x"),
                      Contains("labels.npy") && Contains("label -1 at index 1 is out of range"));
    write_plain(dir.file("float-labels.npy"), npy_bytes("<f4", "(2,)", le_bytes(std::vector<float>{1, 2})));
    CHECK_THROWS_WITH(load_npy_dataset(dir.file("images.npy"), dir.file("float-labels.npy"), "x"),
                      Contains("float-labels.npy") && Contains("labels must be integers"));
  }
}

TEST_CASE("parse_data_spec reads every form and refuses others", "[data][spec]") {
  const DataSpec fashion = parse_data_spec("fashion-mnist");
  CHECK(fashion.format == DataFormat::fashion_mnist);
  CHECK(fashion.dir == default_data_dir());
  CHECK(fashion.text() == "fashion-mnist:" + default_data_dir());
  CHECK(parse_data_spec("fashion-mnist:/d").dir == "/d");

  const DataSpec cifar = parse_data_spec("cifar10:/data/c:10");  // only the first ':' separates
  CHECK(cifar.format == DataFormat::cifar10);
  CHECK(cifar.dir == "/data/c:10");
  CHECK(cifar.text() == "cifar10:/data/c:10");
  CHECK(parse_data_spec("cifar100:x").format == DataFormat::cifar100);

  const DataSpec pair = parse_data_spec("npy:i.npy,l.npy");
  CHECK(pair.format == DataFormat::npy);
  CHECK(pair.train.images == "i.npy");
  CHECK(pair.test.labels == "l.npy");
  CHECK(pair.text() == "npy:i.npy,l.npy");
  const DataSpec four = parse_data_spec("npy:a.npy,b.npy,c.npy,d.npy");
  CHECK(four.train.labels == "b.npy");
  CHECK(four.test.images == "c.npy");
  CHECK(four.text() == "npy:a.npy,b.npy,c.npy,d.npy");

  const nlohmann::json recorded = four.to_json();
  CHECK(recorded.at("spec") == "npy:a.npy,b.npy,c.npy,d.npy");
  CHECK(recorded.at("normalization") == nlohmann::json{{"name", "none"}});

  CHECK_THROWS_WITH(parse_data_spec("mnist:/x"), Contains("'mnist:/x'") && Contains("unknown data set 'mnist'") &&
                                                     Contains("cifar10:DIR"));
  CHECK_THROWS_WITH(parse_data_spec("cifar10"), Contains("cifar10 needs its directory: cifar10:DIR"));
  CHECK_THROWS_WITH(parse_data_spec("npy:a.npy"), Contains("npy takes 2 paths") && Contains("got 1"));
  CHECK_THROWS_WITH(parse_data_spec("npy:a,b,c"), Contains("got 3"));
  CHECK_THROWS_WITH(parse_data_spec("npy:"), Contains("got 0"));
  CHECK_THROWS_WITH(parse_data_spec("npy:a.npy,"), Contains("an empty path"));
}

TEST_CASE("normalisation presets and per-channel mean and std", "[data][spec]") {
  TempDir dir;
  const Bytes pixels = random_bytes(2 * kCifarPixels, 24);
  write_plain(dir.file("test_batch.bin"), cifar_records({{1}, {2}}, pixels));
  DataSpec spec = parse_data_spec("cifar10:" + dir.file(""));

  SECTION("presets") {
    CHECK(normalization_presets() == std::vector<std::string>{"none", "imagenet", "cifar10", "cifar100"});
    CHECK(normalization_preset("none").mean.empty());
    CHECK(normalization_preset("imagenet").mean == std::vector<double>{0.485, 0.456, 0.406});
    CHECK(normalization_preset("imagenet").std == std::vector<double>{0.229, 0.224, 0.225});
    CHECK(normalization_preset("cifar10").std == std::vector<double>{0.2470, 0.2435, 0.2616});
    CHECK(normalization_preset("cifar100").mean == std::vector<double>{0.5071, 0.4865, 0.4409});
    CHECK(normalization_preset("cifar100").std == std::vector<double>{0.2673, 0.2564, 0.2762});
    CHECK_THROWS_WITH(normalization_preset("mnist"), Contains("'mnist'") && Contains("none, imagenet, cifar10, cifar100"));
  }
  SECTION("load_split applies (x / 255 - mean[c]) / std[c]") {
    spec.normalization = normalization_preset("cifar10");
    const Dataset data = load_split(spec, Split::test);
    const std::vector<double>& mean = spec.normalization.mean;
    const std::vector<double>& std = spec.normalization.std;
    for (std::size_t i = 0; i < pixels.size(); ++i) {
      const std::size_t c = (i % kCifarPixels) / 1024;
      const float m = static_cast<float>(mean[c]), s = static_cast<float>(std[c]);
      REQUIRE(data.images[i] == (static_cast<float>(pixels[i]) / 255.0f - m) / s);
    }
    CHECK(spec.to_json().at("normalization") ==
          nlohmann::json{{"name", "cifar10"}, {"mean", mean}, {"std", std}});
  }
  SECTION("custom mean and std") {
    spec.normalization = custom_normalization({0.5, 0.0, 1.0}, {0.5, 2.0, 1.0});
    const Dataset data = load_split(spec, Split::test);
    CHECK(data.images[0] == (static_cast<float>(pixels[0]) / 255.0f - 0.5f) / 0.5f);
    CHECK(data.images[1024] == static_cast<float>(pixels[1024]) / 255.0f / 2.0f);
    CHECK(data.images[2048] == static_cast<float>(pixels[2048]) / 255.0f - 1.0f);
    CHECK(spec.normalization.describe() == "custom (mean 0.5,0,1 std 0.5,2,1)");
    CHECK_THROWS_WITH(custom_normalization({0.5}, {0.5, 0.5}), Contains("--mean gives 1 values and --std 2"));
    CHECK_THROWS_WITH(custom_normalization({0.5}, {0.0}), Contains("every value must be positive"));
  }
  SECTION("a channel-count mismatch is one clear error") {
    TempDir npy;
    DataSpec gray = parse_data_spec(npy_data_set(npy, 2, 1, 28, 25));
    gray.normalization = normalization_preset("imagenet");
    CHECK_THROWS_WITH(load_split(gray, Split::test),
                      Contains("normalisation imagenet (mean 0.485,0.456,0.406 std 0.229,0.224,0.225) is for "
                               "3-channel images, but data npy:") &&
                          Contains("gives images 1x28x28"));
  }
}

TEST_CASE("check_data_fits names the data's and the model's shapes", "[data][spec]") {
  TempDir dir;
  const Network lenet5 = build_network("lenet5", 0);
  write_plain(dir.file("test_batch.bin"), cifar_records({{1}}, random_bytes(kCifarPixels, 26)));
  const DataSpec cifar = parse_data_spec("cifar10:" + dir.file(""));
  CHECK_THROWS_WITH(check_data_fits(cifar, load_split(cifar, Split::test), lenet5, "lenet5"),
                    Contains("data cifar10:" + dir.file("") + " gives images 3x32x32 but model lenet5 takes 1x28x28"));

  TempDir npy;
  const DataSpec fits = parse_data_spec(npy_data_set(npy, 4, 1, 28, 27));
  CHECK_NOTHROW(check_data_fits(fits, load_split(fits, Split::train), lenet5, "lenet5"));
  Dataset many = load_split(fits, Split::train);
  many.num_classes = 100;
  CHECK_THROWS_WITH(check_data_fits(fits, many, lenet5, "lenet5"), Contains("has 100 classes but model lenet5 has 10 outputs"));
}

TEST_CASE("proact eval reads --data npy:IMAGES,LABELS", "[cli][data]") {
  TempDir dir;
  const std::string spec = npy_data_set(dir, 20, 1, 28, 28);
  const testing::Run run = testing::run_cli("eval --model lenet5 --data " + spec + " --json");
  REQUIRE(run.exit_code == 0);
  const auto result = nlohmann::json::parse(run.output);
  CHECK(result.at("images") == 20);
  CHECK(result.at("accuracy").get<double>() >= 0.0);
  CHECK(result.at("data").at("spec") == spec);
  CHECK(result.at("data").at("normalization").at("name") == "none");

  const testing::Run normalised = testing::run_cli("eval --model lenet5 --data " + spec + " --mean 0.5 --std 0.25 --json");
  REQUIRE(normalised.exit_code == 0);
  CHECK(nlohmann::json::parse(normalised.output).at("data").at("normalization") ==
        nlohmann::json{{"name", "custom"}, {"mean", {0.5}}, {"std", {0.25}}});
}

TEST_CASE("proact refuses data that does not fit the model, before evaluating", "[cli][data][errors]") {
  TempDir dir;
  const std::string spec = npy_data_set(dir, 2, 3, 32, 29);
  for (const std::string& command : std::vector<std::string>{"eval --model lenet5", "simulate --model lenet5", "zoo --models lenet5",
                                     "train --model lenet5 --epochs 1 --validation 1 --out " + dir.file("x.ckpt"),
                                     "thresholds --model lenet5 --method ranger --out " + dir.file("t.json"),
                                     "campaign --model lenet5 --fault-model proact-paper --rates 1e-5 --maps 1 --out " +
                                         dir.file("campaign")}) {
    INFO(command);
    const testing::Run run = testing::run_cli(command + " --data " + spec, true);
    CHECK(run.exit_code != 0);
    CHECK(run.output == "proact: error: data " + spec + " gives images 3x32x32 but model lenet5 takes 1x28x28\n");
  }
  const testing::Run both = testing::run_cli("eval --data " + spec + " --data-dir /x", true);
  CHECK(both.exit_code != 0);
  CHECK_THAT(both.output, Contains("--data-dir") && Contains("--data"));
  const testing::Run channels = testing::run_cli("eval --data " + spec + " --mean 0.5", true);
  CHECK(channels.exit_code != 0);
  CHECK_THAT(channels.output, Contains("--std"));
}

TEST_CASE("proact eval: --data-dir DIR is --data fashion-mnist:DIR", "[cli][data]") {
  const std::string dir = default_data_dir();
  const testing::Run by_dir = testing::run_cli("eval --model lenet5 --limit 100 --json --data-dir " + dir);
  const testing::Run by_spec = testing::run_cli("eval --model lenet5 --limit 100 --json --data fashion-mnist:" + dir);
  REQUIRE(by_dir.exit_code == 0);
  REQUIRE(by_spec.exit_code == 0);
  const auto a = nlohmann::json::parse(by_dir.output), b = nlohmann::json::parse(by_spec.output);
  CHECK(a.at("accuracy") == b.at("accuracy"));
  CHECK(a.at("data") == b.at("data"));
  CHECK(a.at("data").at("spec") == "fashion-mnist:" + dir);
  const auto by_default = nlohmann::json::parse(testing::run_cli("eval --model lenet5 --limit 100 --json").output);
  CHECK(by_default.at("data") == a.at("data"));
}
