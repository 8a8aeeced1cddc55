// Runs one SimpleRNN or LSTM forward and backward on numbers read from standard input
// and prints the outputs and gradients, so that another implementation
// (compare_torch.py: PyTorch) can be checked against this one on the same case.
//
// Input, whitespace separated: kind ("rnn" or "lstm"), N T D H return_sequences (0/1),
// then Wx (D, G), Wh (H, G), b (G,), h0 (N, H), c0 (N, H; lstm only), x (N, T, D) and
// dy (the output's shape), with G = H for rnn and 4H for lstm, gates i, f, g, o.
// Output: one line per tensor, "name v1 v2 ...": y dx dWx dWh db dh0 [dc0].
#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <string>

#include "nn/cli.hpp"
#include "nn/lstm.hpp"
#include "nn/rnn.hpp"

namespace {
nn::Tensor<double> read(std::istream& in, const nn::Shape& shape) {
  nn::Tensor<double> t = nn::Tensor<double>::from_shape(shape);
  for (auto& v : t)
    if (!(in >> v)) throw std::runtime_error("input ended early");
  return t;
}
void print(const std::string& name, const nn::Tensor<double>& t) {
  std::cout << name << std::setprecision(17);
  for (auto v : t) std::cout << ' ' << v;
  std::cout << '\n';
}
template <class L>
void run(L& layer, std::istream& in, std::size_t N, std::size_t T, std::size_t D, std::size_t H,
         bool sequences) {
  nn::Generator rng(1);
  layer.build({T, D}, rng);
  const std::size_t G = layer.b.size();
  layer.Wx = read(in, {D, G});
  layer.Wh = read(in, {H, G});
  layer.b = read(in, {G});
  const nn::Tensor<double> h0 = read(in, {N, H});
  nn::Tensor<double> c0;
  if constexpr (std::is_same_v<L, nn::LSTM<double>>) {
    c0 = read(in, {N, H});
    layer.set_initial_state(h0, c0);
  } else {
    layer.set_initial_state(h0);
  }
  const nn::Tensor<double> x = read(in, {N, T, D});
  const nn::Tensor<double> dy = read(in, sequences ? nn::Shape{N, T, H} : nn::Shape{N, H});
  print("y", layer.forward(x));
  print("dx", layer.backward(dy));
  print("dWx", layer.dWx);
  print("dWh", layer.dWh);
  print("db", layer.db);
  print("dh0", layer.dh0);
  if constexpr (std::is_same_v<L, nn::LSTM<double>>) print("dc0", layer.dc0);
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Reads one recurrent case from standard input (see the top of rnn_io.cpp) and prints its "
      "outputs and gradients: rnn_io < case.txt"};
  return nn::cli::run(app, argc, argv, [&] {
    std::string kind;
    std::size_t N, T, D, H;
    int sequences;
    if (!(std::cin >> kind >> N >> T >> D >> H >> sequences))
      throw std::runtime_error("standard input: no header (kind N T D H return_sequences)");
    if (kind == "lstm") {
      nn::LSTM<double> layer(H, sequences != 0);
      run(layer, std::cin, N, T, D, H, sequences != 0);
    } else if (kind == "rnn") {
      nn::SimpleRNN<double> layer(H, sequences != 0);
      run(layer, std::cin, N, T, D, H, sequences != 0);
    } else {
      throw std::runtime_error("standard input: kind must be rnn or lstm, got " + kind);
    }
    return 0;
  });
}
