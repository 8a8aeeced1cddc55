// Chapter 5 demo: the worked example of the text (a 4x4 image, a 2x2 kernel) run
// through nn::im2col and nn::Conv2D<double>, forward and backward, every value printed.
//   conv_demo [--out DIR]   also writes im2col_input.csv and im2col_cols.csv (the figure)
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "nn/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/files.hpp"
#include "nn/gemm.hpp"

using nn::Tensor;

namespace {

// Prints a matrix (R, Cols) as rows of right-aligned numbers, indented.
void print_matrix(const double* m, std::size_t R, std::size_t Cols) {
  for (std::size_t r = 0; r < R; ++r) {
    std::cout << "   ";
    for (std::size_t c = 0; c < Cols; ++c) std::cout << std::setw(4) << m[r * Cols + c];
    std::cout << "\n";
  }
}

void write_csv(const std::filesystem::path& path, const double* m, std::size_t R,
               std::size_t Cols) {
  std::ostringstream out;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < Cols; ++c) out << m[r * Cols + c] << (c + 1 < Cols ? "," : "\n");
  nn::write_file_atomically(path.string(), out.str(), "the matrix");
}

// [full-convolution]
// dx as a "full" convolution: dy zero-padded by K - 1 on every side, correlated
// with the kernel turned by 180 degrees:
//   dx[h, w] = sum_{i,j} W[K-1-i, K-1-j] dy[h + i - (K-1), w + j - (K-1)]
Tensor<double> full_convolution(const Tensor<double>& dy, const Tensor<double>& W) {
  const std::size_t Ho = dy.shape(0), Wo = dy.shape(1), K = W.shape(0);
  Tensor<double> dx = xt::zeros<double>({Ho + K - 1, Wo + K - 1});
  for (std::size_t h = 0; h < Ho + K - 1; ++h)
    for (std::size_t w = 0; w < Wo + K - 1; ++w)
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) {
          const long oh = long(h + i) - long(K - 1), ow = long(w + j) - long(K - 1);
          // outside dy: the zero padding
          if (oh < 0 || ow < 0 || oh >= long(Ho) || ow >= long(Wo)) continue;
          dx(h, w) += W(K - 1 - i, K - 1 - j) * dy(oh, ow);
        }
  return dx;
}
// [full-convolution]

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 5: the 4x4 image and 2x2 kernel of the worked example, through Conv2D"};
  std::string out;
  app.add_option("--out", out, "directory for im2col_input.csv and im2col_cols.csv")
      ->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {

    // The numbers of the text and of chapters/05_cnn/test_conv2d.cpp.
    nn::Generator rng(1);
    nn::Conv2D<double> conv(1, 2);  // one filter, 2x2, no activation, stride 1, 'valid'
    conv.build({1, 4, 4}, rng);
    conv.W = Tensor<double>{{{{1, -1}, {0, 2}}}};  // (F, C, K, K) = (1, 1, 2, 2)
    conv.b = {1};
    const Tensor<double> x = {{{{1, 2, 0, 1},  //
                                {0, 1, 3, 2},
                                {2, 0, 1, 1},
                                {1, 3, 0, 2}}}};
    const nn::ConvGeometry& g = conv.geometry();

    std::cout << "x: one image, one channel, " << g.H << "x" << g.Wd << "\n";
    print_matrix(x.data(), g.H, g.Wd);
    std::cout << "W: one filter, " << g.K << "x" << g.K << ", and b = " << conv.b(0) << "\n";
    print_matrix(conv.W.data(), g.K, g.K);
    std::cout << "output size: Ho = (H + 2P - K)/S + 1 = (" << g.H << " + 0 - " << g.K << ")/" << g.S
              << " + 1 = " << g.Ho << ", likewise Wo = " << g.Wo << "\n\n";

    // im2col: one row per kernel weight (i, j), one column per output position (oh, ow)
    const std::size_t rows = g.patch_size(), cols_n = g.out_pixels();
    Tensor<double> cols = Tensor<double>::from_shape({rows, cols_n});
    nn::im2col(x.data(), g, cols.data(), cols_n);
    std::cout << "cols = im2col(x): (C*K*K, Ho*Wo) = (" << rows << ", " << cols_n
              << "): a row per kernel weight, a column per output\n";
    std::cout << "   (i, j) \\ (oh, ow)";
    for (std::size_t p = 0; p < cols_n; ++p) std::cout << " (" << p / g.Wo << "," << p % g.Wo << ")";
    std::cout << "\n";
    for (std::size_t r = 0; r < rows; ++r) {
      std::cout << "   (" << r / g.K << ", " << r % g.K << ")           ";
      for (std::size_t p = 0; p < cols_n; ++p) std::cout << std::setw(6) << cols(r, p);
      std::cout << "\n";
    }

    // z = W · cols + b, with W viewed as the (F, C*K*K) = (1, 4) matrix [1, -1, 0, 2]
    Tensor<double> z = Tensor<double>::from_shape({1, cols_n});
    nn::gemm(false, false, 1, cols_n, rows, 1.0, conv.W.data(), cols.data(), 0.0, z.data());
    z += conv.b(0);
    std::cout << "z = W · cols + b, W as the row [1, -1, 0, 2]: (1, " << cols_n << ")\n";
    print_matrix(z.data(), 1, cols_n);

    const Tensor<double> y = conv.forward(x);
    std::cout << "Conv2D forward: (N, F, Ho, Wo) = (1, 1, " << g.Ho << ", " << g.Wo
              << "), the same numbers as z\n";
    print_matrix(y.data(), g.Ho, g.Wo);

    // Backward twice: all-ones dy, then a dy that is 1 at output (1, 2) only.
    Tensor<double> one_hot = xt::zeros<double>(nn::Shape{1, 1, g.Ho, g.Wo});
    one_hot(0, 0, 1, 2) = 1;
    const std::pair<const char*, Tensor<double>> cases[] = {
        {"dy = 1 at every output", xt::ones<double>(nn::Shape{1, 1, g.Ho, g.Wo})},
        {"dy = 1 at output (1, 2) only, 0 elsewhere", one_hot}};
    for (const auto& [title, dy] : cases) {
      conv.zero_grad();
      conv.forward(x);
      const Tensor<double> dx = conv.backward(dy);
      std::cout << "\nbackward with " << title << "\n";
      std::cout << "dW: the correlation of x with dy\n";
      print_matrix(conv.dW.data(), g.K, g.K);
      std::cout << "db: the sum of dy = " << conv.db(0) << "\n";
      std::cout << "dx: col2im(Wᵀ · dy), as the layer computes it\n";
      print_matrix(dx.data(), g.H, g.Wd);
      // the same tensors as plain matrices: dy (Ho, Wo), W (K, K), dx (H, Wd)
      Tensor<double> dy2 = dy, W2 = conv.W, dx2 = dx;
      dy2.reshape({g.Ho, g.Wo});
      W2.reshape({g.K, g.K});
      dx2.reshape({g.H, g.Wd});
      const bool same = full_convolution(dy2, W2) == dx2;
      std::cout << "dx as the full convolution of dy with the flipped kernel: "
                << (same ? "the same" : "DIFFERENT") << "\n";
      if (!same) return 1;
    }

    if (!out.empty()) {
      write_csv(std::filesystem::path(out) / "im2col_input.csv", x.data(), g.H, g.Wd);
      write_csv(std::filesystem::path(out) / "im2col_cols.csv", cols.data(), rows, cols_n);
    }
    return 0;
  });
}
