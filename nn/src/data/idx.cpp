// [listing]
#include "nn/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <system_error>

namespace nn {
namespace {

// Closes the gzFile however the reader leaves.
struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

std::string hex(std::uint32_t v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*X", digits, static_cast<unsigned>(v));
  return buf;
}

std::string type_name(std::uint8_t type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "16-bit integer";
    case 0x0C: return "32-bit integer";
    case 0x0D: return "32-bit float";
    case 0x0E: return "64-bit float";
    default: return "unknown type";
  }
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Reads up to `want` bytes; returns how many came. gzread's length is an
// unsigned int, so large reads go in chunks.
std::size_t read_some(gzFile f, std::uint8_t* out, std::size_t want, const std::string& path) {
  constexpr std::size_t chunk = std::size_t{1} << 24;  // 16 MiB
  std::size_t got = 0;
  while (got < want) {
    const auto len = static_cast<unsigned>(std::min(want - got, chunk));
    const int n = gzread(f, out + got, len);
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(f, &errnum);
      throw data_error(path, std::string("damaged gzip data (") + msg + ")");
    }
    got += static_cast<std::size_t>(n);
    if (static_cast<unsigned>(n) < len) break;  // end of file
  }
  return got;
}

// After a short read: a gzip stream that ends early is reported as such.
std::string short_read_cause(gzFile f) {
  int errnum = 0;
  gzerror(f, &errnum);
  return errnum == Z_BUF_ERROR ? "truncated gzip stream" : "truncated";
}

}  // namespace

// [read-idx]
IdxArray read_idx(const std::string& path, std::size_t expected_rank) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw data_error(path, "no such file; check the path (IDX files may be plain or gzipped)");
  if (std::filesystem::is_directory(path, ec))
    throw data_error(path, "is a directory, not an IDX file");
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f) throw data_error(path, "cannot open for reading");
  gzbuffer(f.get(), 1u << 17);  // a larger buffer reads a 47 MB file noticeably faster

  // Magic number: 0x00 0x00, the data type, the number of dimensions.
  std::uint8_t magic[4];
  const std::size_t got_magic = read_some(f.get(), magic, 4, path);
  if (got_magic < 4)
    throw data_error(path, short_read_cause(f.get()) + " header: expected 4 bytes of magic number, got " +
                               std::to_string(got_magic));
  const std::uint32_t found = (std::uint32_t{magic[0]} << 24) | (std::uint32_t{magic[1]} << 16) |
                              (std::uint32_t{magic[2]} << 8) | magic[3];
  const std::string expected =
      expected_rank ? hex(0x0800u | static_cast<std::uint32_t>(expected_rank), 8) + " (unsigned bytes, " +
                          plural(expected_rank, "dimension") + ")"
                    : std::string("0x000008NN (unsigned bytes, NN dimensions)");
  if (magic[0] != 0 || magic[1] != 0)
    throw data_error(path, "wrong magic number: expected " + expected + ", got " + hex(found, 8) +
                               "; not an IDX file");
  if (magic[2] != 0x08)
    throw data_error(path, "unsupported data type " + hex(magic[2], 2) + " (" + type_name(magic[2]) +
                               ") in magic number " + hex(found, 8) +
                               "; only 0x08 (unsigned byte) is supported");
  const std::size_t rank = magic[3];
  if (rank == 0 || (expected_rank && rank != expected_rank))
    throw data_error(path, "wrong magic number: expected " + expected + ", got " + hex(found, 8) + " (" +
                               plural(rank, "dimension") + ")");

  // The dimensions: one big-endian 32-bit size each, outermost first.
  std::vector<std::uint8_t> dims(4 * rank);
  const std::size_t got_dims = read_some(f.get(), dims.data(), dims.size(), path);
  if (got_dims < dims.size())
    throw data_error(path, short_read_cause(f.get()) + " header: expected " + std::to_string(dims.size()) +
                               " bytes of dimension sizes, got " + std::to_string(got_dims));
  IdxArray a;
  std::size_t count = 1;
  for (std::size_t r = 0; r < rank; ++r) {
    const std::uint8_t* d = &dims[4 * r];
    const std::size_t size = (std::size_t{d[0]} << 24) | (std::size_t{d[1]} << 16) |
                             (std::size_t{d[2]} << 8) | d[3];
    a.shape.push_back(size);
    if (size && count > std::numeric_limits<std::size_t>::max() / size)
      throw data_error(path, "dimensions " + to_string(a.shape) + " are too large");
    count *= size;
  }

  // The header checked against the file's size before anything is allocated: a
  // plain file holds exactly its bytes; deflate expands at most 1032-fold.
  const std::size_t header = 4 + 4 * rank;
  const auto file_size = static_cast<std::size_t>(std::filesystem::file_size(path, ec));
  if (!ec && gzdirect(f.get()) && count > file_size - std::min(file_size, header))
    throw data_error(path, "truncated data: the header promises " + to_string(a.shape) + " = " +
                               std::to_string(count) + " bytes, got " +
                               std::to_string(file_size - std::min(file_size, header)));
  if (!ec && !gzdirect(f.get()) && count / 1032 > file_size)
    throw data_error(path, "truncated gzip stream data: the header promises " + to_string(a.shape) +
                               " = " + std::to_string(count) + " bytes, more than " +
                               std::to_string(file_size) + " compressed bytes can hold");

  // The data, then nothing more. The buffer grows as bytes arrive (64 KiB, then
  // doubling up to 64 MiB at a time), so a damaged gzip header promising more than
  // the stream holds fails on the missing bytes, not on memory.
  std::size_t step = std::size_t{1} << 16;
  std::size_t got = 0;
  while (got < count) {
    const std::size_t want = std::min(count - got, step);
    a.data.resize(got + want);
    const std::size_t n = read_some(f.get(), a.data.data() + got, want, path);
    got += n;
    if (n < want) break;
    step = std::min(2 * step, std::size_t{1} << 26);
  }
  if (got < count)
    throw data_error(path, short_read_cause(f.get()) + " data: the header promises " + to_string(a.shape) +
                               " = " + std::to_string(count) + " bytes, got " + std::to_string(got));
  std::size_t extra = 0;
  std::uint8_t sink[4096];
  while (const std::size_t n = read_some(f.get(), sink, sizeof sink, path)) extra += n;
  if (extra)
    throw data_error(path, "trailing garbage: " + plural(extra, "byte") + " after the " +
                               std::to_string(count) + " bytes of data promised by the header " +
                               to_string(a.shape));
  return a;
}
// [read-idx]

void write_idx_gz(const std::string& path, const IdxArray& array) {
  if (array.shape.empty() || array.shape.size() > 255)
    throw data_error(path, "cannot write " + std::to_string(array.shape.size()) +
                               " dimensions; IDX allows 1 to 255");
  for (std::size_t size : array.shape)
    if (size > 0xFFFFFFFFu) throw data_error(path, "dimension " + std::to_string(size) + " exceeds 2^32 - 1");
  if (element_count(array.shape) != array.data.size())
    throw data_error(path, "shape " + to_string(array.shape) + " needs " +
                               std::to_string(element_count(array.shape)) + " bytes, the array has " +
                               std::to_string(array.data.size()));

  std::vector<std::uint8_t> header{0, 0, 0x08, static_cast<std::uint8_t>(array.shape.size())};
  for (std::size_t size : array.shape)
    for (int shift : {24, 16, 8, 0}) header.push_back(static_cast<std::uint8_t>(size >> shift));

  const std::string tmp = path + ".tmp";
  // zlib writes a gzip header without a time stamp, so the output is reproducible.
  gzFile f = gzopen(tmp.c_str(), "wb9");
  if (!f) throw data_error(tmp, "cannot open for writing");
  bool ok = gzwrite(f, header.data(), static_cast<unsigned>(header.size())) == static_cast<int>(header.size());
  constexpr std::size_t chunk = std::size_t{1} << 24;
  for (std::size_t at = 0; ok && at < array.data.size(); at += chunk) {
    const auto len = static_cast<unsigned>(std::min(array.data.size() - at, chunk));
    ok = gzwrite(f, array.data.data() + at, len) == static_cast<int>(len);
  }
  ok = (gzclose(f) == Z_OK) && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path, ec);
  if (!ok || ec) {
    std::filesystem::remove(tmp, ec);
    throw data_error(path, "could not be written (disk full or no permission?)");
  }
}

}  // namespace nn
// [listing]
