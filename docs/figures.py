"""The book's figures, drawn from the CSV files the chapter demos write.

One function per figure, named like the PNG it makes. The build runs

    /usr/bin/python3 docs/figures.py <function> <generated-dir> <output.png>

once per figure (nn_book_figure in docs/CMakeLists.txt); <generated-dir> holds
the demos' outputs, one folder per chapter.
"""
import csv
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.colors import ListedColormap  # noqa: E402


def read_columns(path: Path) -> dict[str, list[float]]:
    """A CSV file with a header row, as {column name: values}."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{path}: no data rows")
    return {name: [float(row[name]) for row in rows] for name in rows[0]}


def neuron_loss(generated: Path):
    """Chapter 1: the loss of one sigmoid neuron per step, on AND, OR and XOR."""
    columns = read_columns(generated / "01_neuron" / "neuron_loss.csv")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for name in ("AND", "OR", "XOR"):
        ax.plot(columns["epoch"], columns[name], label=name, linewidth=1.8)
    ax.set_yscale("log")
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel(r"loss $\frac{1}{2N}\sum_n (a_n - y_n)^2$")
    ax.set_title("One sigmoid neuron: AND and OR are learned, XOR is not")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


def spirals_boundary(generated: Path):
    """Chapter 2: the MLP's predicted class over the plane, with the two spirals on top."""
    grid = read_columns(generated / "02_mlp" / "spirals_grid.csv")
    points = read_columns(generated / "02_mlp" / "spirals_points.csv")
    # The demo writes the grid row by row: x1 varies fastest, then x2.
    x1 = sorted(set(grid["x1"]))
    x2 = sorted(set(grid["x2"]))
    classes = [grid["class"][i * len(x1):(i + 1) * len(x1)] for i in range(len(x2))]
    background = ListedColormap(["#c6dbef", "#fdd0a2"])
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(classes, origin="lower", extent=(x1[0], x1[-1], x2[0], x2[-1]),
              cmap=background, vmin=0, vmax=1, interpolation="nearest")
    for label, colour, marker in ((0, "#08519c", "o"), (1, "#d94801", "s")):
        chosen = [i for i, y in enumerate(points["label"]) if y == label]
        ax.scatter([points["x1"][i] for i in chosen], [points["x2"][i] for i in chosen],
                   s=14, c=colour, marker=marker, edgecolors="white", linewidths=0.4,
                   label=f"class {label}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.set_title("Two spirals: the 2-64-64-2 MLP's decision regions")
    ax.legend(loc="upper right", framealpha=0.9)
    return fig


def loss_gradients(generated: Path):
    """Chapter 4: the gradient reaching z through a sigmoid, squared error against cross-entropy."""
    columns = read_columns(generated / "04_gradient_descent" / "loss_gradients.csv")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(columns["z"], [abs(g) for g in columns["squared_error"]],
            label="squared error $(a - 1)^2$", linewidth=1.8)
    ax.plot(columns["z"], [abs(g) for g in columns["cross_entropy"]],
            label=r"cross-entropy $-\log a$", linewidth=1.8)
    ax.axvline(0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel(r"pre-activation $z$ of the output $a = \sigma(z)$ (target 1)")
    ax.set_ylabel(r"$|\partial L / \partial z|$")
    ax.set_title("How hard each loss pushes a wrong sigmoid output")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


def _loss_curves(path: Path, title: str, log_y: bool = True):
    """One line per column of an `epoch,<run>,<run>,...` CSV; NaN (a diverged run) leaves a gap."""
    columns = read_columns(path)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    epochs = columns.pop("epoch")
    for name, values in columns.items():
        if any(math.isnan(v) for v in values):
            name += " (diverged: NaN)"
        ax.plot(epochs, values, label=name, linewidth=1.8)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean training loss over the epoch")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


def gd_variants(generated: Path):
    """Chapter 4: batch, mini-batch and stochastic gradient descent on the three spirals."""
    return _loss_curves(generated / "04_gradient_descent" / "gd_variants.csv",
                        "One network, three batch sizes (SGD, learning rate 0.1)")


def optimizers(generated: Path):
    """Chapter 4: SGD, momentum, RMSprop and Adam on the three spirals."""
    return _loss_curves(generated / "04_gradient_descent" / "optimizers.csv",
                        "One network, four optimizers (mini-batches of 16)")


def learning_rates(generated: Path):
    """Chapter 4: a learning rate too small, one about right, one too large."""
    return _loss_curves(generated / "04_gradient_descent" / "learning_rates.csv",
                        "One network, three learning rates (SGD, mini-batches of 16)")


def learning_curves(generated: Path):
    """Chapter 4: training and validation accuracy per epoch of the MLP on Fashion-MNIST and MNIST."""
    runs = (("fashion_history.csv", "Fashion-MNIST"), ("mnist_history.csv", "MNIST digits"))
    fig, axes = plt.subplots(1, len(runs), figsize=(9, 3.8), sharey=True)
    for ax, (file, title) in zip(axes, runs):
        columns = read_columns(generated / "04_gradient_descent" / file)
        ax.plot(columns["epoch"], columns["accuracy"], marker="o", label="training accuracy",
                linewidth=1.8)
        ax.plot(columns["epoch"], columns["val_accuracy"], marker="s", label="test accuracy",
                linewidth=1.8)
        ax.set_xticks(columns["epoch"])
        ax.set_xlabel("epoch")
        ax.set_title(f"784-128-10 MLP, {title}")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("accuracy")
    axes[0].legend(loc="lower right")
    return fig


FIGURES = {f.__name__: f for f in (neuron_loss, spirals_boundary, loss_gradients, gd_variants,
                                          optimizers, learning_rates, learning_curves)}


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in FIGURES:
        names = ", ".join(FIGURES)
        print(f"usage: figures.py <{names}> <generated-dir> <output.png>", file=sys.stderr)
        return 2
    name, generated, output = argv[1], Path(argv[2]), Path(argv[3])
    fig = FIGURES[name](generated)
    fig.tight_layout()
    # No timestamp or version in the PNG: same data, same bytes.
    fig.savefig(output, dpi=120, metadata={"Software": None})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
