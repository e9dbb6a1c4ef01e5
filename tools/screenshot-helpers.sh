# shellcheck shell=sh disable=SC2154
# Shell functions shared by tools/take-screenshots and tools/take-l10n-screenshots, which
# drive the real app with xdotool on the 1280×800 screen tools/headless-run makes. Sourced,
# not run; the caller sets $out (where shots go) and uses $w (the window found last).

# The uninstalled build's settings schema and translations.
use_build() {
  export GSETTINGS_SCHEMA_DIR="$1/data" REPAINT_LOCALEDIR="$1/po"
}

# Waits for a visible window whose title contains $1, puts it at the top left at
# 1280×800 and gives it the keyboard (there is no window manager to do either).
window() {
  w=$(xdotool search --sync --onlyvisible --name "$1" | head -1)
  xdotool windowmove "$w" 0 0 windowsize "$w" 1280 800
  sleep 0.5
  xdotool windowfocus "$w"
}

# Saves the whole screen as $out/$1.png after $2 seconds (default 1) and prints its path.
shot() {
  sleep "${2:-1}"
  import -window root "$out/$1.png"
  echo "$out/$1.png"
}

# Drags with the left button through the points X1 Y1 X2 Y2 … GTK delivers one motion
# per frame, so each point waits long enough to be a vertex of its own (a lasso's corners).
stroke() {
  xdotool mousemove "$1" "$2" mousedown 1
  shift 2
  while [ $# -ge 2 ]; do
    xdotool mousemove "$1" "$2"
    sleep 0.08
    shift 2
  done
  xdotool mouseup 1
  sleep 0.3
}

# Scrolls down $3 steps with the pointer at $1, $2.
scroll_down() {
  xdotool mousemove "$1" "$2"
  i=0
  while [ $i -lt "$3" ]; do
    xdotool click 5
    sleep 0.05
    i=$((i + 1))
  done
}

# Waits until $1 edits in the history have ended with results (at most $2 seconds,
# default 90); the history is the one under $XDG_DATA_HOME that tools/headless-run makes.
wait_for_done() {
  limit=$((${2:-90} * 10))
  tries=0
  while [ "$(grep -l '"status" *: *"done"' "$XDG_DATA_HOME"/repaint/history/*/meta.json 2>/dev/null |
             wc -l)" -lt "$1" ]; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$limit" ]; then
      echo "no result after ${2:-90} s" >&2
      return 1
    fi
    sleep 0.1
  done
}
