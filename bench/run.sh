#!/bin/sh
# Runs every benchmark and prints a Markdown table of ratios against the outside tools
# measured in the same run. Invoked by `make bench` (ninja -C BUILD bench).
#   bench/run.sh SOURCE_DIR BUILD_DIR
set -eu
src=$1
build=$2
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

value() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

"$build/bench/bench-mask" "$tmp/mask.png" > "$tmp/mask.txt"
/usr/bin/python3 bench/pil-encode.py "$tmp/mask.png" > "$tmp/pil.txt"
tools/headless-run bench/startup.sh "$build" > "$tmp/startup.txt" 2>/dev/null
"$build/bench/bench-gallery" --populate "$tmp/gallery-data"
GSETTINGS_SCHEMA_DIR="$build/data" tools/headless-run "$build/bench/bench-gallery" "$tmp/gallery-data" > "$tmp/gallery.txt" 2>/dev/null
mkdir -p "$tmp/service"
"$build/bench/bench-service" upload "$tmp/service" > "$tmp/upload.txt"
"$build/bench/bench-service" decode "$tmp/service" > "$tmp/decode.txt"

m=$tmp/mask.txt
p=$tmp/pil.txt
s=$tmp/startup.txt
echo "| Benchmark | Repaint | Reference (same run) | Ratio | Target |"
echo "|---|---|---|---|---|"
echo "| Dab on an 8192² vs a 1024² mask (r = 20 px) | $(value dab_us_8192 $m) µs | $(value dab_us_1024 $m) µs | $(value dab_ratio $m)× | ≤ 1.5× |"
echo "| Export a 4096² mask as PNG | $(value export_s $m) s ($(value export_bytes $m) B) | python3-pil default: $(value pil_default_s $p) s ($(value pil_default_bytes $p) B) | $(ratio $(value export_s $m) $(value pil_default_s $p))× | ≤ 1.0× |"
echo "| Export a 4096² mask as PNG | $(value export_s $m) s | python3-pil compress_level=1: $(value pil_level1_s $p) s ($(value pil_level1_bytes $p) B) | $(ratio $(value export_s $m) $(value pil_level1_s $p))× | — |"
g=$tmp/gallery.txt
echo "| History gallery with $(value gallery_entries $g) edits: first frame | $(value gallery_first_frame_s $g) s | — | — | < 0.5 s |"
echo "| History gallery: thumbnails of the first 20 cards (a 1280×800 window's worth) decoded | $(value gallery_in_view_s $g) s | — | — | — |"
echo "| History gallery: all $(value gallery_entries $g) edits listed | $(value gallery_all_listed_s $g) s | — | — | — |"
echo "| History gallery: thumbnails of every card GTK built ($(value gallery_thumbnails_decoded $g)) decoded | $(value gallery_thumbnails_s $g) s | — | — | — |"
echo "| History gallery: memory for the 2,000 edits (peak above the idle window) | $(value gallery_growth_mb $g) MB | idle window: $(value gallery_idle_rss_mb $g) MB | — | < 150 MB |"
echo "| Start-up to the photo on screen | $(value startup_repaint_ms $s) ms | gnome-text-editor opening a file: $(value startup_editor_ms $s) ms | $(ratio $(value startup_repaint_ms $s) $(value startup_editor_ms $s))× | ≤ 1.0× |"
u=$tmp/upload.txt
d=$tmp/decode.txt
echo "| Upload 16 × 20 MB references ($(value upload_mb $u) MB multipart) to a loopback sink | $(value upload_repaint_mb_s $u) MB/s ($(value upload_repaint_s $u) s) | curl, same multipart: $(value upload_curl_mb_s $u) MB/s ($(value upload_curl_s $u) s) | $(value upload_throughput_ratio $u)× | ≥ 0.8× |"
echo "| Upload: memory (peak above idle) | $(value upload_rss_growth_mb $u) MB | — | — | < 64 MB |"
echo "| Read a reply with ten 4096² images as b64_json ($(value decode_payload_mb $d) MB) into the journal | $(value decode_repaint_s $d) s | base64 -d of the same base64: $(value decode_base64_s $d) s | $(value decode_ratio $d)× | ≤ 1.5× |"
echo "| Reply reading: memory (peak above idle) | $(value decode_rss_growth_mb $d) MB | — | — | < 128 MB |"
