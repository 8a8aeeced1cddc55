// Checkpoint checks: a save/load round trip restores the weights bit for bit,
// every damaged or mismatched file is refused in one line without touching the
// model, and a failed save never costs the checkpoint already on disk.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "nn/checkpoint.hpp"
#include "nn/dense.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nn::Tensor;
using nn::test::error_of;
using nn::test::TempDir;

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// 3 inputs -> dense (4 units, relu) -> dense_1 (2 logits), or `hidden` units in the middle.
template <class T>
nn::Sequential<T> tiny_model(std::uint64_t seed, std::size_t hidden = 4, bool extra_layer = false) {
  nn::Sequential<T> model({3}, seed);
  model.add(nn::Dense<T>(hidden, nn::Activation::relu));
  model.add(nn::Dense<T>(2));
  if (extra_layer) model.add(nn::Dense<T>(2));
  model.compile(nn::SGD<T>(T(0.1)), nn::SoftmaxCrossEntropy<T>());
  return model;
}

template <class T>
Tensor<T> tiny_inputs() {
  return {{0, 1, 2}, {1, 0, 1}, {2, 2, 0}, {0, 0, 1}};
}

// Every parameter's bytes, concatenated: equal strings mean bit-for-bit equal weights.
template <class T>
std::string weight_bytes(nn::Sequential<T>& model) {
  std::string s;
  for (const auto& p : model.params())
    s.append(reinterpret_cast<const char*>(p.value->data()), p.value->size() * sizeof(T));
  return s;
}

}  // namespace

// [checkpoint-round-trip-test]
TEST_CASE_TEMPLATE("a loaded checkpoint gives a fresh model the saved weights, bit for bit", T,
                   float, double) {
  TempDir dir;
  const std::string path = dir / "tiny.ckpt";
  auto trained = tiny_model<T>(42);
  const Tensor<T> classes = {0, 1, 1, 0};
  trained.train_step(tiny_inputs<T>(), classes);  // one SGD step moves the weights off their start
  nn::save_checkpoint(trained, path);
  CHECK_FALSE(fs::exists(path + ".tmp"));  // renamed into place

  auto fresh = tiny_model<T>(7);  // another seed: other initial weights
  CHECK(weight_bytes(fresh) != weight_bytes(trained));
  nn::load_checkpoint(fresh, path);
  CHECK(weight_bytes(fresh) == weight_bytes(trained));
  const Tensor<T> expected = trained.predict(tiny_inputs<T>());
  const Tensor<T> got = fresh.predict(tiny_inputs<T>());
  CHECK(std::memcmp(got.data(), expected.data(), got.size() * sizeof(T)) == 0);
}
// [checkpoint-round-trip-test]

TEST_CASE("a checkpoint of the tiny float model is 252 bytes, laid out as documented") {
  TempDir dir;
  const std::string path = dir / "tiny.ckpt";
  auto model = tiny_model<float>(42);
  nn::save_checkpoint(model, path);
  const std::string bytes = read_bytes(path);
  // header: "NNCK" 4 + version 4 + scalar size 4 + parameter count 8           =  20
  // dense.W (3, 4):   name 4+5 "dense", 4+1 "W", rank 4, dims 2*8, 12 floats*4  =  82
  // dense.b (4,):     4+5, 4+1, rank 4, dims 1*8, 4 floats*4                    =  42
  // dense_1.W (4, 2): 4+7 "dense_1", 4+1, rank 4, dims 2*8, 8 floats*4          =  68
  // dense_1.b (2,):   4+7, 4+1, rank 4, dims 1*8, 2 floats*4                    =  36
  // CRC-32                                                                      =   4
  CHECK(bytes.size() == 20 + 82 + 42 + 68 + 36 + 4);
  CHECK(bytes.substr(0, 4) == "NNCK");
  CHECK(bytes.substr(4, 4) == std::string("\1\0\0\0", 4));           // version 1, little-endian
  CHECK(bytes.substr(8, 4) == std::string("\4\0\0\0", 4));           // 4-byte floats
  CHECK(bytes.substr(12, 8) == std::string("\4\0\0\0\0\0\0\0", 8));  // 4 parameters
  CHECK(bytes.substr(20, 9) == std::string("\5\0\0\0dense", 9));
  // the first weight, W(0, 0), right after dense.W's dims (byte 20 + 9 + 5 + 4 + 16 = 54)
  float w00 = 0;
  std::memcpy(&w00, bytes.data() + 54, 4);
  CHECK(w00 == model.params()[0].value->data()[0]);
}

// [checkpoint-errors-test]
TEST_CASE("a damaged or mismatched checkpoint is refused in one line, the model left untouched") {
  TempDir dir;
  const std::string path = dir / "tiny.ckpt";
  auto saved = tiny_model<float>(42);
  nn::save_checkpoint(saved, path);
  const std::string good = read_bytes(path);  // 252 bytes, laid out as in the test above

  auto model = tiny_model<float>(7);
  const std::string before = weight_bytes(model);
  auto load = [&](const std::string& file) {
    return error_of([&] { nn::load_checkpoint(model, file); });
  };

  SUBCASE("a missing file") {
    CHECK(load(dir / "nothing.ckpt") == dir / "nothing.ckpt" + ": no such checkpoint file");
  }
  SUBCASE("a file that is not a checkpoint") {
    write_bytes(path, "epoch,loss\n1,0.5\n");
    CHECK(load(path) == path + ": not a checkpoint (it does not start with NNCK)");
  }
  SUBCASE("a newer format version") {
    std::string bytes = good;
    bytes[4] = 2;  // version field: bytes 4..7
    write_bytes(path, bytes);
    CHECK(load(path) == path + ": unsupported checkpoint version 2 (this library reads version 1)");
  }
  SUBCASE("one flipped byte in a weight") {
    std::string bytes = good;
    bytes[60] ^= 0x01;  // inside dense.W's values, bytes 54..101
    write_bytes(path, bytes);
    CHECK(load(path).starts_with(path + ": corrupt: checksum mismatch (stored "));
  }
  SUBCASE("a file cut short inside a weight") {
    write_bytes(path, good.substr(0, 200));  // dense_1.W's values are bytes 180..211
    CHECK(load(path) == path + ": truncated: the file ends after 200 bytes, " +
                            "inside the values of dense_1.W (4, 2)");
  }
  SUBCASE("a file cut short inside the checksum") {
    write_bytes(path, good.substr(0, 250));
    CHECK(load(path) == path + ": truncated: the file ends after 250 bytes, inside the checksum");
  }
  SUBCASE("a model with other layer sizes") {
    auto wider = tiny_model<float>(7, 5);
    const std::string wider_before = weight_bytes(wider);
    CHECK(error_of([&] { nn::load_checkpoint(wider, path); }) ==
          path + ": checkpoint has dense.W (3, 4), model has dense.W (3, 5)");
    CHECK(weight_bytes(wider) == wider_before);
  }
  SUBCASE("a model with one layer more, and one layer less") {
    auto deeper = tiny_model<float>(7, 4, true);
    CHECK(error_of([&] { nn::load_checkpoint(deeper, path); }) ==
          path + ": checkpoint has 4 parameters, model has 6: " +
              "dense_2.W (2, 2) is not in the checkpoint");
    nn::save_checkpoint(deeper, path);
    CHECK(load(path) == path + ": checkpoint has 6 parameters, model has 4: " +
                            "the model has nothing for dense_2.W (2, 2)");
  }
  SUBCASE("a checkpoint saved in double precision") {
    auto in_double = tiny_model<double>(42);
    nn::save_checkpoint(in_double, path);
    CHECK(load(path) == path + ": saved in double precision, model is float: " +
                            "load it into an nn::Sequential<double>");
  }
  CHECK(weight_bytes(model) == before);
}
// [checkpoint-errors-test]

// [checkpoint-atomic-test]
TEST_CASE("a save that fails keeps the old checkpoint intact and leaves no temporary file") {
  TempDir dir;
  const std::string path = dir / "tiny.ckpt";
  auto first = tiny_model<float>(42);
  nn::save_checkpoint(first, path);
  const std::string old_bytes = read_bytes(path);
  auto second = tiny_model<float>(7);

  SUBCASE("the temporary file cannot be created") {
    fs::create_directory(path + ".tmp");  // a directory where save writes "tiny.ckpt.tmp"
    const std::string message = error_of([&] { nn::save_checkpoint(second, path); });
    CHECK(message ==
          path + ": cannot write the checkpoint: cannot create " + path + ".tmp (Is a directory)");
    CHECK(read_bytes(path) == old_bytes);
    fs::remove(path + ".tmp");
  }
  SUBCASE("the directory does not exist") {
    const std::string nowhere = dir / "missing/tiny.ckpt";
    CHECK(error_of([&] { nn::save_checkpoint(second, nowhere); }) ==
          nowhere + ": cannot write the checkpoint: cannot create " + nowhere +
              ".tmp (No such file or directory)");
    CHECK_FALSE(fs::exists(dir / "missing"));
    CHECK(read_bytes(path) == old_bytes);
  }
  SUBCASE("a successful save replaces the old checkpoint") {
    nn::save_checkpoint(second, path);
    CHECK_FALSE(fs::exists(path + ".tmp"));
    auto loaded = tiny_model<float>(1);
    nn::load_checkpoint(loaded, path);
    CHECK(weight_bytes(loaded) == weight_bytes(second));
  }
  // whatever happened, the directory holds the checkpoint and nothing else
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
}
// [checkpoint-atomic-test]
