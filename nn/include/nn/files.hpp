#pragma once
/**
 * @file files.hpp
 * @brief Writing a file so that nothing is ever lost: all of it or none of it.
 */
#include <string>

namespace nn {

/**
 * @brief Writes `bytes` to `path` atomically and durably.
 *
 * The bytes go to `path + ".tmp"`, are forced to the disk (`fsync`), and the
 * temporary is then renamed over `path`: a reader of `path` sees the old file
 * or the new one, never a mix, and a crash never loses the old one. On failure
 * the temporary is removed and `nn::data_error` names `path`, e.g.
 * `"h.csv: cannot write the history: cannot create h.csv.tmp (No such file or directory)"`.
 * @param path  the file to write
 * @param bytes its whole new content
 * @param what  what it holds, for messages: `"the checkpoint"`, `"the history"`
 * @ingroup ch09
 */
void write_file_atomically(const std::string& path, const std::string& bytes,
                           const std::string& what);

}  // namespace nn
