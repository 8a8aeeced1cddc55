# The reference the capstone mirrors: the classic Keras convnet for the MNIST digits
# (F. Chollet, "Deep Learning with Python", section 5.1), which mnist_cnn.cpp rewrites
# line for line in C++. A reference listing for the book, shown beside the C++ code:
# it is not run by the build, and the book needs neither Keras nor TensorFlow.
from keras import layers, models
from keras.datasets import mnist
from keras.utils import to_categorical

# 60,000 training and 10,000 test images, 28x28 bytes, scaled to [0, 1]; NHWC
(train_images, train_labels), (test_images, test_labels) = mnist.load_data()
train_images = train_images.reshape((60000, 28, 28, 1)).astype("float32") / 255
test_images = test_images.reshape((10000, 28, 28, 1)).astype("float32") / 255
train_labels = to_categorical(train_labels)  # one-hot, as categorical_crossentropy wants
test_labels = to_categorical(test_labels)

# [keras-model]
model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu",
                        input_shape=(28, 28, 1)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.Flatten())
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10, activation="softmax"))
model.summary()

model.compile(optimizer="rmsprop",
              loss="categorical_crossentropy",
              metrics=["accuracy"])
model.fit(train_images, train_labels,
          epochs=5, batch_size=64)

test_loss, test_acc = model.evaluate(test_images,
                                     test_labels)
print("test loss", test_loss,
      "test accuracy", test_acc)
# [keras-model]
