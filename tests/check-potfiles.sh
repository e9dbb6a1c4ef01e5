#!/bin/sh
# Every source file with translatable strings must be listed in po/POTFILES.in, and every
# listed file must exist.
set -eu
top=$1
cd "$top"

echo "1..2"
missing=""
for f in $(git ls-files 'src/*.c' 'src/*.ui' 'data/*.in' 'data/*.in.in' 2>/dev/null || find src data -name '*.c' -o -name '*.ui' -o -name '*.in'); do
  if grep -q -E '(^|[^A-Za-z_])(_|N_|C_|NC_)\(|translatable="yes"|<summary>|<name>|<description>|^Name=' "$f"; then
    grep -qx "$f" po/POTFILES.in || missing="$missing $f"
  fi
done
if [ -n "$missing" ]; then
  echo "not ok 1 - not in po/POTFILES.in:$missing"
else
  echo "ok 1 - po/POTFILES.in lists every file with translatable strings"
fi
gone=""
for f in $(grep -v '^#' po/POTFILES.in | grep -v '^$'); do
  [ -f "$f" ] || gone="$gone $f"
done
if [ -n "$gone" ]; then
  echo "not ok 2 - po/POTFILES.in lists files that do not exist:$gone"
else
  echo "ok 2 - every file in po/POTFILES.in exists"
fi
