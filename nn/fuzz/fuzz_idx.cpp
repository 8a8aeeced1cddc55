// libFuzzer target: nn::read_idx on arbitrary bytes, plain or gzipped (gzopen tells
// them apart by the first bytes; the corpora nn/fuzz/corpus/idx and idx_gz seed both).
// Any input may be refused with nn::data_error; nothing else may happen.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "nn/data/idx.hpp"
#include "nn/tensor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/nn-fuzz-idx-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    nn::read_idx(path);
  } catch (const nn::data_error&) {
  }
  return 0;
}
