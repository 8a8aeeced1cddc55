#include "nn/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "nn/tensor.hpp"

namespace nn {

// [write-file-atomically]
void write_file_atomically(const std::string& path, const std::string& bytes,
                           const std::string& what) {
  namespace fs = std::filesystem;
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw data_error(path, "cannot write " + what + ": cannot create " + tmp + " (" +
                               std::strerror(errno) + ")");
  auto give_up = [&](const std::string& step, int error) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw data_error(path,
                     "cannot write " + what + ": " + step + " (" + std::strerror(error) + ")");
  };
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      give_up("writing " + tmp + " failed", error);
    }
    done += static_cast<std::size_t>(n);
  }
  // fsync before the rename: otherwise a crash could leave the new name on data never written.
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    give_up("fsync of " + tmp + " failed", error);
  }
  if (::close(fd) != 0) {
    const int error = errno;
    give_up("closing " + tmp + " failed", error);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) give_up("renaming " + tmp + " failed", ec.value());
  // Make the rename itself durable. Some file systems refuse to fsync a
  // directory; that costs durability after a power cut, never atomicity.
  const fs::path dir = fs::path(path).parent_path();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}
// [write-file-atomically]

}  // namespace nn
