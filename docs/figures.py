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
    runs = (("fashion_history.csv", "mlp_fashion.txt", "Fashion-MNIST"),
            ("mnist_history.csv", "mlp_digits.txt", "MNIST digits"))
    fig, axes = plt.subplots(1, len(runs), figsize=(9, 3.8), sharey=True)
    for ax, (file, output, title) in zip(axes, runs):
        columns = read_columns(generated / "04_gradient_descent" / file)
        ax.plot(columns["epoch"], columns["accuracy"], marker="o", label="training accuracy",
                linewidth=1.8)
        ax.plot(columns["epoch"], columns["val_accuracy"], marker="^",
                label="validation accuracy", linewidth=1.8)
        text = (generated / "04_gradient_descent" / output).read_text()
        test = float(text.split("test accuracy ")[1].split(";")[0])  # measured once, at the end
        ax.plot([columns["epoch"][-1]], [test], marker="s", markersize=8, linestyle="none",
                color="black", label=f"test accuracy: {test:.4f}")
        ax.set_xticks(columns["epoch"])
        ax.set_xlabel("epoch")
        ax.set_title(f"784-128-10 MLP, {title}")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower right")
    axes[0].set_ylabel("accuracy")
    return fig


def read_matrix(path: Path) -> list[list[float]]:
    """A CSV file of numbers without a header, as a list of rows."""
    with open(path, newline="") as f:
        rows = [[float(v) for v in row] for row in csv.reader(f) if row]
    if not rows:
        raise SystemExit(f"{path}: no data rows")
    return rows


def _grid_of_numbers(ax, matrix, highlight, colour):
    """Draws a matrix as a grid of cells with their numbers; `highlight` lists (row, col) cells."""
    rows, cols = len(matrix), len(matrix[0])
    for r in range(rows):
        for c in range(cols):
            lit = (r, c) in highlight
            ax.add_patch(plt.Rectangle((c, r), 1, 1, facecolor=colour if lit else "white",
                                       edgecolor="#555555", linewidth=0.8))
            ax.text(c + 0.5, r + 0.5, f"{matrix[r][c]:g}", ha="center", va="center",
                    fontsize=13, fontweight="bold" if lit else "normal")
    ax.set_xlim(-0.03, cols + 0.03)  # room for the outer edges
    ax.set_ylim(rows + 0.03, -0.03)
    ax.set_aspect("equal")
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def im2col(generated: Path):
    """Chapter 5: one receptive field of the 4x4 input and the im2col column it becomes."""
    x = read_matrix(generated / "05_cnn" / "im2col_input.csv")
    cols = read_matrix(generated / "05_cnn" / "im2col_cols.csv")
    H, Wd = len(x), len(x[0])
    K = math.isqrt(len(cols))  # one channel: C*K*K rows
    Wo = Wd - K + 1            # stride 1, no padding
    Ho = len(cols[0]) // Wo
    oh, ow = 1, 2              # the output position the text follows
    column = oh * Wo + ow
    field = {(oh + i, ow + j) for i in range(K) for j in range(K)}
    orange = "#fdd0a2"

    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.4),
                                      gridspec_kw={"width_ratios": [H, len(cols[0]) * 1.05]})
    _grid_of_numbers(left, x, field, orange)
    left.set_xticks([w + 0.5 for w in range(Wd)], [str(w) for w in range(Wd)])
    left.set_yticks([h + 0.5 for h in range(H)], [str(h) for h in range(H)])
    for i in range(K):
        for j in range(K):  # which kernel weight sits on each pixel of the patch
            left.text(ow + j + 0.06, oh + i + 0.1, f"({i},{j})", ha="left", va="top", fontsize=8,
                      color="#a63603")
    left.set_xlabel("column $w$")
    left.set_ylabel("row $h$")
    left.set_title(f"input $x$ ({H}×{Wd}): the patch\nunder output ({oh}, {ow})", fontsize=11)

    _grid_of_numbers(right, cols, {(r, column) for r in range(len(cols))}, orange)
    right.set_xticks([p + 0.5 for p in range(len(cols[0]))],
                     [f"({p // Wo},{p % Wo})" for p in range(Ho * Wo)], fontsize=9)
    right.set_yticks([r + 0.5 for r in range(len(cols))],
                     [f"({r // K},{r % K})" for r in range(len(cols))])
    right.xaxis.tick_top()
    right.set_xlabel("output position $(o_h, o_w)$: one column each")
    right.set_ylabel("kernel weight $(i, j)$")
    right.set_title(f"cols = im2col($x$) ({len(cols)}×{len(cols[0])}):\n"
                    f"the same patch is column {column}", pad=24, fontsize=11)
    return fig


def _image_grid(images, shape, columns, titles, cmap, symmetric=False, size=1.1):
    """Small images in a grid, one per cell, each with a title; returns (fig, axes, image)."""
    rows = math.ceil(len(images) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.15))
    limit = max(abs(v) for image in images for v in image) if symmetric else None
    shown = None
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= len(images):
            continue
        pixels = [images[k][r * shape[1]:(r + 1) * shape[1]] for r in range(shape[0])]
        if symmetric:
            shown = ax.imshow(pixels, cmap=cmap, vmin=-limit, vmax=limit)
        else:
            shown = ax.imshow(pixels, cmap=cmap)
        ax.set_title(titles[k], fontsize=9)
    return fig, axes, shown


def cnn_filters(generated: Path):
    """Chapters 5 and 9: the 32 learned 3x3 filters of the capstone's first convolution."""
    filters = read_matrix(generated / "09_mnist_cnn" / "filters.csv")
    limit = max(abs(v) for f in filters for v in f)
    fig, _, _ = _image_grid(filters, (3, 3), 8, [str(f) for f in range(len(filters))], "RdBu_r",
                            symmetric=True)
    fig.suptitle("The first layer's 3×3 filters after training: red positive, blue negative, "
                 f"white 0 (the strongest weight is ±{limit:.2f})", fontsize=11)
    return fig


def cnn_feature_maps(generated: Path):
    """Chapters 5 and 9: one test digit and the 32 feature maps the first convolution makes of it."""
    rows = read_matrix(generated / "09_mnist_cnn" / "feature_maps.csv")
    digit, maps = rows[0], rows[1:]
    side = math.isqrt(len(maps[0]))
    fig = plt.figure(figsize=(10, 4.8))
    grid = fig.add_gridspec(4, 10, width_ratios=[4.4, 0.2] + [1] * 8)
    ax = fig.add_subplot(grid[:, 0])
    ax.imshow([digit[r * 28:(r + 1) * 28] for r in range(28)], cmap="gray_r")
    ax.set_title("the input digit (28×28)", fontsize=10)
    ax.set_axis_off()
    for f, values in enumerate(maps):
        ax = fig.add_subplot(grid[f // 8, 2 + f % 8])
        ax.imshow([values[r * side:(r + 1) * side] for r in range(side)], cmap="magma",
                  vmin=0, vmax=max(max(values), 1e-6))
        ax.set_title(str(f) if max(values) > 0 else f"{f}: all 0", fontsize=9)
        ax.set_axis_off()
    fig.suptitle(f"Its 32 feature maps after the first Conv2D + ReLU ({side}×{side} each, "
                 "each from 0 (black) to its own maximum)", fontsize=10)
    return fig


def _confusion(generated: Path):
    """The capstone's confusion matrix: (class names, counts[true][predicted])."""
    with open(generated / "09_mnist_cnn" / "confusion.csv", newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    counts = [[int(v) for v in row[1:]] for row in rows[1:]]
    return names, counts


def cnn_confusion(generated: Path):
    """Chapter 9: the capstone's confusion matrix on the test digits, every count written in."""
    from matplotlib.colors import PowerNorm
    names, counts = _confusion(generated)
    n = len(names)
    fig, ax = plt.subplots(figsize=(7, 6.2))
    # A power scale makes the few errors visible next to the ~200 correct answers per class.
    shown = ax.imshow(counts, cmap="Blues", norm=PowerNorm(gamma=0.35, vmin=0,
                                                           vmax=max(map(max, counts))))
    for r in range(n):
        for c in range(n):
            if counts[r][c] == 0:
                continue
            dark = shown.norm(counts[r][c]) > 0.6
            ax.text(c, r, str(counts[r][c]), ha="center", va="center", fontsize=10,
                    color="white" if dark else ("#b30000" if r != c else "black"),
                    fontweight="bold" if r != c else "normal")
    ax.set_xticks(range(n), names)
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    total = sum(map(sum, counts))
    correct = sum(counts[k][k] for k in range(n))
    ax.set_title(f"Test digits: {correct} of {total} right ({correct / total:.2%}); "
                 "errors in red")
    return fig


def cnn_misclassified(generated: Path):
    """Chapter 9: test digits the capstone gets wrong, titled 'label -> predicted'."""
    with open(generated / "09_mnist_cnn" / "misclassified.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]  # header: index,label,predicted,pixels...
    images = [[float(v) for v in row[3:]] for row in rows]
    titles = [f"{row[1]} → {row[2]}" for row in rows]
    fig, _, _ = _image_grid(images, (28, 28), 8, titles, "gray_r", size=1.25)
    fig.suptitle(f"The first {len(rows)} misclassified test digits (true label → prediction)",
                 fontsize=11)
    return fig


def cnn_learning_curve(generated: Path):
    """Chapter 9: the capstone's training loss and accuracy per epoch, and its test accuracy."""
    history = read_columns(generated / "09_mnist_cnn" / "history.csv")
    names, counts = _confusion(generated)
    test_accuracy = sum(counts[k][k] for k in range(len(names))) / sum(map(sum, counts))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(history["epoch"], history["loss"], marker="o", linewidth=1.8)
    left.set_ylabel("mean training loss over the epoch")
    left.set_title("Cross-entropy")
    right.plot(history["epoch"], history["accuracy"], marker="o", linewidth=1.8,
               label="training accuracy (over the epoch)")
    if "val_accuracy" in history:  # --validation-split: held-out training images, each epoch
        left.plot(history["epoch"], history["val_loss"], marker="^", linewidth=1.8,
                  label="validation loss")
        left.legend(loc="upper right")
        right.plot(history["epoch"], history["val_accuracy"], marker="^", linewidth=1.8,
                   label="validation accuracy (after the epoch)")
    right.plot([history["epoch"][-1]], [test_accuracy], marker="s", markersize=8,
               linestyle="none", label=f"test accuracy after training: {test_accuracy:.4f}")
    right.set_ylabel("accuracy")
    right.set_title("Accuracy")
    right.legend(loc="lower right")
    for ax in (left, right):
        ax.set_xticks(history["epoch"])
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
    return fig


FIGURES = {f.__name__: f for f in (neuron_loss, spirals_boundary, loss_gradients, gd_variants,
                                          optimizers, learning_rates, learning_curves)}

FIGURES.update({f.__name__: f for f in (im2col, cnn_filters, cnn_feature_maps, cnn_confusion,
                                          cnn_misclassified, cnn_learning_curve)})


def _runs(path: Path) -> dict[str, dict[str, list[float]]]:
    """A long CSV with a `run` column, as {run: {column: values}} in file order."""
    runs: dict[str, dict[str, list[float]]] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            columns = runs.setdefault(row["run"], {})
            for k, v in row.items():
                if k != "run":
                    columns.setdefault(k, []).append(float(v))
    return runs


def overfitting_curves(generated: Path):
    """Chapter 8: the unregularized over-large MLP: training accuracy to 1, validation loss turning up."""
    runs = _runs(generated / "08_regularization" / "regularized_curves.csv")
    name = next(iter(runs))  # the first run is the one without a regularizer
    c = runs[name]
    best = min(range(len(c["val_loss"])), key=lambda e: c["val_loss"][e])
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(c["epoch"], c["loss"], label="training loss (over the epoch)", linewidth=1.8)
    left.plot(c["epoch"], c["val_loss"], label="validation loss", linewidth=1.8)
    left.axvline(c["epoch"][best], color="gray", linestyle=":",
                 label=f"lowest validation loss (epoch {int(c['epoch'][best])})")
    left.set_yscale("log")
    left.set_ylabel("cross-entropy (log scale)")
    left.legend(loc="lower left", fontsize=8)
    right.plot(c["epoch"], c["accuracy"], label="training accuracy", linewidth=1.8)
    right.plot(c["epoch"], c["val_accuracy"], label="validation accuracy", linewidth=1.8)
    right.set_ylabel("accuracy")
    right.legend(loc="lower right", fontsize=8)
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
    fig.suptitle(f"Overfitting: {name}, no regularizer", fontsize=11)
    return fig


def regularized_validation(generated: Path):
    """Chapter 8: validation loss and accuracy per epoch of the same MLP with each regularizer."""
    runs = _runs(generated / "08_regularization" / "regularized_curves.csv")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.9))
    for i, (name, c) in enumerate(runs.items()):
        style = dict(linewidth=2.4 if i == 0 else 1.5, color="black" if i == 0 else None,
                     linestyle="--" if i == 0 else "-")
        left.plot(c["epoch"], c["val_loss"], label=name, **style)
        right.plot(c["epoch"], c["val_accuracy"], label=name, **style)
    left.set_ylabel("validation loss")
    left.set_yscale("log")
    right.set_ylabel("validation accuracy")
    right.legend(loc="lower right", fontsize=8)
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
    return fig


def underfitting(generated: Path):
    """Chapter 8: training, validation and test accuracy of the underfitted runs beside the baseline."""
    path = generated / "08_regularization"
    rows = []
    for file in ("regularized_results.csv", "underfitted_results.csv"):
        with open(path / file, newline="") as f:
            found = list(csv.DictReader(f))
        rows += found[:1] if file.startswith("regularized") else found
    fig, ax = plt.subplots(figsize=(9, 3.6))
    width = 0.27
    for k, (column, label) in enumerate((("train_accuracy", "training"),
                                         ("val_accuracy", "validation"),
                                         ("test_accuracy", "test (once, at the end)"))):
        xs = [i + (k - 1) * width for i in range(len(rows))]
        ax.bar(xs, [float(r[column]) for r in rows], width, label=label)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["run"] for r in rows], fontsize=8)
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def capacity_sweep(generated: Path):
    """Chapter 8: hidden width against training and validation accuracy: underfitting, then overfitting."""
    c = read_columns(generated / "08_regularization" / "capacity.csv")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(c["width"], c["train_accuracy"], marker="o", label="training accuracy", linewidth=1.8)
    left.plot(c["width"], c["val_accuracy"], marker="s", label="validation accuracy", linewidth=1.8)
    left.set_ylabel("accuracy")
    left.legend(loc="lower right", fontsize=8)
    right.plot(c["width"], c["val_loss"], marker="s", color="C1", linewidth=1.8)
    right.set_ylabel("validation loss")
    best = min(range(len(c["width"])), key=lambda i: c["val_loss"][i])
    right.axvline(c["width"][best], color="gray", linestyle=":",
                  label=f"lowest validation loss (width {int(c['width'][best])})")
    right.legend(loc="upper right", fontsize=8)
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("hidden width w (784-w-w-10)")
        ax.grid(True, alpha=0.3)
    return fig


FIGURES.update({f.__name__: f for f in (overfitting_curves, regularized_validation, underfitting,
                                          capacity_sweep)})


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

