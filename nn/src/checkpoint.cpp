// [listing]
#include "nn/checkpoint.hpp"

#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/files.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <limits>
#include <sstream>
#include <type_traits>
#include <vector>

namespace nn {

namespace {

constexpr char magic[4] = {'N', 'N', 'C', 'K'};
constexpr std::uint32_t format_version = 2;  // 1: weights only

// The unsigned integer with the same bits as the scalar: how a value is stored.
template <class T>
using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

std::uint32_t crc32_of(const std::string& bytes, std::size_t count) {
  return static_cast<std::uint32_t>(
      crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data()), count));
}

// "dense_1.W (576, 64)": how messages name a parameter.
std::string describe(const std::string& layer, const std::string& name, const Shape& shape) {
  return layer + "." + name + " " + to_string(shape);
}

// Appends little-endian fields, byte by byte, so the file is the same on every machine.
class Writer {
 public:
  std::string bytes;

  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void text(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes += s;
  }
  template <class T>
  void values(const T* x, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) put(std::bit_cast<Bits<T>>(x[i]), sizeof(T));
  }

 private:
  void put(std::uint64_t v, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) bytes.push_back(static_cast<char>(v >> (8 * i)));
  }
};

// Reads little-endian fields; running out of bytes means the file was cut short.
class Reader {
 public:
  Reader(const std::string& bytes, const std::string& path) : bytes_(bytes), path_(path) {}

  std::uint32_t u32(const std::string& what) { return static_cast<std::uint32_t>(get(4, what)); }
  std::uint64_t u64(const std::string& what) { return get(8, what); }
  template <class T>
  T scalar(const std::string& what) {
    return std::bit_cast<T>(static_cast<Bits<T>>(get(sizeof(T), what)));
  }
  std::string text(const std::string& what) {
    const std::size_t size = u32(what);
    need(size, what);
    pos_ += size;
    return bytes_.substr(pos_ - size, size);
  }
  // Steps over `size` bytes; returns where they start.
  std::size_t skip(std::size_t size, const std::string& what) {
    need(size, what);
    pos_ += size;
    return pos_ - size;
  }
  std::size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::uint64_t get(std::size_t size, const std::string& what) {
    need(size, what);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < size; ++i)
      v |= std::uint64_t{static_cast<unsigned char>(bytes_[pos_ + i])} << (8 * i);
    pos_ += size;
    return v;
  }
  void need(std::size_t size, const std::string& what) const {
    if (size > remaining())
      throw data_error(path_, "truncated: the file ends after " + std::to_string(bytes_.size()) +
                                  " bytes, inside " + what);
  }

  const std::string& bytes_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

// a * b, or the largest size_t if that overflows (a size no file can have).
std::size_t saturating_product(std::size_t a, std::size_t b) {
  return b != 0 && a > std::numeric_limits<std::size_t>::max() / b
             ? std::numeric_limits<std::size_t>::max()
             : a * b;
}

// One parameter as the file describes it; its values stay in the file's bytes until checked.
struct Record {
  std::string layer, name;
  Shape shape;
  std::size_t offset = 0;  // where its values start in the file
};

// One optimizer state vector in the file: where its values start, and how many.
struct Blob {
  std::size_t offset = 0, count = 0;
};

// The whole file, read only once its first bytes are the magic: a large file
// that is no checkpoint is refused after 4 bytes, not after reading all of it.
std::string read_file(const std::string& path) {
  namespace fs = std::filesystem;
  if (!fs::exists(path)) throw data_error(path, "no such checkpoint file");
  if (!fs::is_regular_file(path)) throw data_error(path, "not a checkpoint (not a regular file)");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw data_error(path,
                     "cannot open the checkpoint (" + std::string(std::strerror(errno)) + ")");
  std::string bytes(sizeof magic, '\0');
  in.read(bytes.data(), sizeof magic);
  if (in.gcount() != sizeof magic || bytes.compare(0, sizeof magic, magic, sizeof magic) != 0)
    throw data_error(path, "not a checkpoint (it does not start with NNCK)");
  bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return bytes;
}

// The first line where two architectures differ, or "" if they agree.
std::string first_difference(const std::string& saved, const std::string& ours) {
  std::istringstream a(saved), b(ours);
  std::string la, lb;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "";
    if (!more_a) la = "no layer";
    if (!more_b) lb = "no layer";
    if (la != lb) return "checkpoint has '" + la + "', model has '" + lb + "'";
  }
}

// [checkpoint-state]
// What a checkpoint holds of a layer: its trainable params, then its state (batch norm's
// running averages), which no gradient trains but inference needs.
template <class T>
std::vector<Param<T>> saved_tensors(Layer<T>& layer) {
  std::vector<Param<T>> all = layer.params();
  for (const Param<T>& s : layer.state()) all.push_back(s);
  return all;
}
// [checkpoint-state]

}  // namespace

template <class T>
std::string architecture_of(const Sequential<T>& model) {
  std::ostringstream o;
  const auto& layers = model.layers();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer<T>& layer = *layers[i];
    o << layer.name() << " " << layer.kind();
    if (const auto* d = dynamic_cast<const Dense<T>*>(&layer)) o << " " << to_string(d->activation());
    if (const auto* c = dynamic_cast<const Conv2D<T>*>(&layer))
      o << " " << to_string(c->activation()) << " K=" << c->kernel_size() << " S=" << c->stride()
        << " " << to_string(c->padding());
    const Shape& out = i + 1 < layers.size() ? layers[i + 1]->in_shape() : model.output_shape();
    o << " " << to_string(layer.in_shape()) << " -> " << to_string(out) << "\n";
  }
  return o.str();
}

// [save-checkpoint]
template <class T>
void save_checkpoint(Sequential<T>& model, const std::string& path, TrainingPosition at) {
  Writer w;
  w.bytes.append(magic, sizeof magic);
  w.u32(format_version);
  w.u32(sizeof(T));
  w.text(architecture_of(model));
  std::uint64_t count = 0;
  for (const auto& layer : model.layers()) count += saved_tensors(*layer).size();
  w.u64(count);
  for (const auto& layer : model.layers()) {
    for (const Param<T>& p : saved_tensors(*layer)) {
      w.text(layer->name());
      w.text(p.name);
      w.u32(static_cast<std::uint32_t>(p.value->dimension()));
      for (std::size_t d : p.value->shape()) w.u64(d);
      w.values(p.value->data(), p.value->size());
    }
  }
  // What resuming needs besides the weights: the optimizer's memory, the position, the generator.
  const OptimizerState<T> opt =
      model.optimizer() ? model.optimizer()->export_state() : OptimizerState<T>{};
  w.text(opt.name);
  w.u64(opt.slots.size());
  for (const auto& slot : opt.slots) {
    w.u64(slot.size());
    for (const auto& v : slot) {
      w.u64(v.size());
      w.values(v.data(), v.size());
    }
  }
  w.u64(opt.steps.size());
  for (std::int64_t t : opt.steps) w.u64(static_cast<std::uint64_t>(t));
  w.u64(at.epoch);
  w.u64(at.batch);
  w.text(model.generator().state());
  w.u32(crc32_of(w.bytes, w.bytes.size()));  // of everything before it
  write_file_atomically(path, w.bytes, "the checkpoint");
}
// [save-checkpoint]

// [load-checkpoint]
template <class T>
TrainingPosition load_checkpoint(Sequential<T>& model, const std::string& path) {
  {  // a save killed between writing its temporary and the rename left this behind
    std::error_code ignored;
    if (std::filesystem::is_regular_file(path + ".tmp", ignored))
      std::filesystem::remove(path + ".tmp", ignored);
  }
  const std::string bytes = read_file(path);  // checks the magic first

  // 1. The header.
  Reader r(bytes, path);
  r.skip(sizeof magic, "the header");
  const std::uint32_t version = r.u32("the header");
  if (version != 1 && version != format_version)
    throw data_error(path, "unsupported checkpoint version " + std::to_string(version) +
                               " (this library reads versions 1 and 2)");
  const std::uint32_t scalar_size = r.u32("the header");
  if (scalar_size != 4 && scalar_size != 8)
    throw data_error(path, "corrupt: scalar size " + std::to_string(scalar_size) + ", not 4 or 8");
  const std::string architecture = version >= 2 ? r.text("the architecture") : "";
  const std::uint64_t count = r.u64("the header");

  // 2. The parameters' names and shapes, then the checksum over everything before it.
  std::vector<Record> records;
  for (std::uint64_t i = 0; i < count; ++i) {
    Record rec;
    const std::string which = "parameter " + std::to_string(i + 1) + " of " + std::to_string(count);
    rec.layer = r.text(which);
    rec.name = r.text(which);
    const std::uint32_t rank = r.u32(which);
    std::size_t elements = 1;
    for (std::uint32_t d = 0; d < rank; ++d) {
      rec.shape.push_back(r.u64(which));
      elements = saturating_product(elements, rec.shape.back());
    }
    rec.offset = r.skip(saturating_product(elements, scalar_size),
                        "the values of " + describe(rec.layer, rec.name, rec.shape));
    records.push_back(std::move(rec));
  }
  // 2b. The training state (version 2).
  std::string optimizer_name, generator_state;
  std::vector<std::vector<Blob>> slots;
  std::vector<std::int64_t> steps;
  TrainingPosition at;
  if (version >= 2) {
    optimizer_name = r.text("the optimizer state");
    const std::uint64_t slot_count = r.u64("the optimizer state");
    for (std::uint64_t s = 0; s < slot_count; ++s) {
      slots.emplace_back();
      const std::uint64_t vectors = r.u64("the optimizer state");
      for (std::uint64_t v = 0; v < vectors; ++v) {
        const std::size_t n = r.u64("the optimizer state");
        slots.back().push_back({r.skip(saturating_product(n, scalar_size), "the optimizer state"), n});
      }
    }
    const std::uint64_t step_count = r.u64("the optimizer's step counts");
    for (std::uint64_t s = 0; s < step_count; ++s)
      steps.push_back(static_cast<std::int64_t>(r.u64("the optimizer's step counts")));
    at.epoch = r.u64("the training position");
    at.batch = r.u64("the training position");
    generator_state = r.text("the generator state");
  }
  if (r.remaining() < 4) r.u32("the checksum");  // throws "truncated"
  if (r.remaining() > 4)
    throw data_error(path, "corrupt: " + std::to_string(r.remaining() - 4) +
                               " unexpected bytes after the last parameter");
  const std::size_t body = bytes.size() - 4;
  const std::uint32_t stored = r.u32("the checksum"), computed = crc32_of(bytes, body);
  if (stored != computed) {
    std::ostringstream o;
    o << std::hex << std::setfill('0') << "corrupt: checksum mismatch (stored " << std::setw(8)
      << stored << ", computed " << std::setw(8) << computed << ")";
    throw data_error(path, o.str());
  }

  // 3. The file is intact: does it fit this model?
  if (scalar_size != sizeof(T)) {
    const std::string saved = scalar_size == 8 ? "double" : "single";
    const std::string ours = sizeof(T) == 8 ? "double" : "float";
    throw data_error(path, "saved in " + saved + " precision, model is " + ours +
                               ": load it into an nn::Sequential<" +
                               (scalar_size == 8 ? "double" : "float") + ">");
  }
  if (version >= 2) {
    const std::string difference = first_difference(architecture, architecture_of(model));
    if (!difference.empty()) throw data_error(path, "architecture differs: " + difference);
  }
  std::vector<Param<T>> params;
  std::vector<std::string> in_model;  // "dense_1.W (576, 64)", one per parameter
  for (const auto& layer : model.layers())
    for (const Param<T>& p : saved_tensors(*layer)) {
      params.push_back(p);
      in_model.push_back(describe(layer->name(), p.name, shape_of(*p.value)));
    }
  std::vector<std::string> in_file;
  for (const Record& rec : records) in_file.push_back(describe(rec.layer, rec.name, rec.shape));
  for (std::size_t i = 0; i < std::min(in_file.size(), in_model.size()); ++i)
    if (in_file[i] != in_model[i])
      throw data_error(path, "checkpoint has " + in_file[i] + ", model has " + in_model[i]);
  if (in_file.size() != in_model.size()) {
    const std::string counts = "checkpoint has " + std::to_string(in_file.size()) +
                               " parameters, model has " + std::to_string(in_model.size()) + ": ";
    throw data_error(path, in_file.size() > in_model.size()
                               ? counts + "the model has nothing for " + in_file[in_model.size()]
                               : counts + in_model[in_file.size()] + " is not in the checkpoint");
  }

  // 4. Decode into temporaries, then copy: nothing above has touched the model.
  std::vector<std::vector<T>> values(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    Reader v(bytes, path);
    v.skip(records[i].offset, "the values");
    values[i].resize(params[i].value->size());
    for (T& x : values[i]) x = v.scalar<T>("the values");
  }
  Optimizer<T>* optimizer = model.optimizer();
  if (optimizer && !optimizer_name.empty() && optimizer_name != optimizer->name())
    throw data_error(path, "saved with " + optimizer_name + ", model uses " + optimizer->name() +
                               ": compile the model with " + optimizer_name + " to resume");
  OptimizerState<T> state{optimizer_name, {}, steps};
  for (const auto& slot : slots) {
    state.slots.emplace_back();
    for (const Blob& blob : slot) {
      Reader v(bytes, path);
      v.skip(blob.offset, "the optimizer state");
      state.slots.back().emplace_back(blob.count);
      for (T& x : state.slots.back().back()) x = v.scalar<T>("the optimizer state");
    }
  }
  Generator generator;
  if (version >= 2) {
    try {
      generator.set_state(generator_state);
    } catch (const value_error&) {
      throw data_error(path, "corrupt: the generator state does not parse");
    }
  }
  // Nothing has failed: only now is the model changed.
  for (std::size_t i = 0; i < records.size(); ++i)
    std::copy(values[i].begin(), values[i].end(), params[i].value->data());
  if (version >= 2) {
    if (optimizer && !optimizer_name.empty()) optimizer->import_state(state);
    model.generator() = generator;
  }
  return at;
}
// [load-checkpoint]

template void save_checkpoint<float>(Sequential<float>&, const std::string&, TrainingPosition);
template void save_checkpoint<double>(Sequential<double>&, const std::string&, TrainingPosition);
template TrainingPosition load_checkpoint<float>(Sequential<float>&, const std::string&);
template TrainingPosition load_checkpoint<double>(Sequential<double>&, const std::string&);
template std::string architecture_of<float>(const Sequential<float>&);
template std::string architecture_of<double>(const Sequential<double>&);

}  // namespace nn
// [listing]
