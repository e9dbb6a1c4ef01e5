#!/usr/bin/python3
# Encodes the same RGBA mask with python3-pil, timing only the encode: the outside reference
# for Repaint's mask export. Prints "key value" lines.
import io
import statistics
import sys
import time

from PIL import Image

REPEATS = 5
image = Image.open(sys.argv[1]).convert("RGBA")
image.load()


def encode(**options):
    runs = []
    size = 0
    for _ in range(REPEATS):
        buffer = io.BytesIO()
        start = time.perf_counter()
        image.save(buffer, "PNG", **options)
        runs.append(time.perf_counter() - start)
        size = buffer.tell()
    return statistics.median(runs), size


default_s, default_bytes = encode()
fast_s, fast_bytes = encode(compress_level=1)
print(f"pil_default_s {default_s:.4f}")
print(f"pil_default_bytes {default_bytes}")
print(f"pil_level1_s {fast_s:.4f}")
print(f"pil_level1_bytes {fast_bytes}")
