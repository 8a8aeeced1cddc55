#pragma once
/**
 * @file idx.hpp
 * @brief Reading and writing IDX files, the format of MNIST and Fashion-MNIST.
 *
 * An IDX file is a big-endian header followed by raw data:
 *
 *     bytes 0-1   0x00 0x00
 *     byte  2     data type (0x08 = unsigned byte, the only type used here)
 *     byte  3     number of dimensions, R
 *     4 R bytes   the size of each dimension, big-endian 32-bit, outermost first
 *     then        the elements in row-major order, one byte each
 *
 * So a labels file starts with the magic number `0x00000801` (bytes, one
 * dimension) and an images file with `0x00000803` (bytes, three dimensions:
 * count, rows, columns). The files are usually gzipped; zlib's `gzread`
 * reads gzipped and plain files alike, so the reader accepts both.
 */
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/tensor.hpp"

namespace nn {

/**
 * @brief The contents of an IDX file of unsigned bytes: a shape and the bytes, row-major.
 * @ingroup ch04
 */
struct IdxArray {
  Shape shape;                     ///< e.g. `(60000, 28, 28)` for images, `(60000,)` for labels
  std::vector<std::uint8_t> data;  ///< `element_count(shape)` bytes, row-major
};

/**
 * @brief Reads an IDX file of unsigned bytes, plain or gzipped.
 *
 * Every fault throws `nn::data_error` with one line naming the file and the
 * fault: no such file, wrong magic number (expected and found, in hex),
 * unsupported data type, truncated header or data (bytes expected and found),
 * a damaged gzip stream, or trailing bytes after the data.
 * @param path          the file, e.g. `".../train-labels-idx1-ubyte.gz"`
 * @param expected_rank the number of dimensions the caller needs (3 for images,
 *                      1 for labels), or 0 to accept any
 * @return the shape from the header and the data bytes
 * @ingroup ch04
 */
IdxArray read_idx(const std::string& path, std::size_t expected_rank = 0);

/**
 * @brief Writes an IDX file of unsigned bytes, gzipped, atomically.
 *
 * The file is written to `path + ".tmp"` and renamed to `path` once complete,
 * so a reader never sees half a file. The gzip header carries no time stamp,
 * so the same array always gives the same bytes.
 * @param path  the destination, conventionally ending in `.gz`
 * @param array a shape of 1 to 255 dimensions, each below \f$2^{32}\f$, and
 *              `element_count(shape)` bytes
 * @ingroup ch04
 */
void write_idx_gz(const std::string& path, const IdxArray& array);

}  // namespace nn
