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

// The tiny model's architecture as the checkpoint records it: 30 + 34 = 64 characters.
const std::string tiny_architecture =
    "dense dense relu (3,) -> (4,)\n"
    "dense_1 dense linear (4,) -> (2,)\n";

TEST_CASE("a checkpoint of the tiny float model is laid out as documented") {
  TempDir dir;
  const std::string path = dir / "tiny.ckpt";
  auto model = tiny_model<float>(42);
  nn::save_checkpoint(model, path, {3, 0});
  const std::string bytes = read_bytes(path);
  const std::string generator = model.generator().state();
  // header: "NNCK" 4 + version 4 + scalar size 4                                =  12
  // architecture: length 4 + 64 characters                                     =  68
  // parameter count 8                                                          =   8
  // dense.W (3, 4):   name 4+5 "dense", 4+1 "W", rank 4, dims 2*8, 12 floats*4  =  82
  // dense.b (4,):     4+5, 4+1, rank 4, dims 1*8, 4 floats*4                    =  42
  // dense_1.W (4, 2): 4+7 "dense_1", 4+1, rank 4, dims 2*8, 8 floats*4          =  68
  // dense_1.b (2,):   4+7, 4+1, rank 4, dims 1*8, 2 floats*4                    =  36
  // optimizer: 4+3 "sgd", 0 slots 8 (plain SGD remembers nothing), 0 steps 8   =  23
  // epoch 8, batch 8                                                           =  16
  // generator: length 4 + its text                                             =   4 + text
  // CRC-32                                                                     =   4
  CHECK(tiny_architecture.size() == 64);
  CHECK(nn::architecture_of(model) == tiny_architecture);
  CHECK(bytes.size() == 12 + 68 + 8 + 82 + 42 + 68 + 36 + 23 + 16 + 4 + generator.size() + 4);
  CHECK(bytes.substr(0, 4) == "NNCK");
  CHECK(bytes.substr(4, 4) == std::string("\2\0\0\0", 4));           // version 2, little-endian
  CHECK(bytes.substr(8, 4) == std::string("\4\0\0\0", 4));           // 4-byte floats
  CHECK(bytes.substr(12, 4) == std::string("\100\0\0\0", 4));        // 64 characters
  CHECK(bytes.substr(16, 64) == tiny_architecture);
  CHECK(bytes.substr(80, 8) == std::string("\4\0\0\0\0\0\0\0", 8));  // 4 parameters
  CHECK(bytes.substr(88, 9) == std::string("\5\0\0\0dense", 9));
  // the first weight, W(0, 0), right after dense.W's dims (byte 88 + 9 + 5 + 4 + 16 = 122)
  float w00 = 0;
  std::memcpy(&w00, bytes.data() + 122, 4);
  CHECK(w00 == model.params()[0].value->data()[0]);
  // the epoch, after the parameters (ending at 88 + 228 = 316) and the optimizer (23 bytes)
  CHECK(bytes.substr(339, 8) == std::string("\3\0\0\0\0\0\0\0", 8));
}

// [checkpoint-errors-test]
TEST_CASE("a damaged or mismatched checkpoint is refused in one line, the model left untouched") {
  TempDir dir;
  const std::string path = dir / "tiny.ckpt";
  auto saved = tiny_model<float>(42);
  nn::save_checkpoint(saved, path);
  const std::string good = read_bytes(path);  // laid out as in the test above: weights at 88..315

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
    bytes[4] = 3;  // version field: bytes 4..7
    write_bytes(path, bytes);
    CHECK(load(path) ==
          path + ": unsupported checkpoint version 3 (this library reads versions 1 and 2)");
  }
  SUBCASE("one flipped byte in a weight") {
    std::string bytes = good;
    bytes[128] ^= 0x01;  // inside dense.W's values, bytes 122..169
    write_bytes(path, bytes);
    CHECK(load(path).starts_with(path + ": corrupt: checksum mismatch (stored "));
  }
  SUBCASE("a file cut short inside a weight") {
    write_bytes(path, good.substr(0, 268));  // dense_1.W's values are bytes 248..279
    CHECK(load(path) == path + ": truncated: the file ends after 268 bytes, " +
                            "inside the values of dense_1.W (4, 2)");
  }
  SUBCASE("a file cut short inside the checksum") {
    const std::size_t cut = good.size() - 2;
    write_bytes(path, good.substr(0, cut));
    CHECK(load(path) == path + ": truncated: the file ends after " + std::to_string(cut) +
                            " bytes, inside the checksum");
  }
  SUBCASE("a model with other layer sizes") {
    auto wider = tiny_model<float>(7, 5);
    const std::string wider_before = weight_bytes(wider);
    CHECK(error_of([&] { nn::load_checkpoint(wider, path); }) ==
          path + ": architecture differs: checkpoint has 'dense dense relu (3,) -> (4,)', " +
              "model has 'dense dense relu (3,) -> (5,)'");
    CHECK(weight_bytes(wider) == wider_before);
  }
  SUBCASE("a model with one layer more, and one layer less") {
    auto deeper = tiny_model<float>(7, 4, true);
    CHECK(error_of([&] { nn::load_checkpoint(deeper, path); }) ==
          path + ": architecture differs: checkpoint has 'no layer', " +
              "model has 'dense_2 dense linear (2,) -> (2,)'");
    nn::save_checkpoint(deeper, path);
    CHECK(load(path) == path + ": architecture differs: checkpoint has " +
                            "'dense_2 dense linear (2,) -> (2,)', model has 'no layer'");
  }
  SUBCASE("a file of a megabyte of zeros is refused after its first 4 bytes") {
    write_bytes(path, std::string(1 << 20, '\0'));
    CHECK(load(path) == path + ": not a checkpoint (it does not start with NNCK)");
  }
  SUBCASE("a stale temporary file left by a killed save is removed") {
    write_bytes(path + ".tmp", good.substr(0, 100));
    auto other = tiny_model<float>(7);
    CHECK(error_of([&] { nn::load_checkpoint(other, path); }).empty());
    CHECK_FALSE(fs::exists(path + ".tmp"));
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

// [checkpoint-resume-test]
TEST_CASE("training resumed from an epoch's checkpoint ends with the weights of a run never stopped") {
  TempDir dir;
  const std::string path = dir / "run.ckpt";
  // Eight examples, batches of 3 (the last one short), shuffled every epoch, RMSprop:
  // the order, the running averages and the weights all depend on what came before.
  const Tensor<float> x = {{0, 1, 2}, {1, 0, 1}, {2, 2, 0}, {0, 0, 1},
                           {1, 1, 1}, {2, 0, 2}, {0, 2, 1}, {1, 2, 0}};
  const Tensor<float> y = {0, 1, 1, 0, 1, 0, 0, 1};
  auto make = [] {
    nn::Sequential<float> model({3}, 42);
    model.add(nn::Dense<float>(4, nn::Activation::tanh));
    model.add(nn::Dense<float>(2));
    model.compile(nn::RMSprop<float>(0.01f), nn::SoftmaxCrossEntropy<float>());
    return model;
  };
  auto whole = make();
  whole.fit(x, y, {.epochs = 5, .batch_size = 3, .verbose = 0});

  auto first = make();  // stopped after epoch 2, its checkpoint saved
  first.fit(x, y, {.epochs = 2, .batch_size = 3, .verbose = 0, .checkpoint = path});
  auto resumed = make();  // a new process would build the model the same way
  const nn::TrainingPosition at = nn::load_checkpoint(resumed, path);
  CHECK(at.epoch == 2);
  resumed.fit(x, y, {.epochs = 5, .batch_size = 3, .verbose = 0, .initial_epoch = at.epoch});
  CHECK(weight_bytes(resumed) == weight_bytes(whole));

  // Without the optimizer's state and the generator, the same weights do not give the same run.
  auto weights_only = make();
  nn::load_checkpoint(weights_only, path);
  weights_only.compile(nn::RMSprop<float>(0.01f), nn::SoftmaxCrossEntropy<float>());  // averages at 0
  weights_only.fit(x, y, {.epochs = 5, .batch_size = 3, .verbose = 0, .initial_epoch = 2});
  CHECK(weight_bytes(weights_only) != weight_bytes(whole));
}
// [checkpoint-resume-test]
