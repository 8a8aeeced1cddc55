// Chapter 6 demo: how much a 2x2 max-pooled (and average-pooled) map changes when its
// input moves by one pixel, against how much the input itself changes. The input is a
// hand-drawn 7.
//
//   pool_demo [--out DIR]   also writes DIR/pool_example.csv: the chapter's 4x4 worked
//                           example through MaxPool2D and AvgPool2D, forward and backward
//                           (the book's figure of pooling windows and their gradients)
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/cli.hpp"
#include "nn/files.hpp"
#include "nn/pooling.hpp"

using nn::Tensor;

namespace {

// A 12x12 "7" with strokes two pixels wide: '#' is 1, '+' is 0.5 (the soft edge a
// scanned pen stroke has), '.' is 0.
const std::vector<std::string> seven = {"............",  //
                                        "..########+.",  //
                                        "..########+.",  //
                                        "........##..",  //
                                        ".......+##..",  //
                                        ".......##+..",  //
                                        "......+##...",  //
                                        "......##+...",  //
                                        ".....+##....",  //
                                        ".....##+....",  //
                                        ".....##.....",  //
                                        "............"};

// The picture as a batch of one (N, C, H, Wd) = (1, 1, 12, 12), moved down by dh and
// right by dw pixels; what moves out of the frame is lost, what moves in is 0.
Tensor<double> image(long dh, long dw) {
  const long H = long(seven.size()), Wd = long(seven[0].size());
  Tensor<double> x = xt::zeros<double>(nn::Shape{1, 1, seven.size(), seven[0].size()});
  for (long h = 0; h < H; ++h)
    for (long w = 0; w < Wd; ++w) {
      const long sh = h - dh, sw = w - dw;  // the pixel that lands on (h, w)
      if (sh < 0 || sw < 0 || sh >= H || sw >= Wd) continue;
      const char c = seven[sh][sw];
      x(0, 0, h, w) = c == '#' ? 1.0 : c == '+' ? 0.5 : 0.0;
    }
  return x;
}

// How different two maps of the same shape are, position by position:
//   change = sum |a - b| / sum |a|   (0: identical; 2: no overlap at all)
double relative_change(const Tensor<double>& a, const Tensor<double>& b) {
  double diff = 0, size = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff += std::abs(a.data()[i] - b.data()[i]);
    size += std::abs(a.data()[i]);
  }
  return diff / size;
}

// Prints maps side by side, one character per value: '#' 1, '+' 0.5, '.' 0.
void print_side_by_side(const std::vector<std::pair<std::string, Tensor<double>>>& maps) {
  const auto print_line = [](std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);  // no trailing blanks
    std::cout << line << "\n";
  };
  std::string titles;
  for (const auto& [title, m] : maps)
    titles += title + std::string(2 * m.shape(3) + 3 - title.size(), ' ');
  print_line(titles);
  for (std::size_t h = 0; h < maps[0].second.shape(2); ++h) {
    std::string line;
    for (const auto& [title, m] : maps) {
      for (std::size_t w = 0; w < m.shape(3); ++w) {
        const double v = m(0, 0, h, w);
        line += v >= 1 ? " #" : v > 0 ? " +" : " .";
      }
      line += "   ";
    }
    print_line(line);
  }
}

// The worked example of the chapter's tests, through both pooling layers, as rows
// "map,row,col,value" (maps: x, y_max, dy_max, dx_max, y_avg, dy_avg, dx_avg).
void write_pool_example(const std::filesystem::path& path) {
  nn::Generator rng(1);
  nn::MaxPool2D<double> max_pool(2);
  nn::AvgPool2D<double> avg_pool(2);
  max_pool.build({1, 4, 4}, rng);
  avg_pool.build({1, 4, 4}, rng);
  const Tensor<double> x = {{{{1, 3, 2, 0}, {4, 2, 1, 5}, {0, 6, 7, 1}, {2, 1, 3, 8}}}};
  const Tensor<double> dy_max = {{{{10, 20}, {30, 40}}}};
  const Tensor<double> dy_avg = {{{{4, 8}, {12, 16}}}};
  const Tensor<double> y_max = max_pool.forward(x);
  const Tensor<double> dx_max = max_pool.backward(dy_max);
  const Tensor<double> y_avg = avg_pool.forward(x);
  const Tensor<double> dx_avg = avg_pool.backward(dy_avg);
  std::ostringstream out;
  out << "map,row,col,value\n";
  for (const auto& [name, m] : std::vector<std::pair<std::string, Tensor<double>>>{
           {"x", x}, {"y_max", y_max}, {"dy_max", dy_max}, {"dx_max", dx_max},
           {"y_avg", y_avg}, {"dy_avg", dy_avg}, {"dx_avg", dx_avg}})
    for (std::size_t h = 0; h < m.shape(2); ++h)
      for (std::size_t w = 0; w < m.shape(3); ++w)
        out << name << "," << h << "," << w << "," << m(0, 0, h, w) << "\n";
  nn::write_file_atomically(path.string(), out.str(), "the pooling example");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Chapter 6: max pooling and a one-pixel shift of the input"};
  std::string out;
  app.add_option("--out", out, "directory for pool_example.csv (the worked example, for the figure)")
      ->check(nn::cli::output_directory());
  return nn::cli::run(app, argc, argv, [&] {
    if (!out.empty()) write_pool_example(std::filesystem::path(out) / "pool_example.csv");

    nn::Generator rng(1);
    nn::MaxPool2D<double> pool(2);  // 2x2 windows, stride 2: 12x12 -> 6x6
    nn::AvgPool2D<double> avg(2);   // the same windows, averaged
    pool.build({1, 12, 12}, rng);
    avg.build({1, 12, 12}, rng);
    const Tensor<double> x = image(0, 0);
    const Tensor<double> y = pool.forward(x);

    const Tensor<double> right = image(0, 1);
    const Tensor<double> y_right = pool.forward(right);
    std::cout << "The 7, the 7 moved one pixel right, and their 2x2 max-pooled maps\n"
                 "('#' 1, '+' 0.5, '.' 0):\n\n";
    print_side_by_side({{"x (12x12)", x}, {"x moved right", right}});
    std::cout << "\n";
    print_side_by_side({{"maxpool(x)", y}, {"maxpool(moved)", y_right}});

    std::cout << "\nchange = sum |after - before| / sum |before|, position by position\n"
              << "(0 means unchanged; a map moved onto empty space scores 2):\n\n"
              << "  shift (down, right)   input x   maxpool(x)   avgpool(x)\n";
    std::cout << std::fixed << std::setprecision(3);
    const Tensor<double> y_avg = avg.forward(x);
    double total_x = 0, total_y = 0, total_avg = 0;
    const std::pair<long, long> shifts[] = {{0, 1}, {1, 0}, {1, 1}, {0, -1}, {-1, 0}, {-1, -1}};
    for (const auto& [dh, dw] : shifts) {
      const Tensor<double> moved = image(dh, dw);
      const double cx = relative_change(x, moved);
      const double cy = relative_change(y, pool.forward(moved));
      const double ca = relative_change(y_avg, avg.forward(moved));
      total_x += cx;
      total_y += cy;
      total_avg += ca;
      std::ostringstream label;
      label << "  (" << std::setw(2) << dh << ", " << std::setw(2) << dw << ")";
      std::cout << std::left << std::setw(22) << label.str() << std::right << std::setw(9) << cx
                << std::setw(13) << cy << std::setw(13) << ca << "\n";
    }
    const double n = static_cast<double>(std::size(shifts));
    std::cout << std::left << std::setw(22) << "  mean of the six" << std::right << std::setw(9)
              << total_x / n << std::setw(13) << total_y / n << std::setw(13) << total_avg / n
              << "\n";

    // Two pixels is a whole window: the pooled map moves by exactly one position.
    const Tensor<double> y2 = pool.forward(image(0, 2));
    Tensor<double> y_shifted = xt::zeros<double>(nn::Shape{1, 1, 6, 6});
    for (std::size_t h = 0; h < 6; ++h)
      for (std::size_t w = 1; w < 6; ++w) y_shifted(0, 0, h, w) = y(0, 0, h, w - 1);
    std::cout << "\nMoved two pixels right, the pooled map is the old one moved one position "
              << "right: " << (y2 == y_shifted ? "yes" : "no") << "\n";
    return 0;
  });
}
