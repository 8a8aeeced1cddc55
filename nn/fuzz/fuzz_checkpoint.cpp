// libFuzzer target: nn::load_checkpoint on arbitrary bytes, into a small compiled
// model (the architecture of nn/fuzz/corpus/checkpoint). Any input may be refused
// with nn::data_error; nothing else may happen.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "nn/checkpoint.hpp"
#include "nn/dense.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/nn-fuzz-ckpt-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  nn::Sequential<float> model({3}, 1);
  model.add(nn::Dense(4, nn::Activation::relu));
  model.add(nn::Dense(2));
  model.compile(nn::Adam(), nn::SoftmaxCrossEntropy());
  try {
    nn::load_checkpoint(model, path);
  } catch (const nn::data_error&) {
  }
  return 0;
}
