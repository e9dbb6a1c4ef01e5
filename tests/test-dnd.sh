#!/bin/sh
# Drag and drop through the real X11 protocol: a file dragged from another application's
# window (tests/drag-source, as a file manager would offer it) and dropped on Repaint's
# empty window opens the photo. Needs a display (tools/headless-run) and xdotool.
#   test-dnd.sh REPAINT DRAG_SOURCE PHOTO
set -u
repaint=$1
source=$2
photo=$3

echo "1..1"
if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null 2>&1; then
  echo "ok 1 # SKIP needs a display and xdotool"
  exit 0
fi

# Their stderr stays visible: a sanitizer report or a critical there explains a failure.
"$repaint" >/dev/null &
rp=$!
"$source" "$photo" >/dev/null &
ds=$!
trap 'kill $rp $ds 2>/dev/null' EXIT

xdotool search --sync --name "^Repaint$" >/dev/null
xdotool search --sync --name "^drag-source$" >/dev/null
sleep 1
source_window=$(xdotool search --name '^drag-source$' | head -1)
# No window manager here: raise the source above Repaint explicitly.
xdotool windowmove "$source_window" 0 0 windowraise "$source_window"
sleep 0.3
# Press on the label, move in small steps (the drag threshold, then motion over the target).
xdotool mousemove 100 100 mousedown 1
for x in 110 130 160 200 260 330 420 520 620 700; do
  xdotool mousemove "$x" 300
  sleep 0.05
done
sleep 0.3
xdotool mousemove 705 305
sleep 0.3
xdotool mouseup 1

i=0
while [ $i -lt 100 ]; do
  if xdotool search --name "kite.jpg — Repaint" >/dev/null 2>&1; then
    echo "ok 1 - a dropped file opens in the window"
    exit 0
  fi
  sleep 0.1
  i=$((i + 1))
done
if kill -0 "$rp" 2>/dev/null; then
  echo "not ok 1 - the window did not open the dropped file"
else
  echo "not ok 1 - Repaint exited during the drag (see its stderr)"
fi
exit 0
