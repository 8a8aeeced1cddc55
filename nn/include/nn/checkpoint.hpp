#pragma once
/**
 * @file checkpoint.hpp
 * @brief Saving and loading a model's weights: versioned, checksummed, written atomically.
 *
 * A checkpoint holds everything needed to resume training exactly where it
 * stopped: the architecture, every trainable tensor of a `Sequential` in
 * `params()` order, the optimizer's state, the generator's state and the
 * position (epochs done). The file is little-endian binary, in this order:
 *
 * | field           | type                          | value                                 |
 * |-----------------|-------------------------------|---------------------------------------|
 * | magic           | 4 bytes                       | `NNCK`                                |
 * | version         | uint32                        | 2 (version 1 files, weights only, still load) |
 * | scalar size     | uint32                        | 4 (float) or 8 (double)               |
 * | architecture    | uint32 length, then the text  | one line per layer: name, kind, activation, input and output shape |
 * | parameter count | uint64                        | `n`                                   |
 * | `n` times:      |                               |                                       |
 * | - layer name    | uint32 length, then the bytes | e.g. `dense_1`                        |
 * | - param name    | uint32 length, then the bytes | e.g. `W`                              |
 * | - rank          | uint32                        | `R`                                   |
 * | - dims          | `R` uint64                    | e.g. `576, 64`                        |
 * | - values        | product of the dims, scalars  | IEEE 754, row-major                   |
 * | optimizer       | uint32 length, then the name  | `rmsprop`; empty if not compiled      |
 * | slot count      | uint64                        | `m`, then per slot: uint64 count of parameters, then per parameter a uint64 length and the values |
 * | step counts     | uint64 count, then int64s     | Adam's `t` per parameter              |
 * | epoch, batch    | uint64, uint64                | epochs done; batches done in the next |
 * | generator       | uint32 length, then the text  | `nn::Generator::state()`              |
 * | checksum        | uint32                        | CRC-32 (zlib) of every byte before it |
 *
 * `fit` with `FitOptions::checkpoint` saves one after every epoch; to resume, build and compile
 * the model as before, `load_checkpoint` it, and call `fit` with `initial_epoch` set to the
 * epoch it returns. The run then ends with the same weights, bit for bit, as one never stopped.
 */
#include <cstddef>
#include <string>

#include "nn/model.hpp"

namespace nn {

/// @brief Where training stands: epochs done, and batches done in the next one.
/// @ingroup ch09
struct TrainingPosition {
  std::size_t epoch = 0;  ///< epochs completed
  std::size_t batch = 0;  ///< batches completed of the next epoch (0 when saved at an epoch's end)
};

/**
 * @brief Writes every parameter of `model` to the checkpoint file `path`.
 *
 * The file is written as `path + ".tmp"` in the same directory, flushed to the
 * disk (`fsync`), then renamed over `path`. A rename within one file system
 * is atomic, so a crash or a full disk never leaves a half-written checkpoint,
 * and an existing checkpoint at `path` stays intact unless the new one is
 * complete. The format is described at the top of this header.
 *
 * Throws `nn::data_error` naming the file if it cannot be written (for
 * example, its directory does not exist).
 * @param model the model whose `params()`, optimizer and generator state are saved
 * @param path  the checkpoint file, e.g. `"mnist_cnn.ckpt"`
 * @param at    where training stands
 * @ingroup ch09
 */
template <class T>
void save_checkpoint(Sequential<T>& model, const std::string& path, TrainingPosition at = {});

/**
 * @brief Reads the checkpoint `path` into the parameters of `model`.
 *
 * The magic is checked on the first 4 bytes before the rest is read; then the
 * whole file is read and checked before any parameter is touched, so a bad
 * file leaves the model as it was. A `path.tmp` left by a save that was killed
 * is removed. Each fault throws `nn::data_error` with one
 * line naming the file and the fault:
 * - a missing file;
 * - not a checkpoint (no `NNCK` magic) or an unsupported format version;
 * - another architecture: "architecture differs: checkpoint has 'dense_1 dense relu (3,) -> (4,)', model has ...";
 * - an optimizer state of another optimizer ("saved with adam, model uses rmsprop");
 * - a different precision: "saved in double precision, model is float";
 * - a truncated file, or a checksum mismatch ("corrupt: checksum mismatch");
 * - a different architecture, naming the first parameter that differs:
 *   "checkpoint has dense_1.W (576, 64), model has dense_1.W (1600, 64)".
 * @param model a model with the same layers, in the same order, as the saved one
 * @param path  the checkpoint file written by `save_checkpoint`
 * @return where training stood (all zero for a version 1 file)
 * @ingroup ch09
 */
template <class T>
TrainingPosition load_checkpoint(Sequential<T>& model, const std::string& path);

/// @brief The architecture as a checkpoint records it: one line per layer, name, kind, activation, shapes.
/// @ingroup ch09
template <class T>
std::string architecture_of(const Sequential<T>& model);

extern template void save_checkpoint<float>(Sequential<float>&, const std::string&, TrainingPosition);
extern template void save_checkpoint<double>(Sequential<double>&, const std::string&, TrainingPosition);
extern template TrainingPosition load_checkpoint<float>(Sequential<float>&, const std::string&);
extern template TrainingPosition load_checkpoint<double>(Sequential<double>&, const std::string&);
extern template std::string architecture_of<float>(const Sequential<float>&);
extern template std::string architecture_of<double>(const Sequential<double>&);

}  // namespace nn
