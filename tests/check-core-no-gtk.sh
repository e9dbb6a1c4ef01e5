#!/bin/sh
# librepaint-core must not use GTK: no GTK/GDK/libadwaita symbol may be referenced by the
# archive (gdk-pixbuf is allowed), and no core object may be compiled with GTK's headers.
set -eu
archive=$1
compile_db=$2

echo "1..2"
bad=$(nm -u "$archive" | awk '{print $2}' | grep -E '^(gtk_|adw_|gsk_|gdk_)' | grep -v '^gdk_pixbuf' || true)
if [ -n "$bad" ]; then
  echo "not ok 1 - core references GTK symbols: $(echo "$bad" | head -5 | tr '\n' ' ')"
else
  echo "ok 1 - no GTK symbols in librepaint-core"
fi
n=$(/usr/bin/python3 - "$compile_db" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
core = [e for e in entries if '/src/core/' in e['file']]
bad = [e['file'] for e in core if 'gtk-4.0' in e.get('command', ' '.join(e.get('arguments', []))) or 'libadwaita' in e.get('command', '')]
print(len(core), len(bad))
PY
)
set -- $n
if [ "$1" -eq 0 ]; then
  echo "not ok 2 - no core sources found in the compile database"
elif [ "$2" -ne 0 ]; then
  echo "not ok 2 - $2 core sources are compiled with GTK include paths"
else
  echo "ok 2 - $1 core sources are compiled without GTK include paths"
fi
