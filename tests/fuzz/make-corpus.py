#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/TARGET/.

    tests/fuzz/make-corpus.py

Every seed is made here, from nothing: small PNGs written byte by byte, the other image
formats encoded by ImageMagick's `convert` (with -strip, so no dates or tool names end up
in them), and hand-written JSON, event streams and header values. The output is committed;
run this again only to change the seeds. Several targets read their first byte as a
setting (a chunk size, or which files a session folder holds): those seeds start with one.
"""

import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# ---- images --------------------------------------------------------------------------

def chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def png(width, height, color_type, rows, depth=8, extra=b"", interlace=0, end=True):
    """A PNG from rows of raw (unfiltered) sample bytes; filter type 0 on every row."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace)
    raw = b"".join(b"\0" + row for row in rows)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
    out += chunk(b"IDAT", zlib.compress(raw, 9))
    if end:
        out += chunk(b"IEND", b"")
    return out


def pattern(width, height, channels, seed=0):
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            for c in range(channels):
                row.append((x * 37 + y * 71 + c * 101 + seed) & 0xFF)
        rows.append(bytes(row))
    return rows


def alpha_rows(width, height, alpha_of):
    """RGBA rows whose alpha comes from alpha_of(x, y); colour is a fixed grey."""
    return [bytes(b for x in range(width) for b in (90, 90, 90, alpha_of(x, y)))
            for y in range(height)]


def exif_orientation(value):
    """An APP1 segment holding only an EXIF orientation tag (little-endian TIFF)."""
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, value, 0)
    ifd += struct.pack("<I", 0)
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def convert(args, suffix):
    """Runs ImageMagick and returns the file it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out" + suffix)
        subprocess.run(["convert"] + args + ["-strip", out], check=True)
        with open(out, "rb") as f:
            return f.read()


def image_seeds():
    seeds = {}
    seeds["rgb.png"] = png(8, 6, 2, pattern(8, 6, 3))
    seeds["rgba.png"] = png(8, 6, 6, pattern(8, 6, 4))
    seeds["grey.png"] = png(8, 6, 0, pattern(8, 6, 1))
    seeds["grey-alpha.png"] = png(5, 4, 4, pattern(5, 4, 2))
    seeds["rgb16.png"] = png(4, 3, 2, pattern(4, 3, 6), depth=16)
    seeds["palette-trns.png"] = png(
        6, 4, 3, [bytes((x + y) % 3 for x in range(6)) for y in range(4)],
        extra=chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255]))
        + chunk(b"tRNS", bytes([0, 128, 255])))
    seeds["grey1.png"] = png(16, 2, 0, [b"\xa5\x0f", b"\x5a\xf0"], depth=1)
    seeds["interlaced.png"] = interlaced_png()
    # Files that lie or end early: refused from the header, or reported as damaged.
    seeds["huge-header.png"] = png(60000, 60000, 2, [], end=False)[:33]
    seeds["wide.png"] = png(40000, 1, 0, [], end=False)[:33]
    seeds["truncated.png"] = png(8, 6, 2, pattern(8, 6, 3), end=False)
    seeds["zero-size.png"] = png(0, 0, 2, [], end=False)[:33]
    seeds["huge-header.gif"] = (b"GIF89a" + struct.pack("<HH", 65000, 65000)
                                + b"\x00\x00\x00" + b"\x2c" + struct.pack("<HHHH", 0, 0, 65000, 65000)
                                + b"\x00\x02\x02\x44\x01\x00\x3b")
    seeds["huge-header.bmp"] = (b"BM" + struct.pack("<IHHI", 70, 0, 0, 54)
                                + struct.pack("<IiiHHIIiiII", 40, 30000, 30000, 1, 24, 0, 0, 0, 0, 0, 0)
                                + b"\0" * 16)

    gradient = ["-size", "8x6", "gradient:#204080-#e0c020"]
    seeds["baseline.jpg"] = convert(gradient + ["-quality", "60"], ".jpg")
    seeds["progressive.jpg"] = convert(gradient + ["-quality", "60", "-interlace", "Plane"], ".jpg")
    seeds["grey.jpg"] = convert(gradient + ["-colorspace", "Gray", "-quality", "60"], ".jpg")
    jpeg = seeds["baseline.jpg"]
    seeds["rotated.jpg"] = jpeg[:2] + exif_orientation(6) + jpeg[2:]
    seeds["truncated.jpg"] = jpeg[:len(jpeg) * 2 // 3]
    seeds["lossy.webp"] = convert(gradient + ["-quality", "50"], ".webp")
    seeds["lossless.webp"] = convert(gradient + ["-define", "webp:lossless=true"], ".webp")
    seeds["alpha.webp"] = convert(["-size", "8x6", "gradient:#20408000-#e0c020ff",
                                   "-define", "webp:lossless=true"], ".webp")
    seeds["truncated.webp"] = seeds["lossy.webp"][:-9]
    seeds["palette.gif"] = convert(gradient + ["-colors", "4"], ".gif")
    seeds["animated.gif"] = convert(["-delay", "10", "-size", "4x4", "xc:red", "xc:blue",
                                     "-loop", "0"], ".gif")
    seeds["rgb.tif"] = convert(gradient + ["-compress", "none"], ".tif")
    seeds["rgb.bmp"] = convert(gradient + ["-define", "bmp:format=bmp3"], ".bmp")
    return seeds


def interlaced_png():
    """A 4 x 4 grey Adam7 PNG: seven passes, each row with filter byte 0."""
    width = height = 4
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
              (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        for y in range(y0, height, dy):
            row = bytes(((x * 50 + y * 20) & 0xFF) for x in range(x0, width, dx))
            if row:
                raw += b"\0" + row
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 1)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def mask_seeds():
    seeds = {}
    # Exported masks: alpha 0 where painted.
    seeds["binary.png"] = png(9, 7, 6, alpha_rows(9, 7, lambda x, y: 0 if 2 <= x < 6 and y < 4 else 255))
    seeds["soft.png"] = png(9, 7, 6, alpha_rows(9, 7, lambda x, y: (x * 29 + y * 13) & 0xFF))
    seeds["clear.png"] = png(3, 2, 6, alpha_rows(3, 2, lambda x, y: 255))
    seeds["painted.png"] = png(3, 2, 6, alpha_rows(3, 2, lambda x, y: 0))
    # Repaint's coverage format: one grey channel.
    seeds["coverage.png"] = png(9, 7, 0, [bytes((x * 31 + y * 17) & 0xFF for x in range(9)) for y in range(7)])
    # Masks spanning tiles (256 px): uniform tiles collapse, edges do not.
    wide = [bytes(255 if x >= 250 else 0 for x in range(300)) for y in range(3)]
    seeds["across-tiles.png"] = png(300, 3, 0, wide)
    seeds["no-alpha.png"] = png(4, 4, 2, pattern(4, 4, 3))
    seeds["grey-alpha.png"] = png(5, 3, 4, pattern(5, 3, 2, seed=7))
    seeds["palette-trns.png"] = png(
        4, 2, 3, [b"\x00\x01\x02\x01", b"\x02\x01\x00\x00"],
        extra=chunk(b"PLTE", bytes([0, 0, 0, 255, 255, 255, 9, 9, 9]))
        + chunk(b"tRNS", bytes([0, 255, 77])))
    seeds["alpha.webp"] = convert(["-size", "5x4", "gradient:#00000000-#ffffffff",
                                   "-define", "webp:lossless=true"], ".webp")
    return seeds


# ---- transport -------------------------------------------------------------------------

# A 2 x 2 PNG, the kind of payload b64_json carries.
TINY_PNG = png(2, 2, 6, [b"\xff\0\0\xff\0\xff\0\x80", b"\0\0\xff\0\xff\xff\xff\xff"])
TINY_B64 = base64.b64encode(TINY_PNG).decode("ascii")


def images_reader_seeds():
    # The first byte is the chunk size: 0 feeds everything at once.
    return {
        "whole.json": "\0" + '{"created":1713833628,"data":[{"b64_json":"%s"}],'
                              '"usage":{"total_tokens":100,"input_tokens":50,'
                              '"output_tokens":50}}' % TINY_B64,
        "chunked.json": "\x07" + '{"data":[{"b64_json":"%s","revised_prompt":"a red kite"},'
                                 '{"b64_json":"%s"}],"size":"1024x1024","quality":"high",'
                                 '"output_format":"png","background":"opaque"}'
                                 % (TINY_B64, TINY_B64.rstrip("=")),
        "data-url.json": "\x03" + '{"data":[{"b64_json":"data:image/png;base64,%s"}]}' % TINY_B64,
        "url.json": "\x10" + '{"created":1,"data":[{"url":"https://images.example.com/r/1.png",'
                             '"b64_json":""}]}',
        "error.json": "\x05" + '{"error":{"message":"Invalid mask","type":"invalid_request_error",'
                               '"param":"mask","code":"invalid_mask"}}',
        "error-code-number.json": "\x01" + '{"error":{"message":"Rate limited","code":429}}',
        "error-string.json": "\0" + '{"error":"Invalid API key"}',
        "event.json": "\x0b" + '{"type":"image_edit.partial_image","b64_json":"%s",'
                               '"partial_image_index":0,"created_at":1713833628}' % TINY_B64,
        "escapes.json": "\x02" + '{"data":[{"revised_prompt":"caf\\u00e9 \\ud83d\\ude00 \\"x\\"\\n\\t\\/"}],'
                                 '"x":[1,-2.5e3,0.5E+2,true,false,null,{}],"y":{"z":[[]]}}',
        "nested.json": "\x04" + '{"meta":' + "[" * 30 + "0" + "]" * 30 + ',"data":null}',
        "not-object.json": "\0" + '[{"b64_json":"AAAA"}]',
        "bad-base64.json": "\x06" + '{"data":[{"b64_json":"iVBORw0KGgo=A"}]}',
    }


def sse_seeds():
    event = ('{"type":"image_edit.partial_image","b64_json":"%s","partial_image_index":0}'
             % TINY_B64)
    done = '{"type":"image_edit.completed","b64_json":"%s","usage":{"total_tokens":9}}' % TINY_B64
    return {
        "openai.txt": "\x40" + "event: image_edit.partial_image\ndata: %s\n\n"
                               "event: image_edit.completed\ndata: %s\n\ndata: [DONE]\n\n"
                      % (event, done),
        "crlf.txt": "\x05" + ": keep-alive\r\n\r\nid: 7\r\nretry: 1500\r\nevent: message\r\n"
                             "data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n",
        "cr.txt": "\x01" + "data:first\rdata: second\r\rdata\r\r",
        "bom.txt": "\x02" + "\ufeffdata: {\"error\":{\"message\":\"busy\"}}\n\n",
        "multiline.txt": "\0" + "event: x\ndata: {\"data\":\ndata: [{\"url\":\"https://e.example/1\"}]}\n\n"
                                ":comment\nid\nfield-without-colon\n\n",
        "truncated.txt": "\x03" + "event: image_edit.completed\ndata: {\"b64_json\":\"iVBO",
        "done-only.txt": "\x09" + "data: [DONE]\n\nevent: ignored\ndata: after\n\n",
    }


def history_seeds():
    entry = "20260101-000000-000-fuzzed"
    done = ('{"version":1,"id":"%s","status":"done","created":"2026-01-01T00:00:00.000Z",'
            '"updated":"2026-01-01T00:01:00Z","prompt":"a kite in a blue sky","provider":"openai",'
            '"model":"gpt-image-1","params":{"quality":"high","n":1},'
            '"usage":{"total_tokens":1200},"request_id":"req_123","original":"original.jpg",'
            '"input_thumbnail":"input-thumb.png",'
            '"inputs":[{"role":"image","file":"image-0.png","mime":"image/png","bytes":1024,'
            '"width":64,"height":48},{"role":"mask","file":"mask.png","mime":"image/png",'
            '"bytes":99,"width":64,"height":48},{"role":"reference","file":"ref-1.jpg"}],'
            '"outputs":[{"raw":"raw-0.png","mime":"image/png","bytes":2048,"width":64,'
            '"height":48,"composite":"result-0.png","thumbnail":"thumb-0.png"}],'
            '"partials":[{"file":"partial-0.png","index":0}]}' % entry)
    return {
        "done.json": done,
        "pending.json": '{"version":1,"id":"%s","status":"pending","created":"2026-03-04T05:06:07+01:00",'
                        '"process":{"pid":1,"start_time":12345,"boot_id":"00000000-0000-0000-0000-000000000000"},'
                        '"inputs":[],"outputs":[]}' % entry,
        "failed.json": '{"version":1,"id":"%s","status":"failed","created":"2026-01-01T00:00:00Z",'
                       '"error":{"kind":"http","message":"The provider refused the mask.","status":400,'
                       '"code":"invalid_mask","request_id":"req_9"}}' % entry,
        "interrupted.json": '{"version":1,"id":"%s","status":"interrupted","created":"2026-01-01T00:00:00Z"}' % entry,
        "wrong-id.json": '{"version":1,"id":"elsewhere","status":"done","created":"2026-01-01T00:00:00Z"}',
        "newer.json": '{"version":2,"id":"%s","status":"done","created":"2026-01-01T00:00:00Z"}' % entry,
        "escaping-names.json": '{"version":1,"id":"%s","status":"done","created":"2026-01-01T00:00:00Z",'
                               '"inputs":[{"role":"image","file":"../../etc/passwd"},{"file":".hidden"}],'
                               '"outputs":[{"raw":"/x.png","composite":"sub/dir.png"}]}' % entry,
    }


def session_seeds():
    # The first byte: bits 0-1 pick image.png (none, 4x3, 3x4, damaged), bits 2-3
    # mask.png (none, matching coverage, 5x3 coverage, RGBA).
    full = ('{"version":1,"width":4,"height":3,"name":"kite.jpg","image_file":"image.png",'
            '"mask_file":"mask.png","references":["file:///nonexistent/ref.png",'
            '"file:///"],"prompt":"replace the kite","provider":"openai","model":"gpt-image-1",'
            '"params":{"quality":"high","size":"auto"}}')
    return {
        "full.json": "\x05" + full,
        "wrong-mask.json": "\x09" + full,
        "rgba-mask.json": "\x0d" + full,
        "no-mask.json": "\x01" + full,
        "rotated.json": "\x06" + full.replace('"width":4,"height":3', '"width":3,"height":4'),
        "damaged-image.json": "\x07" + full,
        "no-image.json": "\x04" + full,
        "by-uri.json": "\x05" + '{"version":1,"width":4,"height":3,"image_uri":"file:///nonexistent.png"}',
        "other-version.json": "\x05" + '{"version":2,"width":4,"height":3,"image_file":"image.png"}',
    }


def retry_seeds():
    return {
        "duration.txt": "6m0s",
        "fraction.txt": "1.5s",
        "composite.txt": "1h2m3.5s",
        "micro.txt": "250\u00b5s",
        "zero.txt": "0",
        "seconds.txt": " 20 ",
        "millis.txt": "1500.25",
        "unix.txt": "1767268800",
        "unix-ms.txt": "1767268800000",
        "http-date.txt": "Thu, 01 Jan 2026 12:00:30 GMT",
        "negative.txt": "-5s",
    }


def main():
    if shutil.which("convert") is None:
        sys.exit("make-corpus.py needs ImageMagick's convert")
    for target, seeds in [("image", image_seeds()), ("mask", mask_seeds()),
                          ("images-reader", images_reader_seeds()), ("sse", sse_seeds()),
                          ("history", history_seeds()), ("session", session_seeds()),
                          ("retry", retry_seeds())]:
        folder = os.path.join(CORPUS, target)
        shutil.rmtree(folder, ignore_errors=True)
        for name, data in sorted(seeds.items()):
            write(target, name, data)


if __name__ == "__main__":
    main()
