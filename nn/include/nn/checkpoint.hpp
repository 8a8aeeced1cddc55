#pragma once
/**
 * @file checkpoint.hpp
 * @brief Saving and loading a model's weights: versioned, checksummed, written atomically.
 *
 * A checkpoint holds every trainable tensor of a `Sequential`, in `params()`
 * order. The file is little-endian binary, in this order:
 *
 * | field           | type                          | value                                 |
 * |-----------------|-------------------------------|---------------------------------------|
 * | magic           | 4 bytes                       | `NNCK`                                |
 * | version         | uint32                        | 1                                     |
 * | scalar size     | uint32                        | 4 (float) or 8 (double)               |
 * | parameter count | uint64                        | `P`                                   |
 * | `P` times:      |                               |                                       |
 * | - layer name    | uint32 length, then the bytes | e.g. `dense_1`                        |
 * | - param name    | uint32 length, then the bytes | e.g. `W`                              |
 * | - rank          | uint32                        | `R`                                   |
 * | - dims          | `R` uint64                    | e.g. `576, 64`                        |
 * | - values        | product of the dims, scalars  | IEEE 754, row-major                   |
 * | checksum        | uint32                        | CRC-32 (zlib) of every byte before it |
 *
 * Only the weights are stored: no optimizer state (RMSprop's running averages,
 * Adam's moments) and no architecture. Loading therefore needs a model built
 * the same way, and training resumed from a checkpoint restarts the
 * optimizer's averages from zero.
 */
#include <string>

#include "nn/model.hpp"

namespace nn {

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
 * @param model the model whose `params()` are saved
 * @param path  the checkpoint file, e.g. `"mnist_cnn.ckpt"`
 * @ingroup ch09
 */
template <class T>
void save_checkpoint(Sequential<T>& model, const std::string& path);

/**
 * @brief Reads the checkpoint `path` into the parameters of `model`.
 *
 * The whole file is read and checked before any parameter is touched, so a bad
 * file leaves the model as it was. Each fault throws `nn::data_error` with one
 * line naming the file and the fault:
 * - a missing file;
 * - not a checkpoint (no `NNCK` magic) or an unsupported format version;
 * - a different precision: "saved in double precision, model is float";
 * - a truncated file, or a checksum mismatch ("corrupt: checksum mismatch");
 * - a different architecture, naming the first parameter that differs:
 *   "checkpoint has dense_1.W (576, 64), model has dense_1.W (1600, 64)".
 * @param model a model with the same layers, in the same order, as the saved one
 * @param path  the checkpoint file written by `save_checkpoint`
 * @ingroup ch09
 */
template <class T>
void load_checkpoint(Sequential<T>& model, const std::string& path);

extern template void save_checkpoint<float>(Sequential<float>&, const std::string&);
extern template void save_checkpoint<double>(Sequential<double>&, const std::string&);
extern template void load_checkpoint<float>(Sequential<float>&, const std::string&);
extern template void load_checkpoint<double>(Sequential<double>&, const std::string&);

}  // namespace nn
