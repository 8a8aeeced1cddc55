// Your first network on nn: a small perceptron that learns to tell the two
// half-moons apart. Change the layers, the optimizer or the data and run it again.
#include <iostream>

#include "nn/data/dataset.hpp"
#include "nn/dense.hpp"
#include "nn/model.hpp"

int main() {
  try {
    nn::Generator data_rng(1);
    const nn::Dataset train = nn::make_moons(200, 0.1, data_rng);  // x: (400, 2), y: (400,) classes
    const nn::Dataset test = nn::make_moons(100, 0.1, data_rng);

    nn::Sequential model({2}, /*seed=*/42);
    model.add(nn::Dense(16, nn::Activation::tanh));
    model.add(nn::Dense(2));  // one logit per class
    model.compile(nn::Adam(0.01f), nn::SoftmaxCrossEntropy(), {"accuracy"});
    std::cout << model.summary();

    model.fit(train.x, train.y, {.epochs = 60, .batch_size = 32, .verbose = 0});
    const nn::Evaluation result = model.evaluate(test.x, test.y);
    std::cout << "test loss " << result.loss << ", test accuracy " << result.accuracy << "\n";
    return result.accuracy > 0.9 ? 0 : 1;  // the two moons are easy: anything less is a bug
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
