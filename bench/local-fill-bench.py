#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of the offline fill against OpenCV's inpainting, on real photographs.

The photographs come from Debian packages fetched at run time into bench/cache/ (never
committed). Every photo gets holes of four shapes covering 2-10 % of its area, drawn from
a fixed seed. Repaint's fill (through the bench-local-fill driver), cv2.inpaint Telea and
cv2.inpaint Navier-Stokes run on the same inputs in the same run; PSNR and SSIM are
measured on the hole only, against the original photo. Prints Markdown.

usage: bench/local-fill-bench.py BUILD_DIR [--quick] [--no-opencv] [--only NAME,...]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, "cache")
SEED = 20240611
INPAINT_RADIUS_PX = 3  # OpenCV's customary radius
MAX_EDGE_PX = 1920

SKIMAGE_DATA = "usr/lib/python3/dist-packages/skimage/data"
WALLPAPERS = "usr/share/wallpapers"

# (name, package, path inside the package, license as the package states it)
PHOTOS = [
    ("astronaut", "python3-skimage", SKIMAGE_DATA + "/astronaut.png", "public domain (NASA)"),
    ("chelsea", "python3-skimage", SKIMAGE_DATA + "/chelsea.png", "CC0 (Stefan van der Walt)"),
    ("coffee", "python3-skimage", SKIMAGE_DATA + "/coffee.png", "CC0 (Rachel Michetti)"),
    ("rocket", "python3-skimage", SKIMAGE_DATA + "/rocket.jpg", "public domain (SpaceX)"),
    ("hubble_deep_field", "python3-skimage", SKIMAGE_DATA + "/hubble_deep_field.jpg",
     "public domain (NASA)"),
    ("retina", "python3-skimage", SKIMAGE_DATA + "/retina.jpg", "CC0 (Häggström)"),
]
for _name, _author in [("Kite", "Risto Saukonpää"), ("Path", "Risto Saukonpää"),
                       ("ColdRipple", "Risto Saukonpää"), ("DarkestHour", "Risto Saukonpää"),
                       ("OneStandsOut", "Risto Saukonpää"), ("summer_1am", "Risto Saukonpää"),
                       ("EveningGlow", "Ian Hex"), ("FallenLeaf", "Martin Klapetek"),
                       ("BytheWater", "Maciej Wiklo"), ("Autumn", "RJ Quiralta")]:
    PHOTOS.append((_name, "plasma-workspace-wallpapers",
                   "%s/%s/contents/images/1920x1080.jpg" % (WALLPAPERS, _name),
                   "LGPL-3 (%s)" % _author))

SHAPES = ["ellipse", "rectangle", "blob", "stroke"]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def fetch_packages():
    debs = os.path.join(CACHE, "debs")
    root = os.path.join(CACHE, "root")
    os.makedirs(debs, exist_ok=True)
    for pkg in sorted({p[1] for p in PHOTOS}):
        stamp = os.path.join(root, "." + pkg)
        if os.path.exists(stamp):
            continue
        have = [f for f in os.listdir(debs) if f.startswith(pkg + "_")]
        if not have:
            log("fetching", pkg)
            subprocess.run(["apt-get", "download", pkg], cwd=debs, check=True,
                           stdout=subprocess.DEVNULL)
            have = [f for f in os.listdir(debs) if f.startswith(pkg + "_")]
        os.makedirs(root, exist_ok=True)
        subprocess.run(["dpkg-deb", "-x", os.path.join(debs, sorted(have)[-1]), root],
                       check=True)
        open(stamp, "w").close()
    return root


def package_version(pkg):
    debs = os.path.join(CACHE, "debs")
    have = sorted(f for f in os.listdir(debs) if f.startswith(pkg + "_"))
    return have[-1].split("_")[1].replace("%3a", ":") if have else "?"


# ---------------------------------------------------------------------------------------
# Holes

def brush_path(mask, rng, points, radius):
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
        cv2.line(mask, (int(x0), int(y0)), (int(x1), int(y1)), 255, 2 * radius + 1,
                 lineType=cv2.LINE_8)
        cv2.circle(mask, (int(x1), int(y1)), radius, 255, -1)


def make_hole(shape, w, h, rng, fraction=None):
    """A binary hole (uint8, 255 = fill) covering a fraction drawn from the shape's range."""
    mask = np.zeros((h, w), np.uint8)
    lo, hi = (0.02, 0.05) if shape == "stroke" else (0.02, 0.10)
    target = (fraction if fraction is not None else rng.uniform(lo, hi)) * w * h
    if shape == "ellipse":
        ratio = rng.uniform(0.5, 2.0)
        a = np.sqrt(target * ratio / np.pi)
        b = target / (np.pi * a)
        a, b = min(a, 0.45 * w), min(b, 0.45 * h)
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        cv2.ellipse(mask, (int(cx), int(cy)), (int(a), int(b)), rng.uniform(0, 180), 0, 360,
                    255, -1)
    elif shape == "rectangle":
        ratio = rng.uniform(0.5, 2.0)
        rw = min(np.sqrt(target * ratio), 0.9 * w)
        rh = min(target / rw, 0.9 * h)
        x0, y0 = rng.uniform(0.05 * w, w - rw - 0.05 * w), rng.uniform(0.05 * h, h - rh - 0.05 * h)
        mask[int(y0):int(y0 + rh), int(x0):int(x0 + rw)] = 255
    elif shape == "blob":
        # A free brush scribble: a random walk of round dabs around one spot.
        radius = max(4, int(0.035 * min(w, h)))
        x, y = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
        cx, cy = x, y
        pts = [(x, y)]
        while np.count_nonzero(mask) < target:
            ang = rng.uniform(0, 2 * np.pi)
            step = rng.uniform(0.5, 2.0) * radius
            x = np.clip(x + step * np.cos(ang) + 0.05 * (cx - x), radius, w - radius)
            y = np.clip(y + step * np.sin(ang) + 0.05 * (cy - y), radius, h - radius)
            pts.append((x, y))
            brush_path(mask, rng, pts[-2:], radius)
    else:
        # A thin stroke wandering across the photo, like a wire or a scratch.
        radius = max(2, int(0.006 * min(w, h)))
        x, y = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
        ang = rng.uniform(0, 2 * np.pi)
        pts = [(x, y)]
        while np.count_nonzero(mask) < target:
            ang += rng.normal(0, 0.35)
            step = 6 * radius
            nx, ny = x + step * np.cos(ang), y + step * np.sin(ang)
            if not (radius <= nx < w - radius and radius <= ny < h - radius):
                ang += np.pi / 2
                continue
            x, y = nx, ny
            pts.append((x, y))
            brush_path(mask, rng, pts[-2:], radius)
    return mask


def load_photo(root, rel, max_edge=MAX_EDGE_PX):
    """The photo, scaled down to fit max_edge (the wallpapers ship at 2560 × 1600)."""
    image = cv2.imread(os.path.join(root, rel), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    if max(w, h) > max_edge:
        f = max_edge / max(w, h)
        image = cv2.resize(image, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    return image


def write_mask_png(path, hole):
    # Repaint's mask format: alpha 0 where the fill goes.
    bgra = np.zeros(hole.shape + (4,), np.uint8)
    bgra[..., 3] = 255 - hole
    cv2.imwrite(path, bgra)


# ---------------------------------------------------------------------------------------
# Scores

def ssim_map(a, b):
    """SSIM (Wang et al. 2004) with an 11-tap Gaussian window, sigma 1.5, on luma."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x):
        return cv2.GaussianBlur(x, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    ma, mb = blur(a), blur(b)
    saa = blur(a * a) - ma * ma
    sbb = blur(b * b) - mb * mb
    sab = blur(a * b) - ma * mb
    return ((2 * ma * mb + c1) * (2 * sab + c2)) / ((ma * ma + mb * mb + c1) * (saa + sbb + c2))


def scores(original, result, hole):
    sel = hole > 0
    diff = original[sel].astype(np.float64) - result[sel].astype(np.float64)
    mse = float(np.mean(diff * diff))
    psnr = 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
    g0 = cv2.cvtColor(original, cv2.COLOR_BGR2GRAY)
    g1 = cv2.cvtColor(result, cv2.COLOR_BGR2GRAY)
    ssim = float(np.mean(ssim_map(g0, g1)[sel]))
    return psnr, ssim


# ---------------------------------------------------------------------------------------
# Runners

def run_repaint(driver, image_path, mask_path, out_path):
    proc = subprocess.run([driver, image_path, mask_path, out_path], check=True,
                          capture_output=True, text=True)
    fields = dict(kv.split("=", 1) for kv in proc.stdout.split())
    return cv2.imread(out_path, cv2.IMREAD_COLOR), float(fields["ms"]) / 1000.0, fields


def run_opencv(image, hole, method):
    start = time.perf_counter()
    out = cv2.inpaint(image, hole, INPAINT_RADIUS_PX, method)
    return out, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--quick", action="store_true", help="two shapes, eight photos")
    parser.add_argument("--no-opencv", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()

    driver = os.path.join(os.path.abspath(args.build_dir), "bench", "bench-local-fill")
    if not os.access(driver, os.X_OK):
        sys.exit("build the project first: %s is missing" % driver)
    root = fetch_packages()
    work = os.path.join(CACHE, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    photos = PHOTOS
    shapes = SHAPES
    if args.only:
        photos = [p for p in PHOTOS if p[0] in args.only.split(",")]
    elif args.quick:
        photos = PHOTOS[::2]
    methods = ["repaint"] + ([] if args.no_opencv else ["telea", "ns"])

    rows = []
    for pi, (name, pkg, rel, lic) in enumerate(photos):
        image = load_photo(root, rel)
        h, w = image.shape[:2]
        image_path = os.path.join(work, name + ".png")
        cv2.imwrite(image_path, image)
        for si, shape in enumerate(shapes):
            rng = np.random.default_rng([SEED, PHOTOS.index((name, pkg, rel, lic)), si])
            hole = make_hole(shape, w, h, rng)
            mask_path = os.path.join(work, "%s-%s-mask.png" % (name, shape))
            write_mask_png(mask_path, hole)
            row = {"photo": name, "shape": shape, "size": (w, h),
                   "hole": np.count_nonzero(hole) / (w * h)}
            out, secs, fields = run_repaint(driver, image_path, mask_path,
                                            os.path.join(work, "%s-%s-repaint.png" % (name, shape)))
            # The invariant the compositor relies on: outside the hole, the same bytes.
            if not np.array_equal(out[hole == 0], image[hole == 0]):
                sys.exit("%s/%s: pixels outside the mask changed" % (name, shape))
            row["repaint"] = scores(image, out, hole) + (secs,)
            for m in methods[1:]:
                flag = cv2.INPAINT_TELEA if m == "telea" else cv2.INPAINT_NS
                out, secs = run_opencv(image, hole, flag)
                row[m] = scores(image, out, hole) + (secs,)
            log("%-18s %-9s %5.1f%%  " % (name, shape, 100 * row["hole"]) +
                "  ".join("%s %.2f dB %.4f %.2fs" % ((m,) + row[m]) for m in methods))
            rows.append(row)

    report(rows, photos, methods, root, driver, work)


def report(rows, photos, methods, root, driver, work):
    names = {"repaint": "Repaint", "telea": "Telea", "ns": "NS"}
    print("### Per photo (mean over %d hole shapes)\n" % len(SHAPES))
    head = "| Photo | Size | Source (license) | " + " | ".join(
        "%s SSIM | %s PSNR" % (names[m], names[m]) for m in methods) + " |"
    print(head)
    print("|" + "---|" * (3 + 2 * len(methods)))
    for name, pkg, rel, lic in photos:
        pr = [r for r in rows if r["photo"] == name]
        cells = []
        for m in methods:
            cells.append("%.4f" % statistics.mean(r[m][1] for r in pr))
            cells.append("%.2f dB" % statistics.mean(r[m][0] for r in pr))
        print("| %s | %d×%d | %s %s (%s) | %s |" % (name, pr[0]["size"][0], pr[0]["size"][1],
                                                  pkg, package_version(pkg), lic, " | ".join(cells)))

    print("\n### Per hole shape (mean over %d photos)\n" % len(photos))
    print("| Shape | Hole area | " + " | ".join(
        "%s SSIM | %s PSNR | %s time" % (names[m], names[m], names[m]) for m in methods) + " |")
    print("|" + "---|" * (2 + 3 * len(methods)))
    for shape in SHAPES + ["all"]:
        sr = [r for r in rows if shape in ("all", r["shape"])]
        if not sr:
            continue
        cells = []
        for m in methods:
            cells += ["%.4f" % statistics.mean(r[m][1] for r in sr),
                      "%.2f dB" % statistics.mean(r[m][0] for r in sr),
                      "%.2f s" % statistics.mean(r[m][2] for r in sr)]
        area = "%.1f–%.1f %%" % (100 * min(r["hole"] for r in sr), 100 * max(r["hole"] for r in sr))
        label = "**all (%d)**" % len(sr) if shape == "all" else shape
        print("| %s | %s | %s |" % (label, area, " | ".join(cells)))

    if len(methods) > 1:
        wins = sum(1 for r in rows if r["repaint"][1] > max(r[m][1] for m in methods[1:]))
        print("\nRepaint has the highest hole SSIM in %d of %d cases." % (wins, len(rows)))

    # The speed target: a 2-megapixel photo with a 5 % hole.
    name, pkg, rel, lic = next(p for p in PHOTOS if p[0] == "Kite")
    # 16:9 centre crop scaled to 1920 × 1080: 2.07 megapixels.
    image = cv2.imread(os.path.join(root, rel), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    ch = w * 9 // 16
    image = image[(h - ch) // 2:(h - ch) // 2 + ch]
    image = cv2.resize(image, (1920, 1080), interpolation=cv2.INTER_AREA)
    h, w = image.shape[:2]
    image_path = os.path.join(work, "timing.png")
    cv2.imwrite(image_path, image)
    print("\n### Speed: %s, %d×%d (%.2f MP), 5 %% hole, median of 3 runs\n" % (
        name, w, h, w * h / 1e6))
    print("| Hole | Repaint | " + " | ".join(names[m] for m in methods[1:]) + " |")
    print("|" + "---|" * (1 + len(methods)))
    for shape in ["ellipse", "blob"]:
        hole = np.zeros((h, w), np.uint8)
        if shape == "ellipse":
            b = int(np.sqrt(0.05 * w * h / (np.pi * 1.6)))
            cv2.ellipse(hole, (w // 2, h // 2), (int(1.6 * b), b), 20, 0, 360, 255, -1)
        else:
            hole = make_hole("blob", w, h, np.random.default_rng([SEED, 999]), 0.05)
        mask_path = os.path.join(work, "timing-mask.png")
        write_mask_png(mask_path, hole)
        times = {m: [] for m in methods}
        for _ in range(3):
            times["repaint"].append(run_repaint(driver, image_path, mask_path,
                                                os.path.join(work, "timing-out.png"))[1])
            for m in methods[1:]:
                flag = cv2.INPAINT_TELEA if m == "telea" else cv2.INPAINT_NS
                times[m].append(run_opencv(image, hole, flag)[1])
        print("| %s, %.1f %% | %s |" % (shape, 100 * np.count_nonzero(hole) / (w * h), " | ".join(
            "%.2f s" % statistics.median(times[m]) for m in methods)))


if __name__ == "__main__":
    main()
