#!/bin/sh
# Start-up to the first painted frame: Repaint with the sample photo beside
# gnome-text-editor opening a text file, same display, same run. Each program is timed
# from launch until its window (titled with the file name) is on screen; Repaint sets that
# title only once the photo is decoded and shown. Run inside tools/headless-run.
#   bench/startup.sh BUILD_DIR
set -eu
build=$1
runs=${RUNS:-7}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'Repaint start-up benchmark\n%.0s' $(seq 1 200) > "$tmp/notes.txt"

now_ms() { date +%s%3N; }

# Prints the milliseconds from launch until a window whose name matches $1 exists; a
# program that exits before showing its window is tried again (twice at most).
time_window() {
  for attempt in 1 2 3; do
    if ms=$(time_window_once "$@"); then
      echo "$ms"
      return 0
    fi
    sleep 1
  done
  echo "startup: $2 never showed its window; its last output:" >&2
  tail -n 20 "$tmp/last.log" >&2
  exit 1
}

time_window_once() {
  pattern=$1
  shift
  start=$(now_ms)
  "$@" >"$tmp/last.log" 2>&1 &
  pid=$!
  while ! xdotool search --name "$pattern" >/dev/null 2>&1; do
    sleep 0.005
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
  done
  end=$(now_ms)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # Let the session bus release the killed instance's name before the next launch (a
  # unique application would otherwise hand its files to the dying one and exit).
  sleep 0.5
  echo $((end - start))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$tmp/repaint"
: > "$tmp/editor"
i=0
while [ $i -lt "$runs" ]; do
  GSETTINGS_SCHEMA_DIR="$build/data" time_window "kite.jpg — Repaint" "$build/src/app/repaint" data/sample/kite.jpg >> "$tmp/repaint"
  time_window "notes.txt" gnome-text-editor --standalone "$tmp/notes.txt" >> "$tmp/editor"
  i=$((i + 1))
done
echo "startup_repaint_ms $(median < "$tmp/repaint")"
echo "startup_editor_ms $(median < "$tmp/editor")"
