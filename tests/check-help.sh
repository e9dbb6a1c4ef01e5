#!/bin/sh
# Validates the Mallard help: the C pages in the source tree, and for each language of
# help/LINGUAS the pages the build translated with itstool, whose po file must translate every
# message of the C pages and nothing they dropped.
#   check-help.sh SOURCE_ROOT BUILD_HELP_DIR OUT_DIR PAGE…
set -u
top=$1
built=$2
out=$3
shift 3
mkdir -p "$out"
langs=$(grep -v '^#' "$top/help/LINGUAS" 2>/dev/null | tr -s ' \n' '  ')
n=1

check() {
  # check DESCRIPTION LOG COMMAND…
  desc=$1
  log=$2
  shift 2
  if "$@" >"$log" 2>&1; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    sed 's/^/# /' "$log"
  fi
  n=$((n + 1))
}

count=1
for lang in $langs; do
  count=$((count + 4))
done
echo "1..$count"

check "the C pages are valid Mallard" "$out/validate-C.log" \
  yelp-check validate "$top/help/C"

for lang in $langs; do
  pot="$out/help-$lang-check.pot"
  po="$top/help/$lang/$lang.po"
  (cd "$top/help/C" && itstool -o "$pot" "$@") 2>"$out/itstool-$lang.log"
  check "help/$lang/$lang.po translates every message of the C pages" "$out/msgcmp-$lang.log" \
    msgcmp "$po" "$pot"
  check "help/$lang/$lang.po carries no message the C pages dropped" "$out/msgcmp-stale-$lang.log" \
    msgcmp --use-untranslated "$pot" "$po"
  missing=""
  for page in "$@"; do
    [ -f "$built/$lang/$page" ] || missing="$missing $page"
  done
  check "the build made every $lang page" "$out/pages-$lang.log" \
    sh -c "[ -z \"$missing\" ] || { echo \"missing:$missing\"; exit 1; }"
  check "the $lang pages are valid Mallard" "$out/validate-$lang.log" \
    yelp-check validate "$built/$lang"
done
