// A small training run for the kill-and-resume test (test_resume.sh) and the thread
// test (test_threads.sh): a tiny convnet
// on 48 random 8x8 images, RMSprop, shuffled batches of 20 (three chunks of
// nn::parallel_chunks each), a checkpoint after every epoch.
//   resume_worker <checkpoint> <final> [--resume] [--pause-before-epoch K]
// writes the final checkpoint (weights, optimizer, generator) to <final>. With
// --pause-before-epoch K it stops, once epoch K-1's checkpoint is saved, and waits
// to be killed; with --resume it continues from <checkpoint>.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <streambuf>
#include <string>

#include "nn/checkpoint.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/flatten.hpp"
#include "nn/pooling.hpp"

namespace {

// fit's log, watched: when it starts "Epoch K/", every earlier epoch is saved; wait there.
class PauseAtEpoch : public std::streambuf {
 public:
  explicit PauseAtEpoch(std::size_t epoch) : mark_("Epoch " + std::to_string(epoch) + "/") {}

 protected:
  int overflow(int c) override {
    if (c == '\n') line_.clear();
    else line_.push_back(static_cast<char>(c));
    if (line_ == mark_) {
      std::fprintf(stderr, "paused before epoch %s\n", mark_.c_str() + 6);
      std::fflush(stderr);
      for (;;) pause();  // until SIGKILL
    }
    return c;
  }

 private:
  std::string mark_, line_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: resume_worker <checkpoint> <final> [--resume] [--pause-before-epoch K]\n";
    return 2;
  }
  const std::string checkpoint = argv[1], final_path = argv[2];
  bool resume = false;
  std::size_t pause_epoch = 0;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--resume") == 0) resume = true;
    else if (std::strcmp(argv[i], "--pause-before-epoch") == 0 && i + 1 < argc)
      pause_epoch = std::stoul(argv[++i]);
  }
  try {
    nn::Generator data_rng(7);
    nn::Tensor<float> x = nn::Tensor<float>::from_shape({48, 1, 8, 8});
    nn::Tensor<float> y = nn::Tensor<float>::from_shape({48});
    for (auto& v : x) v = static_cast<float>(data_rng.uniform());
    for (auto& v : y) v = static_cast<float>(data_rng.below(3));

    nn::Sequential model({1, 8, 8}, 42);
    model.add(nn::Conv2D(4, 3, nn::Activation::relu));
    model.add(nn::MaxPool2D(2));
    model.add(nn::Flatten());
    model.add(nn::Dense(3));
    model.compile(nn::RMSprop(0.01f), nn::SoftmaxCrossEntropy());
    std::size_t initial_epoch = 0;
    if (resume) initial_epoch = nn::load_checkpoint(model, checkpoint).epoch;

    PauseAtEpoch watcher(pause_epoch);
    std::ostream log(&watcher);
    model.fit(x, y, {.epochs = 6, .batch_size = 20, .initial_epoch = initial_epoch,
                     .checkpoint = checkpoint},
              &log);
    nn::save_checkpoint(model, final_path, {6, 0});
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
