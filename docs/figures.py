"""The book's figures, drawn from the CSV files the chapter demos write.

One function per figure, named like the PNG it makes. The build runs

    /usr/bin/python3 docs/figures.py <function> <generated-dir> <output.png> [--lang zh_CN]

once per figure (nn_book_figure in docs/CMakeLists.txt); <generated-dir> holds
the demos' outputs, one folder per chapter. With `--lang zh_CN` after them it draws
the same figure for the Chinese edition: every text goes through tr(), which looks
it up in ZH below (terms as in docs/glossary.csv); names the demos write (runs,
columns) go through tr_name(), which translates the words of ZH_NAMES in them.
Math, numbers, variable and code names stay as they are.
"""
import csv
import logging
import math
import os
import re
import sys
import tempfile
import textwrap
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.colors import ListedColormap  # noqa: E402

LANGUAGES = ("en", "zh_CN")
LANG = "en"  # set by main() from --lang

# The Chinese of every text the figures show, by its English. A format field like {n} is
# filled in after the look-up, so the two sentences may place it differently.
ZH = {
    # axes, legends and titles shared by several figures
    "epoch": "轮",
    "accuracy": "准确率",
    "Accuracy": "准确率",
    "training": "训练",
    "validation": "验证",
    "training accuracy": "训练准确率",
    "validation accuracy": "验证准确率",
    "validation loss": "验证损失",
    "test accuracy": "测试准确率",
    "cross-entropy": "交叉熵",
    "Cross-entropy": "交叉熵",
    "mean training loss over the epoch": "该轮的平均训练损失",
    # chapter 1
    "gradient-descent step": "梯度下降步数",
    r"loss $\frac{1}{2N}\sum_n (a_n - t_n)^2$": r"损失 $\frac{1}{2N}\sum_n (a_n - t_n)^2$",
    "One sigmoid neuron: AND and OR are learned, XOR is not":
        "单个 sigmoid 神经元：学得会 AND 和 OR，学不会 XOR",
    "One neuron: a weighted sum of the inputs plus a bias, then an activation":
        "单个神经元：输入的加权和加上偏置，再经过激活函数",
    r"$1$ if $z > 0$ else $0$": r"$z > 0$ 时为 $1$，否则为 $0$",
    "Activations (solid) and their derivatives (dashed): sigmoid's is at most 1/4, relu's is 0 or 1":
        "激活函数（实线）及其导数（虚线）：sigmoid 的导数至多为 1/4，relu 的导数为 0 或 1",
    # chapter 2
    "class {label}": "类别 {label}",
    "Two spirals: the 2-64-64-2 MLP's decision regions": "双螺旋：2-64-64-2 MLP 的决策区域",
    "input $x$": "输入 $x$",
    "hidden $h$": "隐藏层 $h$",
    "output $y$": "输出 $y$",
    "A batch of N examples flows left to right; each row of x is one example":
        "一个批量的 N 个样本从左向右流过；x 的每一行是一个样本",
    # chapter 3
    "loss\n$(y-t)^2$": "损失\n$(y-t)^2$",
    "blue, left to right: the forward values.   orange, right to left: "
    "the gradients of the loss (printed by chapters/03_backprop's demo)":
        "蓝色，从左到右：前向计算的值。   橙色，从右到左：损失的梯度"
        "（由 chapters/03_backprop 的演示程序打印）",
    # chapter 4
    "squared error $(a - 1)^2$": "平方误差 $(a - 1)^2$",
    r"cross-entropy $-\log a$": r"交叉熵 $-\log a$",
    r"pre-activation $z$ of the output $a = \sigma(z)$ (target 1)":
        r"输出 $a = \sigma(z)$ 的预激活值 $z$（目标为 1）",
    "How hard each loss pushes a wrong sigmoid output": "每种损失推动错误的 sigmoid 输出的力度",
    "One network, three batch sizes (SGD, learning rate 0.1)":
        "同一个网络，三种批量大小（SGD，学习率 0.1）",
    "One network, four optimizers (mini-batches of 16)": "同一个网络，四种优化器（小批量大小 16）",
    "One network, three learning rates (SGD, mini-batches of 16)":
        "同一个网络，三种学习率（SGD，小批量大小 16）",
    "MNIST digits": "MNIST 数字",
    "784-128-10 MLP, {title}": "784-128-10 MLP，{title}",
    "test accuracy: {test:.4f}": "测试准确率：{test:.4f}",
    # chapter 5
    "column $w$": "列 $w$",
    "row $h$": "行 $h$",
    "input $x$ ({H}×{Wd}): the patch\nunder output ({oh}, {ow})":
        "输入 $x$（{H}×{Wd}）：\n输出 ({oh}, {ow}) 对应的图块",
    "output position $(o_h, o_w)$: one column each": "输出位置 $(o_h, o_w)$：每个位置一列",
    "kernel weight $(i, j)$": "核权重 $(i, j)$",
    "cols = im2col($x$) ({rows}×{n}):\nthe same patch is column {column}":
        "cols = im2col($x$)（{rows}×{n}）：\n同一图块是第 {column} 列",
    "output ({oh}, {ow}): input rows {r0}..{r1},\ncolumns {c0}..{c1}":
        "输出 ({oh}, {ow})：输入的第 {r0}..{r1} 行、\n第 {c0}..{c1} 列",
    "output {Ho}×{Ho}": "输出 {Ho}×{Ho}",
    "A {K}×{K} kernel over a {H}×{H} image with padding $P$ = {P} (grey zeros) and "
    "stride $S$ = {S}: each output is one position of the kernel":
        "{K}×{K} 的核在 {H}×{H} 的图像上滑动，填充 $P$ = {P}（灰色的 0），步幅 $S$ = {S}："
        "每个输出对应核的一个位置",
    # chapter 6
    "max": "最大",
    "average": "平均",
    "{name} pooling of $x$ (4×4),\n2×2 windows, stride 2": "对 $x$（4×4）做{name}池化，\n2×2 窗口，步幅 2",
    "{name} pool: $y$": "{name}池化：$y$",
    r"incoming $\partial L/\partial y$": r"传入的 $\partial L/\partial y$",
    "each dy goes to its window's\nmaximum (bold); the others get 0":
        "每个 dy 都交给其窗口中的\n最大值（粗体）；其余为 0",
    "each dy is shared equally,\ndy/4 to each input of its window":
        "每个 dy 平均分配：\n窗口中的每个输入得到 dy/4",
    # chapter 7
    "feed-forward:\nno memory": "前馈网络：\n没有记忆",
    r"the same $W_x$, $W_h$, $b$ at every step; backward runs right to left":
        r"每个时间步都用同样的 $W_x$、$W_h$、$b$；反向传播从右向左进行",
    "recurrent: the state $h$ loops back (left), unrolled over T = 4 steps (right)":
        "循环网络：隐状态 $h$ 回到自身（左），沿 T = 4 个时间步展开（右）",
    "truth (clean)": "真实值（无噪声）",
    "repeat the last value": "重复最后一个值",
    "noisy inputs": "带噪声的输入",
    "four test windows, one after the other (each: its inputs, then the next value)":
        "依次排列的四个测试窗口（每个窗口：先是输入，然后是下一个值）",
    "value": "值",
    "always 1 (baseline)": "始终回答 1（基线）",
    "sequence length T": "序列长度 T",
    "correct (within 0.04 of the sum)": "正确（与和相差不到 0.04）",
    "After the same training, against T": "同样的训练之后，随 T 的变化",
    "test mean squared error": "测试均方误差",
    "Learning curves at T = {T}": "T = {T} 时的学习曲线",
    "SimpleRNN, initial weights": "SimpleRNN，初始权重",
    "SimpleRNN, trained": "SimpleRNN，训练后",
    "LSTM, initial weights": "LSTM，初始权重",
    "LSTM, trained": "LSTM，训练后",
    "distance in steps from the loss (T - 1 - t)": "与损失相距的时间步数（T - 1 - t）",
    r"mean $\|\partial L / \partial x_t\|$": r"平均 $\|\partial L / \partial x_t\|$",
    "How much gradient gets back to step t": "有多少梯度能传回第 t 步",
    "training (mean of the last 100 steps)": "训练（最近 100 步的平均）",
    "held-out text": "留出的文本",
    "training step": "训练步数",
    "loss (nats per character)": "损失（每个字符的奈特数）",
    # chapter 8
    "training loss (over the epoch)": "训练损失（该轮内）",
    "lowest validation loss (epoch {epoch})": "最低验证损失（第 {epoch} 轮）",
    "cross-entropy (log scale)": "交叉熵（对数刻度）",
    "Overfitting: {name}, no regularizer": "过拟合：{name}，没有正则化",
    "test (once, at the end)": "测试（只在最后测一次）",
    "lowest validation loss (width {width})": "最低验证损失（宽度 {width}）",
    "hidden width w (784-w-w-10)": "隐藏层宽度 w（784-w-w-10）",
    "one seed": "一个种子",
    "mean, ± t × SE": "平均值，± t × SE",
    "test accuracy minus\n{name}'s, same seed": "测试准确率减去\n同一种子下{name}的",
    "{name}: training accuracy\n(on the noisy labels)": "{name}：训练准确率\n（按含噪标签计）",
    "{name}: validation accuracy\n(noisy labels)": "{name}：验证准确率\n（含噪标签）",
    "{name}: keeps epoch {epoch}": "{name}：保留第 {epoch} 轮",
    "labels that are right ({share:.0%})": "正确标签的比例（{share:.0%}）",
    "Noisy labels, seed {seed}": "含噪标签，种子 {seed}",
    "Noisy labels: test accuracy (clean labels), {seeds} seeds":
        "含噪标签：测试准确率（干净标签），{seeds} 个种子",
    # chapters 5 and 9
    "The first layer's 3×3 filters after training: red positive, blue negative, "
    "white 0 (the strongest weight is ±{limit:.2f})":
        "训练后第一层的 3×3 卷积核：红为正，蓝为负，白为 0（绝对值最大的权重为 ±{limit:.2f}）",
    "the input digit (28×28)": "输入的数字（28×28）",
    "{f}: all 0": "{f}：全为 0",
    "Its 32 feature maps after the first Conv2D + ReLU ({side}×{side} each, "
    "each from 0 (black) to its own maximum)":
        "它经过第一个 Conv2D + ReLU 后的 32 个特征图（每个 {side}×{side}，"
        "各自从 0（黑）到自身的最大值）",
    "predicted digit": "预测的数字",
    "true digit": "真实的数字",
    "Test digits: {correct} of {total} right ({share:.2%}); errors in red":
        "测试数字：{total} 个中对了 {correct} 个（{share:.2%}）；错误标为红色",
    "The first {n} misclassified test digits (true label → prediction)":
        "前 {n} 个分类错误的测试数字（真实标签 → 预测）",
    "training accuracy (over the epoch)": "训练准确率（该轮内）",
    "validation accuracy (after the epoch)": "验证准确率（该轮结束后）",
    "test accuracy after training: {accuracy:.4f}": "训练结束后的测试准确率：{accuracy:.4f}",
    "seed {seed}, training": "种子 {seed}，训练",
    "seed {seed}, validation": "种子 {seed}，验证",
    "seed {seed}": "种子 {seed}",
    "Loss: training (mean over the epoch) and validation": "损失：训练（该轮平均）与验证",
    "Accuracy on the 6,000 held-out digits": "在留出的 6,000 个数字上的准确率",
}

# Words in the names the demos write into their CSV files (runs, columns), longest first.
ZH_NAMES = {
    "early stopping on": "早停，监视",
    "batch normalization": "批量归一化",
    "mini-batch": "小批量",
    "batch": "批量",
    "stochastic": "随机",
    "momentum": "动量",
    "learning rate": "学习率",
    "lr": "学习率",
    "too few epochs": "轮数过少",
    "too small": "过小",
    "too large": "过大",
    "too strong": "过强",
    "diverged": "发散",
    "width": "宽度",
    "none": "无",
    "augmentation": "数据增强",
    "dropout": "丢弃法",
    "early stopping": "早停",
    "epochs": "轮",
}


def tr(text: str, **fields) -> str:
    """`text` in the figure's language, then its {fields} filled in."""
    if LANG == "zh_CN":
        if text not in ZH:
            raise SystemExit(f"figures.py: no Chinese for {text!r}: add it to ZH")
        text = ZH[text]
    return text.format(**fields) if fields else text


def tr_name(name: str) -> str:
    """A name from a demo's output (a run, a column) with the words of ZH_NAMES translated."""
    if LANG == "zh_CN":
        for english, chinese in ZH_NAMES.items():
            name = re.sub(rf"\b{re.escape(english)}\b", chinese, name)
    return name


CJK_FONT = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk


def use_cjk_font(scratch: Path):
    """Draws all text in CJK_FONT. Matplotlib reads only the first face of a .ttc file
    (fonts-noto-cjk's put JP first), so the SC faces are copied out to `scratch` as .otf."""
    from matplotlib import font_manager
    from fontTools.ttLib import TTCollection
    if not any(f.name == CJK_FONT for f in font_manager.fontManager.ttflist):
        for path in font_manager.findSystemFonts():
            if not path.endswith(".ttc") or "CJK" not in Path(path).name:
                continue
            for face in TTCollection(path, lazy=True).fonts:
                if face["name"].getDebugName(1) == CJK_FONT:
                    copy = scratch / (Path(path).stem + ".otf")
                    face.save(copy)
                    font_manager.fontManager.addfont(str(copy))
    if not any(f.name == CJK_FONT for f in font_manager.fontManager.ttflist):
        raise SystemExit(f"figures.py: --lang zh_CN needs the font {CJK_FONT}: "
                         "install the Debian package fonts-noto-cjk")
    # One family, not a fallback list: the words around $math$ take the first family only.
    # Its minus sign (U+2212, the axes' negative numbers) is there: a missing glyph would fail.
    plt.rcParams["font.family"] = [CJK_FONT]


def _fail_on_missing_glyph(record: logging.LogRecord) -> bool:
    """mathtext logs a missing glyph instead of warning: fail on it too."""
    if "does not have a glyph" in record.getMessage():
        raise SystemExit(f"figures.py: {record.getMessage()}")
    return True


# A glyph missing from the font would be drawn as a box: fail instead.
warnings.filterwarnings("error", message="Glyph .* missing from")
logging.getLogger("matplotlib.mathtext").addFilter(_fail_on_missing_glyph)


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
    ax.set_xlabel(tr("gradient-descent step"))
    ax.set_ylabel(tr(r"loss $\frac{1}{2N}\sum_n (a_n - t_n)^2$"))
    ax.set_title(tr("One sigmoid neuron: AND and OR are learned, XOR is not"))
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
                   label=tr("class {label}", label=label))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.set_title(tr("Two spirals: the 2-64-64-2 MLP's decision regions"))
    ax.legend(loc="upper right", framealpha=0.9)
    return fig


def loss_gradients(generated: Path):
    """Chapter 4: the gradient reaching z through a sigmoid, squared error against cross-entropy."""
    columns = read_columns(generated / "04_gradient_descent" / "loss_gradients.csv")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(columns["z"], [abs(g) for g in columns["squared_error"]],
            label=tr("squared error $(a - 1)^2$"), linewidth=1.8)
    ax.plot(columns["z"], [abs(g) for g in columns["cross_entropy"]],
            label=tr(r"cross-entropy $-\log a$"), linewidth=1.8)
    ax.axvline(0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel(tr(r"pre-activation $z$ of the output $a = \sigma(z)$ (target 1)"))
    ax.set_ylabel(r"$|\partial L / \partial z|$")
    ax.set_title(tr("How hard each loss pushes a wrong sigmoid output"))
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
        ax.plot(epochs, values, label=tr_name(name), linewidth=1.8)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(tr("epoch"))
    ax.set_ylabel(tr("mean training loss over the epoch"))
    ax.set_title(tr(title))
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
            ("mnist_history.csv", "mlp_digits.txt", tr("MNIST digits")))
    fig, axes = plt.subplots(1, len(runs), figsize=(9, 3.8), sharey=True)
    for ax, (file, output, title) in zip(axes, runs):
        columns = read_columns(generated / "04_gradient_descent" / file)
        ax.plot(columns["epoch"], columns["accuracy"], marker="o", label=tr("training accuracy"),
                linewidth=1.8)
        ax.plot(columns["epoch"], columns["val_accuracy"], marker="^",
                label=tr("validation accuracy"), linewidth=1.8)
        text = (generated / "04_gradient_descent" / output).read_text()
        test = float(text.split("test accuracy ")[1].split(";")[0])  # measured once, at the end
        ax.plot([columns["epoch"][-1]], [test], marker="s", markersize=8, linestyle="none",
                color="black", label=tr("test accuracy: {test:.4f}", test=test))
        ax.set_xticks(columns["epoch"])
        ax.set_xlabel(tr("epoch"))
        ax.set_title(tr("784-128-10 MLP, {title}", title=title))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower right")
    axes[0].set_ylabel(tr("accuracy"))
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
    left.set_xlabel(tr("column $w$"))
    left.set_ylabel(tr("row $h$"))
    left.set_title(tr("input $x$ ({H}×{Wd}): the patch\nunder output ({oh}, {ow})",
                      H=H, Wd=Wd, oh=oh, ow=ow), fontsize=11)

    _grid_of_numbers(right, cols, {(r, column) for r in range(len(cols))}, orange)
    right.set_xticks([p + 0.5 for p in range(len(cols[0]))],
                     [f"({p // Wo},{p % Wo})" for p in range(Ho * Wo)], fontsize=9)
    right.set_yticks([r + 0.5 for r in range(len(cols))],
                     [f"({r // K},{r % K})" for r in range(len(cols))])
    right.xaxis.tick_top()
    right.set_xlabel(tr("output position $(o_h, o_w)$: one column each"))
    right.set_ylabel(tr("kernel weight $(i, j)$"))
    right.set_title(tr("cols = im2col($x$) ({rows}×{n}):\nthe same patch is column {column}",
                       rows=len(cols), n=len(cols[0]), column=column), pad=24, fontsize=11)
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
    fig.suptitle(tr("The first layer's 3×3 filters after training: red positive, blue negative, "
                    "white 0 (the strongest weight is ±{limit:.2f})", limit=limit), fontsize=11)
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
    ax.set_title(tr("the input digit (28×28)"), fontsize=10)
    ax.set_axis_off()
    for f, values in enumerate(maps):
        ax = fig.add_subplot(grid[f // 8, 2 + f % 8])
        ax.imshow([values[r * side:(r + 1) * side] for r in range(side)], cmap="magma",
                  vmin=0, vmax=max(max(values), 1e-6))
        ax.set_title(str(f) if max(values) > 0 else tr("{f}: all 0", f=f), fontsize=9)
        ax.set_axis_off()
    fig.suptitle(tr("Its 32 feature maps after the first Conv2D + ReLU ({side}×{side} each, "
                    "each from 0 (black) to its own maximum)", side=side), fontsize=10)
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
    ax.set_xlabel(tr("predicted digit"))
    ax.set_ylabel(tr("true digit"))
    total = sum(map(sum, counts))
    correct = sum(counts[k][k] for k in range(n))
    ax.set_title(tr("Test digits: {correct} of {total} right ({share:.2%}); errors in red",
                    correct=correct, total=total, share=correct / total))
    return fig


def cnn_misclassified(generated: Path):
    """Chapter 9: test digits the capstone gets wrong, titled 'label -> predicted'."""
    with open(generated / "09_mnist_cnn" / "misclassified.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]  # header: index,label,predicted,pixels...
    images = [[float(v) for v in row[3:]] for row in rows]
    titles = [f"{row[1]} → {row[2]}" for row in rows]
    fig, _, _ = _image_grid(images, (28, 28), 8, titles, "gray_r", size=1.25)
    fig.suptitle(tr("The first {n} misclassified test digits (true label → prediction)",
                    n=len(rows)), fontsize=11)
    return fig


def cnn_learning_curve(generated: Path):
    """Chapter 9: the capstone's training loss and accuracy per epoch, and its test accuracy."""
    history = read_columns(generated / "09_mnist_cnn" / "history.csv")
    names, counts = _confusion(generated)
    test_accuracy = sum(counts[k][k] for k in range(len(names))) / sum(map(sum, counts))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(history["epoch"], history["loss"], marker="o", linewidth=1.8)
    left.set_ylabel(tr("mean training loss over the epoch"))
    left.set_title(tr("Cross-entropy"))
    right.plot(history["epoch"], history["accuracy"], marker="o", linewidth=1.8,
               label=tr("training accuracy (over the epoch)"))
    if "val_accuracy" in history:  # --validation-split: held-out training images, each epoch
        left.plot(history["epoch"], history["val_loss"], marker="^", linewidth=1.8,
                  label=tr("validation loss"))
        left.legend(loc="upper right")
        right.plot(history["epoch"], history["val_accuracy"], marker="^", linewidth=1.8,
                   label=tr("validation accuracy (after the epoch)"))
    right.plot([history["epoch"][-1]], [test_accuracy], marker="s", markersize=8,
               linestyle="none", label=tr("test accuracy after training: {accuracy:.4f}",
                                          accuracy=test_accuracy))
    right.set_ylabel(tr("accuracy"))
    right.set_title(tr("Accuracy"))
    right.legend(loc="lower right")
    for ax in (left, right):
        ax.set_xticks(history["epoch"])
        ax.set_xlabel(tr("epoch"))
        ax.grid(True, alpha=0.3)
    return fig


def cnn_official_mnist(generated: Path):
    """Chapter 9: the capstone on the official MNIST, one line per seed: validation accuracy per epoch."""
    runs = sorted((generated / "09_mnist_cnn").glob("official_mnist_seed*.csv"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    for path in runs:
        seed = path.stem.removeprefix("official_mnist_seed")
        h = read_columns(path)
        line, = left.plot(h["epoch"], h["loss"], marker="o", linewidth=1.5, label=tr("seed {seed}, training", seed=seed))
        left.plot(h["epoch"], h["val_loss"], marker="s", linewidth=1.5, linestyle="--",
                  color=line.get_color(), label=tr("seed {seed}, validation", seed=seed))
        right.plot(h["epoch"], h["val_accuracy"], marker="s", linewidth=1.5, linestyle="--",
                   color=line.get_color(), label=tr("seed {seed}", seed=seed))
    left.set_ylabel(tr("cross-entropy"))
    left.set_title(tr("Loss: training (mean over the epoch) and validation"))
    right.set_ylabel(tr("validation accuracy"))
    right.set_title(tr("Accuracy on the 6,000 held-out digits"))
    right.axhline(0.99, color="grey", linewidth=1, linestyle=":")
    right.text(1, 0.9902, "0.99", color="grey", va="bottom")
    left.legend(fontsize=7)
    right.legend(loc="lower right", fontsize=8)
    for ax in (left, right):
        ax.set_xlabel(tr("epoch"))
        ax.grid(True, alpha=0.3)
    return fig


FIGURES = {f.__name__: f for f in (neuron_loss, spirals_boundary, loss_gradients, gd_variants,
                                          optimizers, learning_rates, learning_curves)}

FIGURES.update({f.__name__: f for f in (im2col, cnn_filters, cnn_feature_maps, cnn_confusion,
                                          cnn_misclassified, cnn_learning_curve, cnn_official_mnist)})


def rnn_unrolled(generated: Path):
    """Chapter 7: a feed-forward network beside a recurrent one, folded and unrolled in time."""
    from matplotlib.patches import FancyArrowPatch

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1, 3.2]})

    def node(ax, x, y, text, colour):
        ax.text(x, y, text, ha="center", va="center", fontsize=12,
                bbox=dict(boxstyle="round,pad=0.35", fc=colour, ec="#333333"))

    def arrow(ax, a, b, colour="#333333", rad=0.0):
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=12, color=colour,
                                     connectionstyle=f"arc3,rad={rad}", linewidth=1.4))

    ax = axes[0]
    node(ax, 0, 0, "$x$", "#c6dbef")
    node(ax, 0, 1, "$h$", "#fdd0a2")
    node(ax, 0, 2, "$y$", "#c7e9c0")
    arrow(ax, (0, 0.2), (0, 0.8))
    arrow(ax, (0, 1.2), (0, 1.8))
    ax.set_title(tr("feed-forward:\nno memory"), fontsize=10)

    ax = axes[1]
    node(ax, -1.4, 0, "$x_t$", "#c6dbef")
    node(ax, -1.4, 1, "$h_t$", "#fdd0a2")
    node(ax, -1.4, 2, "$y_t$", "#c7e9c0")
    arrow(ax, (-1.4, 0.2), (-1.4, 0.8))
    arrow(ax, (-1.4, 1.2), (-1.4, 1.8))
    ax.add_patch(FancyArrowPatch((-1.22, 1.1), (-1.22, 0.9), arrowstyle="-|>", mutation_scale=12,
                                 color="#d94801", connectionstyle="arc3,rad=-2.2", linewidth=1.4))
    ax.text(-0.95, 1.0, "$W_h$", color="#d94801", fontsize=11, va="center")
    ax.text(-0.45, 1.0, "=", fontsize=16, va="center")
    for t in range(4):
        X = 1.2 + 1.25 * t
        node(ax, X, 0, f"$x_{t}$", "#c6dbef")
        node(ax, X, 1, f"$h_{t}$", "#fdd0a2")
        node(ax, X, 2, f"$y_{t}$", "#c7e9c0")
        arrow(ax, (X, 0.2), (X, 0.8))
        arrow(ax, (X, 1.2), (X, 1.8))
        if t < 3:
            arrow(ax, (X + 0.25, 1), (X + 1.0, 1), "#d94801")
    node(ax, 0.2, 1, "$h_{-1}$", "#eeeeee")
    arrow(ax, (0.5, 1), (0.95, 1), "#d94801")
    ax.text(3.1, -0.55, tr(r"the same $W_x$, $W_h$, $b$ at every step; backward runs right to left"),
            ha="center", fontsize=9)
    ax.set_title(tr("recurrent: the state $h$ loops back (left), unrolled over T = 4 steps (right)"),
                 fontsize=10)
    for a in axes:
        a.set_axis_off()
        a.set_aspect("equal")
    axes[0].set_xlim(-0.8, 0.8)
    axes[0].set_ylim(-0.7, 2.5)
    axes[1].set_xlim(-1.9, 5.3)
    axes[1].set_ylim(-0.7, 2.5)
    return fig


def sine_predictions(generated: Path):
    """Chapter 7: four test windows of the noisy sine and each model's prediction of the next value."""
    with open(generated / "07_rnn" / "sine_predictions.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    offset = 0
    styles = {"truth": ("k", "*", 130), "last_value": ("#999999", "s", 40),
              "simple_rnn": ("#2171b5", "o", 40), "lstm": ("#d94801", "D", 40)}
    labels = {"truth": tr("truth (clean)"), "last_value": tr("repeat the last value"),
              "simple_rnn": "SimpleRNN", "lstm": "LSTM"}
    for window in sorted({int(r["window"]) for r in rows}):
        part = [r for r in rows if int(r["window"]) == window]
        inputs = [r for r in part if r["input"] != ""]
        ax.plot([offset + int(r["t"]) for r in inputs], [float(r["input"]) for r in inputs],
                color="#6baed6", linewidth=1, marker=".", label=tr("noisy inputs") if window == 0 else None)
        last = [r for r in part if r["truth"] != ""][0]
        for key, (colour, marker, size) in styles.items():
            ax.scatter([offset + int(last["t"])], [float(last[key])], color=colour, marker=marker,
                       s=size, zorder=3, label=labels[key] if window == 0 else None)
        offset += int(last["t"]) + 4
    ax.set_xticks([])
    ax.set_xlabel(tr("four test windows, one after the other (each: its inputs, then the next value)"))
    ax.set_ylabel(tr("value"))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, ncol=3, loc="lower left")
    return fig


def memory_accuracy(generated: Path):
    """Chapter 7: the adding problem, correct answers against T, and the learning curves at the longest T."""
    c = read_columns(generated / "07_rnn" / "memory_accuracy.csv")
    curves = read_columns(generated / "07_rnn" / "memory_curves.csv")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(c["T"], c["simple_rnn_accuracy"], marker="o", label="SimpleRNN")
    left.plot(c["T"], c["lstm_accuracy"], marker="D", label="LSTM")
    left.plot(c["T"], c["baseline_accuracy"], color="#999999", linestyle="--", linewidth=1,
              label=tr("always 1 (baseline)"))
    left.set_xscale("log")
    left.set_xticks(c["T"], [str(int(t)) for t in c["T"]])
    left.minorticks_off()
    left.set_ylim(0, 1.05)
    left.set_xlabel(tr("sequence length T"))
    left.set_ylabel(tr("correct (within 0.04 of the sum)"))
    left.set_title(tr("After the same training, against T"), fontsize=10)
    left.grid(True, alpha=0.3)
    left.legend(fontsize=8)
    longest = max(curves["T"])
    rows = [i for i, t in enumerate(curves["T"]) if t == longest]
    step = [curves["step"][i] for i in rows]
    right.plot(step, [curves["simple_rnn_mse"][i] for i in rows], marker="o", label="SimpleRNN")
    right.plot(step, [curves["lstm_mse"][i] for i in rows], marker="D", label="LSTM")
    right.axhline(c["baseline_mse"][c["T"].index(longest)], color="#999999", linestyle="--",
                  linewidth=1, label=tr("always 1 (baseline)"))
    right.set_yscale("log")
    right.set_xlabel(tr("training step"))
    right.set_ylabel(tr("test mean squared error"))
    right.set_title(tr("Learning curves at T = {T}", T=int(longest)), fontsize=10)
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


def gradient_reach(generated: Path):
    """Chapter 7: the norm of the gradient reaching step t against its distance from the loss."""
    c = read_columns(generated / "07_rnn" / "gradient_reach.csv")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(c["distance"], c["simple_rnn_initial"], color="#2171b5", linestyle="--",
            label=tr("SimpleRNN, initial weights"))
    ax.plot(c["distance"], c["simple_rnn_trained"], color="#2171b5", label=tr("SimpleRNN, trained"))
    ax.plot(c["distance"], c["lstm_initial"], color="#d94801", linestyle="--",
            label=tr("LSTM, initial weights"))
    ax.plot(c["distance"], c["lstm_trained"], color="#d94801", label=tr("LSTM, trained"))
    ax.set_yscale("log")
    ax.set_xlabel(tr("distance in steps from the loss (T - 1 - t)"))
    ax.set_ylabel(tr(r"mean $\|\partial L / \partial x_t\|$"))
    ax.set_title(tr("How much gradient gets back to step t"))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def char_lstm_loss(generated: Path):
    """Chapter 7: the character model's training and held-out loss per step."""
    c = read_columns(generated / "07_rnn" / "char_lstm_loss.csv")
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    ax.plot(c["step"], c["train_loss"], marker="o", label=tr("training (mean of the last 100 steps)"))
    ax.plot(c["step"], c["heldout_loss"], marker="s", label=tr("held-out text"))
    ax.set_xlabel(tr("training step"))
    ax.set_ylabel(tr("loss (nats per character)"))
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


FIGURES.update({f.__name__: f for f in (rnn_unrolled, sine_predictions, memory_accuracy,
                                          gradient_reach, char_lstm_loss)})


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
    left.plot(c["epoch"], c["loss"], label=tr("training loss (over the epoch)"), linewidth=1.8)
    left.plot(c["epoch"], c["val_loss"], label=tr("validation loss"), linewidth=1.8)
    left.axvline(c["epoch"][best], color="gray", linestyle=":",
                 label=tr("lowest validation loss (epoch {epoch})", epoch=int(c["epoch"][best])))
    left.set_yscale("log")
    left.set_ylabel(tr("cross-entropy (log scale)"))
    left.legend(loc="lower left", fontsize=8)
    right.plot(c["epoch"], c["accuracy"], label=tr("training accuracy"), linewidth=1.8)
    right.plot(c["epoch"], c["val_accuracy"], label=tr("validation accuracy"), linewidth=1.8)
    right.set_ylabel(tr("accuracy"))
    right.legend(loc="lower right", fontsize=8)
    for ax in (left, right):
        ax.set_xlabel(tr("epoch"))
        ax.grid(True, alpha=0.3)
    fig.suptitle(tr("Overfitting: {name}, no regularizer", name=tr_name(name)), fontsize=11)
    return fig


def regularized_validation(generated: Path):
    """Chapter 8: validation loss and accuracy per epoch of the same MLP with each regularizer."""
    runs = _runs(generated / "08_regularization" / "regularized_curves.csv")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.9))
    for i, (name, c) in enumerate(runs.items()):
        style = dict(linewidth=2.4 if i == 0 else 1.5, color="black" if i == 0 else None,
                     linestyle="--" if i == 0 else "-")
        left.plot(c["epoch"], c["val_loss"], label=tr_name(name), **style)
        right.plot(c["epoch"], c["val_accuracy"], label=tr_name(name), **style)
    left.set_ylabel(tr("validation loss"))
    left.set_yscale("log")
    right.set_ylabel(tr("validation accuracy"))
    right.legend(loc="lower right", fontsize=8)
    for ax in (left, right):
        ax.set_xlabel(tr("epoch"))
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
    for k, (column, label) in enumerate((("train_accuracy", tr("training")),
                                         ("val_accuracy", tr("validation")),
                                         ("test_accuracy", tr("test (once, at the end)")))):
        xs = [i + (k - 1) * width for i in range(len(rows))]
        ax.bar(xs, [float(r[column]) for r in rows], width, label=label)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([tr_name(r["run"]) for r in rows], fontsize=8)
    ax.set_ylabel(tr("accuracy"))
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    return fig


def capacity_sweep(generated: Path):
    """Chapter 8: hidden width against training and validation accuracy: underfitting, then overfitting."""
    c = read_columns(generated / "08_regularization" / "capacity.csv")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(c["width"], c["train_accuracy"], marker="o", label=tr("training accuracy"), linewidth=1.8)
    left.plot(c["width"], c["val_accuracy"], marker="s", label=tr("validation accuracy"), linewidth=1.8)
    left.set_ylabel(tr("accuracy"))
    left.legend(loc="lower right", fontsize=8)
    right.plot(c["width"], c["val_loss"], marker="s", color="C1", linewidth=1.8)
    right.set_ylabel(tr("validation loss"))
    best = min(range(len(c["width"])), key=lambda i: c["val_loss"][i])
    right.axvline(c["width"][best], color="gray", linestyle=":",
                  label=tr("lowest validation loss (width {width})", width=int(c["width"][best])))
    right.legend(loc="upper right", fontsize=8)
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xlabel(tr("hidden width w (784-w-w-10)"))
        ax.grid(True, alpha=0.3)
    return fig


FIGURES.update({f.__name__: f for f in (overfitting_curves, regularized_validation, underfitting,
                                          capacity_sweep)})


def main(argv: list[str]) -> int:
    global LANG
    args, lang = argv[1:], "en"
    if len(args) == 5 and args[3] == "--lang":
        args, lang = args[:3], args[4]
    if len(args) != 3 or args[0] not in FIGURES or lang not in LANGUAGES:
        names = ", ".join(FIGURES)
        print(f"usage: figures.py <{names}> <generated-dir> <output.png> "
              f"[--lang {'|'.join(LANGUAGES)}]", file=sys.stderr)
        return 2
    LANG = lang
    name, generated, output = args[0], Path(args[1]), Path(args[2])
    with tempfile.TemporaryDirectory() as scratch:  # the fonts stay in use until savefig
        if LANG == "zh_CN":
            use_cjk_font(Path(scratch))
        fig = FIGURES[name](generated)
        fig.tight_layout()
        # No timestamp or version in the PNG: same data, same bytes. Written whole, then
        # renamed over the old one, like every file the project writes.
        partial = output.with_name(output.name + ".tmp")
        fig.savefig(partial, format="png", dpi=120, metadata={"Software": None})
    os.replace(partial, output)
    return 0



# --- Pictures of the ideas: diagrams drawn at build time. Those that show numbers read them
# from the demos' outputs, never from values typed in here.

def _node(ax, xy, text, radius=0.32, colour="#deebf7", edge="#2171b5", fontsize=12):
    ax.add_patch(plt.Circle(xy, radius, facecolor=colour, edgecolor=edge, linewidth=1.4, zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax, start, end, colour="#444444", width=1.2, shrink=14):
    ax.annotate("", xy=end, xytext=start, zorder=2,
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": width,
                            "shrinkA": shrink, "shrinkB": shrink})


def _blank(ax):
    ax.set_aspect("equal")
    ax.set_axis_off()


def neuron_diagram(generated: Path):
    """Chapter 1: one neuron, z = w·x + b then a = σ(z), with its inputs and weights."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    inputs = [(0.0, 2.4), (0.0, 1.2), (0.0, 0.0)]
    for k, xy in enumerate(inputs, start=1):
        _node(ax, xy, f"$x_{k}$", colour="#f0f0f0", edge="#636363")
        _arrow(ax, xy, (3.0, 1.2))
        mid = ((xy[0] + 3.0) / 2, (xy[1] + 1.2) / 2)
        ax.text(mid[0] - 0.1, mid[1] + 0.16, f"$w_{k}$", fontsize=12, color="#a63603", ha="center")
    _node(ax, (3.0, 1.2), r"$\Sigma$", radius=0.45)
    ax.text(3.0, 0.45, r"$z = \sum_i w_i x_i + b$", ha="center", va="top", fontsize=11)
    ax.text(3.0, 2.05, "$+\\,b$", ha="center", fontsize=12, color="#a63603")
    _arrow(ax, (3.0, 2.0), (3.0, 1.65), shrink=0)
    ax.add_patch(plt.Rectangle((4.4, 0.8), 1.1, 0.8, facecolor="#fee6ce", edgecolor="#e6550d",
                               linewidth=1.4, zorder=3))
    ax.text(4.95, 1.2, r"$\sigma$", ha="center", va="center", fontsize=16, zorder=4)
    ax.text(4.95, 0.45, r"$a = \sigma(z)$", ha="center", va="top", fontsize=11)
    _arrow(ax, (3.45, 1.2), (4.4, 1.2), shrink=0)
    ax.text(3.92, 1.3, "$z$", ha="center", fontsize=12)
    _arrow(ax, (5.5, 1.2), (6.6, 1.2), shrink=0)
    ax.text(6.75, 1.2, "$a$", va="center", fontsize=14)
    ax.set_xlim(-0.6, 7.2)
    ax.set_ylim(-0.4, 2.9)
    _blank(ax)
    ax.set_title(tr("One neuron: a weighted sum of the inputs plus a bias, then an activation"))
    return fig


def mlp_shapes(generated: Path):
    """Chapter 2: an MLP as layers of neurons, with the shape of every tensor for a batch of N."""
    fig, ax = plt.subplots(figsize=(9, 4.6))
    layers = [(tr("input $x$"), 4, "(N, D)", "#f0f0f0", "#636363"),
              (tr("hidden $h$"), 5, "(N, U)", "#deebf7", "#2171b5"),
              (tr("output $y$"), 3, "(N, C)", "#fee6ce", "#e6550d")]
    xs = [0.0, 3.2, 6.4]
    positions = []
    for (name, n, shape, colour, edge), x in zip(layers, xs):
        ys = [(n - 1) / 2 - i for i in range(n)]
        positions.append([(x, y) for y in ys])
    for left, right in zip(positions, positions[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color="#bdbdbd", linewidth=0.7, zorder=1)
    for (name, n, shape, colour, edge), column in zip(layers, positions):
        for xy in column:
            _node(ax, xy, "", radius=0.22, colour=colour, edge=edge)
        x = column[0][0]
        ax.text(x, 2.95, name, ha="center", fontsize=12)
        ax.text(x, -2.95, shape, ha="center", fontsize=12, family="monospace")
    weights = [(r"$W_1$: (D, U)   $b_1$: (U)", r"$h = \mathrm{relu}(x W_1 + b_1)$"),
               (r"$W_2$: (U, C)   $b_2$: (C)", r"$y = h W_2 + b_2$")]
    for (label, formula), x0, x1 in zip(weights, xs, xs[1:]):
        ax.text((x0 + x1) / 2, 2.45, label, ha="center", fontsize=11, color="#a63603")
        ax.text((x0 + x1) / 2, -2.45, formula, ha="center", fontsize=11)
    ax.set_xlim(-1.4, 7.8)
    ax.set_ylim(-3.3, 3.3)
    _blank(ax)
    ax.set_title(tr("A batch of N examples flows left to right; each row of x is one example"), fontsize=11)
    return fig


def read_demo_values(path: Path) -> dict[str, list[float]]:
    """Lines `  name = v1 v2 ...` of a demo's printed output, as {name: values}."""
    values = {}
    for line in path.read_text().splitlines():
        if " = " not in line or not line.startswith("  "):
            continue
        name, _, numbers = line.rpartition(" =")
        try:
            values[name.strip()] = [float(v) for v in numbers.split()]
        except ValueError:
            continue
    return values


def backprop_graph(generated: Path):
    """Chapter 3: the 2-2-1 network as a computational graph, with the demo's forward values
    above each edge and the gradients of the loss below it."""
    v = read_demo_values(generated / "03_backprop" / "backprop_demo.txt")

    def fmt(values):
        return "(" + ", ".join(f"{x:.4g}" for x in values) + ")" if len(values) > 1 else f"{values[0]:.4g}"

    x, h, y = v["x"], v["h = sigmoid(x W1 + b1)"], v["y = sigmoid(h W2 + b2)"]
    loss = v["L = (y - t)^2"]
    fig, ax = plt.subplots(figsize=(12, 4.4))
    X1, X2, XL, XE = 3.6, 7.4, 11.2, 14.0  # box centres: dense 1, dense 2, loss, L
    boxes = [(0.0, "$x$"), (X1, "Dense 1\n$\\sigma(xW_1+b_1)$"), (X2, "Dense 2\n$\\sigma(hW_2+b_2)$"),
             (XL, tr("loss\n$(y-t)^2$")), (XE, "$L$")]
    for cx, label in boxes:
        plain = label.startswith("$")
        ax.add_patch(plt.Rectangle((cx - 0.8, -0.45), 1.6, 0.9, zorder=3,
                                   facecolor="#f0f0f0" if plain else "#deebf7",
                                   edgecolor="#636363" if plain else "#2171b5", linewidth=1.3))
        ax.text(cx, 0, label, ha="center", va="center", fontsize=11, zorder=4)
    edges = [(0.0, X1, "x", fmt(x), fmt(v["dL/dx"])), (X1, X2, "h", fmt(h), fmt(v["dL/dh"])),
             (X2, XL, "y", fmt(y), fmt(v["dL/dy"]))]
    for x0, x1, name, forward, backward in edges:
        ax.annotate("", xy=(x1 - 0.8, 0.12), xytext=(x0 + 0.8, 0.12),
                    arrowprops={"arrowstyle": "-|>", "color": "#2171b5", "lw": 1.4})
        ax.annotate("", xy=(x0 + 0.8, -0.12), xytext=(x1 - 0.8, -0.12),
                    arrowprops={"arrowstyle": "-|>", "color": "#d94801", "lw": 1.4})
        mid = (x0 + x1) / 2
        ax.text(mid, 0.3, f"${name}$ = {forward}", ha="center", va="bottom", fontsize=10, color="#08519c")
        ax.text(mid, -0.3, f"$\\partial L/\\partial {name}$ =\n{backward}", ha="center", va="top",
                fontsize=10, color="#a63603")
    ax.annotate("", xy=(XE - 0.8, 0.12), xytext=(XL + 0.8, 0.12),
                arrowprops={"arrowstyle": "-|>", "color": "#2171b5", "lw": 1.4})
    ax.text((XL + XE) / 2, 0.3, f"$L$ = {fmt(loss)}", ha="center", va="bottom", fontsize=10,
            color="#08519c")
    ax.text((XL + XE) / 2, -0.3, "$\\partial L/\\partial L$\n= 1", ha="center", va="top", fontsize=10,
            color="#a63603")
    params = [(X1, "W_1", "dL/dW1"), (X1, "b_1", "dL/db1"), (X2, "W_2", "dL/dW2"),
              (X2, "b_2", "dL/db2")]
    for k, (cx, name, grad) in enumerate(params):
        dx = -0.55 if k % 2 == 0 else 0.55
        top = 2.2 if k % 2 == 0 else 1.55
        ax.annotate("", xy=(cx + dx * 0.6, 0.45), xytext=(cx + dx, top - 0.15),
                    arrowprops={"arrowstyle": "-|>", "color": "#636363", "lw": 1.0})
        ax.text(cx + dx, top, f"$\\partial L/\\partial {name}$ = {fmt(v[grad])}", ha="center",
                va="bottom", fontsize=9, color="#a63603")
    ax.text(-0.9, 2.75, tr("blue, left to right: the forward values.   orange, right to left: "
                           "the gradients of the loss (printed by chapters/03_backprop's demo)"),
            fontsize=9.5, color="#252525")
    ax.set_xlim(-1.0, 15.0)
    ax.set_ylim(-1.3, 3.0)
    ax.set_axis_off()
    return fig


def activations(generated: Path):
    """Chapter 1: the library's activation functions and their derivatives (neuron_demo writes
    nn::activate and nn::derivative_from_output on a grid of z)."""
    c = read_columns(generated / "01_neuron" / "activations.csv")
    z = c["z"]
    curves = [("sigmoid", c["sigmoid"], c["dsigmoid"], r"$\sigma(z) = 1/(1+e^{-z})$",
               r"$\sigma'(z) = \sigma(z)(1-\sigma(z))$"),
              ("tanh", c["tanh"], c["dtanh"], r"$\tanh z$", r"$1 - \tanh^2 z$"),
              ("relu", c["relu"], c["drelu"], r"$\max(0, z)$", tr(r"$1$ if $z > 0$ else $0$"))]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), sharex=True)
    for ax, (name, f, df, f_label, df_label) in zip(axes, curves):
        ax.plot(z, f, color="#2171b5", linewidth=2, label=f_label)
        ax.plot(z, df, color="#d94801", linewidth=2, linestyle="--", label=df_label)
        ax.axhline(0, color="#999999", linewidth=0.6)
        ax.axvline(0, color="#999999", linewidth=0.6)
        ax.set_title(name)
        ax.set_xlabel("$z$")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8.5, loc="upper left")
    axes[0].set_ylim(-0.1, 1.15)
    axes[1].set_ylim(-1.15, 1.5)
    axes[2].set_ylim(-0.3, 5.2)
    fig.suptitle(tr("Activations (solid) and their derivatives (dashed): sigmoid's is at most 1/4, "
                    "relu's is 0 or 1"), fontsize=11)
    return fig


def conv_sliding(generated: Path):
    """Chapter 5: a 3x3 kernel sliding over a 5x5 image padded by 1, with stride 2 and stride 1."""
    from matplotlib.patches import Rectangle
    H, K, P = 5, 3, 1
    fig, axes = plt.subplots(1, 5, figsize=(12.5, 3.5),
                             gridspec_kw={"width_ratios": [1, 1, 1, 1, 0.9]})
    S = 2
    Ho = (H + 2 * P - K) // S + 1
    positions = [(0, 0), (0, 1), (0, 2), (1, 0)]
    colours = ["#e6550d", "#31a354", "#3182bd", "#756bb1"]
    for ax, (oh, ow), colour in zip(axes[:4], positions, colours):
        size = H + 2 * P
        for r in range(size):
            for c in range(size):
                pad = r < P or c < P or r >= H + P or c >= H + P
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#f0f0f0" if pad else "white",
                                       edgecolor="#bdbdbd", linewidth=0.8))
                if pad:
                    ax.text(c + 0.5, r + 0.5, "0", ha="center", va="center", fontsize=8,
                            color="#969696")
        ax.add_patch(Rectangle((P, P), H, H, fill=False, edgecolor="#252525", linewidth=1.6))
        ax.add_patch(Rectangle((ow * S, oh * S), K, K, facecolor=colour, alpha=0.3,
                               edgecolor=colour, linewidth=2.2))
        ax.set_xlim(-0.1, size + 0.1)
        ax.set_ylim(size + 0.1, -0.1)
        _blank(ax)
        ax.set_title(tr("output ({oh}, {ow}): input rows {r0}..{r1},\ncolumns {c0}..{c1}",
                        oh=oh, ow=ow, r0=oh * S - P, r1=oh * S - P + K - 1, c0=ow * S - P,
                        c1=ow * S - P + K - 1), fontsize=10)
    out = axes[4]
    for r in range(Ho):
        for c in range(Ho):
            shown = (r, c) in positions
            colour = colours[positions.index((r, c))] if shown else "white"
            out.add_patch(Rectangle((c, r), 1, 1, facecolor=colour, alpha=0.3 if shown else 1,
                                    edgecolor="#636363", linewidth=1.0))
            out.text(c + 0.5, r + 0.5, f"({r},{c})", ha="center", va="center", fontsize=9)
    out.set_xlim(-0.6, Ho + 0.6)
    out.set_ylim(Ho + 2.2, -0.6)
    _blank(out)
    out.set_title(tr("output {Ho}×{Ho}", Ho=Ho), fontsize=10)
    out.text(Ho / 2, Ho + 0.5, f"$H_o = \\lfloor(H + 2P - K)/S\\rfloor + 1$\n"
             f"$= \\lfloor({H} + {2 * P} - {K})/{S}\\rfloor + 1 = {Ho}$",
             ha="center", va="top", fontsize=10)
    fig.suptitle(tr("A {K}×{K} kernel over a {H}×{H} image with padding $P$ = {P} (grey zeros) and "
                    "stride $S$ = {S}: each output is one position of the kernel", K=K, H=H, P=P, S=S),
                 fontsize=11)
    return fig


def pooling_windows(generated: Path):
    """Chapter 6: 2x2 max and average pooling of the worked example, forward and backward,
    with the library's outputs (pool_demo writes them)."""
    maps = {}
    with open(generated / "06_pooling" / "pool_example.csv", newline="") as f:
        for row in csv.DictReader(f):
            maps.setdefault(row["map"], {})[(int(row["row"]), int(row["col"]))] = float(row["value"])

    def matrix(name):
        cells = maps[name]
        rows = 1 + max(r for r, _ in cells)
        cols = 1 + max(c for _, c in cells)
        return [[cells[(r, c)] for c in range(cols)] for r in range(rows)]

    x = matrix("x")
    window_colours = ["#fdd0a2", "#c7e9c0", "#c6dbef", "#dadaeb"]

    def draw(ax, m, title, lit=None, window=2):
        rows, cols = len(m), len(m[0])
        for r in range(rows):
            for c in range(cols):
                k = (r // window) * (cols // window) + c // window
                colour = window_colours[k] if lit is None or (r, c) in lit else "white"
                ax.add_patch(plt.Rectangle((c, r), 1, 1, facecolor=colour, edgecolor="#636363",
                                           linewidth=0.8))
                bold = lit is not None and (r, c) in lit and lit[(r, c)]
                ax.text(c + 0.5, r + 0.5, f"{m[r][c]:g}", ha="center", va="center", fontsize=12,
                        fontweight="bold" if bold else "normal")
        if window > 1:  # the windows' borders
            for k in range(0, rows + 1, window):
                ax.plot([0, cols], [k, k], color="#252525", linewidth=2.2)
            for k in range(0, cols + 1, window):
                ax.plot([k, k], [0, rows], color="#252525", linewidth=2.2)
        ax.set_xlim(-0.05, cols + 0.05)
        ax.set_ylim(rows + 0.05, -0.05)
        _blank(ax)
        ax.set_title(title, fontsize=10)

    fig, axes = plt.subplots(2, 4, figsize=(11.5, 6.2),
                             gridspec_kw={"width_ratios": [4, 2, 2, 4]})
    for row, kind, name in ((0, "max", "max"), (1, "avg", "average")):
        y, dy, dx = matrix(f"y_{kind}"), matrix(f"dy_{kind}"), matrix(f"dx_{kind}")
        every = {(r, c): False for r in range(4) for c in range(4)}
        if kind == "max":  # the cells that receive a gradient: the windows' maxima
            chosen = {(r, c): True for r in range(4) for c in range(4) if dx[r][c] != 0}
        else:
            chosen = every
        draw(axes[row][0], x, tr("{name} pooling of $x$ (4×4),\n2×2 windows, stride 2", name=tr(name)),
             lit=chosen if kind == "max" else None)
        draw(axes[row][1], y, tr("{name} pool: $y$", name=tr(name)), window=1)
        draw(axes[row][2], dy, tr(r"incoming $\partial L/\partial y$"), window=1)
        rule = tr("each dy goes to its window's\nmaximum (bold); the others get 0"
                  if kind == "max" else "each dy is shared equally,\ndy/4 to each input of its window")
        draw(axes[row][3], dx, r"$\partial L/\partial x$ = backward(dy):" + "\n" + rule,
             lit=chosen if kind == "max" else None)
    return fig


FIGURES.update({f.__name__: f for f in (neuron_diagram, mlp_shapes, backprop_graph, activations,
                                          conv_sliding, pooling_windows)})


def _differences(ax, path: Path, wrap: int = 0):
    """Each chosen regularizer's test accuracy minus the unregularized run's, seed by seed, from
    the regularized_results.csv and regularized_comparison.csv in `path`, on `ax`; run names
    wrapped at `wrap` characters (0: the last word on a line of its own)."""
    runs = _runs(path / "regularized_results.csv")
    with open(path / "regularized_comparison.csv", newline="") as f:
        summary = {row["run"]: row for row in csv.DictReader(f)}
    names = list(runs)
    none = runs[names[0]]["test_accuracy"]
    for i, name in enumerate(names[1:]):
        d = [a - b for a, b in zip(runs[name]["test_accuracy"], none)]
        ax.scatter([i] * len(d), d, color="gray", s=14, zorder=3,
                   label=tr("one seed") if i == 0 else None)
        row = summary[name]
        ax.errorbar([i], [float(row["difference"])], yerr=[float(row["margin"])], fmt="o",
                    color="C0", capsize=6, markersize=7, zorder=4,
                    label=tr("mean, ± t × SE") if i == 0 else None)
    ax.axhline(0, color="black", linewidth=1)
    ax.set_xticks(range(len(names) - 1))
    ax.set_xticklabels([textwrap.fill(tr_name(n), wrap, break_long_words=False) if wrap else "\n".join(tr_name(n).rsplit(" ", 1))
                        for n in names[1:]], fontsize=8)
    ax.set_ylabel(tr("test accuracy minus\n{name}'s, same seed", name=tr_name(names[0])))
    ax.grid(True, axis="y", alpha=0.3)


def regularized_differences(generated: Path):
    """Chapter 8: each chosen regularizer's test accuracy minus the unregularized run's, seed by seed."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    _differences(ax, generated / "08_regularization")
    ax.legend(loc="lower left", fontsize=8)
    return fig


FIGURES.update({f.__name__: f for f in (regularized_differences,)})


def label_noise(generated: Path):
    """Chapter 8, with noisy labels: the unregularized network learns the wrong labels (its
    training accuracy passes the share of right ones) while early stopping does not; and each
    chosen regularizer's test accuracy minus the unregularized run's, seed by seed."""
    path = generated / "08_regularization" / "label_noise"
    text = (path / "choose.txt").read_text()
    wrong, total = map(int, re.search(r"Label noise: (\d+) of the (\d+) training labels", text).groups())
    seed = int(re.search(r"seeds (\d+) to", text).group(1))
    curves = _runs(path / "regularized_curves.csv")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [2, 3]})
    names = list(curves)
    none = curves[names[0]]
    left.plot(none["epoch"], none["accuracy"], color="black", linewidth=1.8,
              label=tr("{name}: training accuracy\n(on the noisy labels)", name=tr_name(names[0])))
    left.plot(none["epoch"], none["val_accuracy"], color="black", linestyle="--", linewidth=1.8,
              label=tr("{name}: validation accuracy\n(noisy labels)", name=tr_name(names[0])))
    # Early stopping trains the same network from the same seed, stops, and keeps its best epoch.
    stop = next((n for n in names if n.startswith("early stopping")), None)
    if stop:
        watched = curves[stop]["val_loss" if stop.endswith("val_loss") else "val_accuracy"]
        pick = min if stop.endswith("val_loss") else max
        kept = curves[stop]["epoch"][watched.index(pick(watched))]
        left.axvline(kept, color="C2", linestyle="-.", linewidth=1.5,
                     label=tr("{name}: keeps epoch {epoch}", name=tr_name(stop), epoch=int(kept)))
    left.axhline(1 - wrong / total, color="gray", linestyle=":",
                 label=tr("labels that are right ({share:.0%})", share=1 - wrong / total))
    left.set_xlabel(tr("epoch"))
    left.set_ylabel(tr("accuracy"))
    left.set_ylim(0, 1.02)
    left.legend(loc="lower right", fontsize=7)
    left.grid(True, alpha=0.3)
    left.set_title(tr("Noisy labels, seed {seed}", seed=seed), fontsize=10)
    _differences(right, path, wrap=12)
    right.legend(loc="upper left", fontsize=8)
    seeds = len(_runs(path / "regularized_results.csv")[names[0]]["test_accuracy"])
    right.set_title(tr("Noisy labels: test accuracy (clean labels), {seeds} seeds", seeds=seeds),
                    fontsize=10)
    return fig


FIGURES.update({f.__name__: f for f in (label_noise,)})


if __name__ == "__main__":
    sys.exit(main(sys.argv))

