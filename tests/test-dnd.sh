#!/bin/sh
# Drag and drop through the real X11 protocol: files dragged from another application's
# window (tests/drag-source, as a file manager would offer them) and dropped on Repaint's
# empty window. One file opens as the photo; several open the first as the photo and add
# the others as references (seen in the saved session). Needs a display
# (tools/headless-run) and xdotool.
#   test-dnd.sh REPAINT DRAG_SOURCE PHOTO
set -u
repaint=$1
source=$2
photo=$3

echo "1..2"
if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null 2>&1; then
  echo "ok 1 # SKIP needs a display and xdotool"
  echo "ok 2 # SKIP needs a display and xdotool"
  exit 0
fi

home=$(mktemp -d)
rp=""
ds=""
cleanup() {
  kill $rp $ds 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

# Starts Repaint with its own data folder and a drag source offering "$@"; drags from the
# source onto Repaint's window.
drag_files() {
  # Their stderr stays visible: a sanitizer report or a critical there explains a failure.
  XDG_DATA_HOME="$home/data-$1" "$repaint" >/dev/null &
  rp=$!
  shift
  "$source" "$@" >/dev/null &
  ds=$!
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
}

# Waits up to $1 tenths of a second for a window named $2.
wait_title() {
  i=0
  while [ $i -lt "$1" ]; do
    xdotool search --name "$2" >/dev/null 2>&1 && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

stop() {
  kill $rp $ds 2>/dev/null
  wait $rp $ds 2>/dev/null
  rp=""
  ds=""
}

drag_files one "$photo"
if wait_title 100 "kite.jpg — Repaint"; then
  echo "ok 1 - a dropped file opens in the window"
elif kill -0 "$rp" 2>/dev/null; then
  echo "not ok 1 - the window did not open the dropped file"
else
  echo "not ok 1 - Repaint exited during the drag (see its stderr)"
fi
stop

drag_files three "$photo" "$photo" "$photo"
session="$home/data-three/repaint/session/session.json"
ok=""
if wait_title 100 "kite.jpg — Repaint"; then
  # The session is saved two seconds after the last change; it names the photo and two
  # references, each by its file.
  i=0
  while [ $i -lt 100 ]; do
    if [ -f "$session" ] && [ "$(grep -c '"image_uri"' "$session")" -eq 3 ]; then
      ok=yes
      break
    fi
    sleep 0.1
    i=$((i + 1))
  done
fi
if [ -n "$ok" ]; then
  echo "ok 2 - several dropped files open the first and add the others as references"
else
  echo "not ok 2 - the dropped files did not become the photo and two references"
  [ -f "$session" ] && sed 's/^/# /' "$session"
fi
stop
exit 0
