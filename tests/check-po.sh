#!/bin/sh
# Fails when po/LANG.po lags behind the sources: a message the sources have that it lacks,
# leaves untranslated or marks fuzzy, or one it still carries that the sources dropped. The
# template is extracted afresh into OUT_DIR with the same xgettext arguments po/meson.build
# gives the repaint-pot target.
#   check-po.sh SOURCE_ROOT OUT_DIR LANG XGETTEXT_ARGS…
set -u
top=$1
out=$2
lang=$3
shift 3
po="$top/po/$lang.po"
pot="$out/repaint-$lang-check.pot"
mkdir -p "$out"

diag() {
  sed 's/^/# /' "$1"
}

echo "1..5"

if msgfmt --check --check-format --output-file=/dev/null "$po" 2>"$out/msgfmt-$lang.log"; then
  echo "ok 1 - po/$lang.po compiles (header, format strings, plural forms)"
else
  echo "not ok 1 - po/$lang.po does not compile"
  diag "$out/msgfmt-$lang.log"
fi

if xgettext --package-name=repaint --directory="$top" --files-from="$top/po/POTFILES.in" \
     --output="$pot" "$@" 2>"$out/xgettext-$lang.log" &&
   ! grep -q 'format string' "$out/xgettext-$lang.log"; then
  echo "ok 2 - the template extracts from the sources"
  diag "$out/xgettext-$lang.log"
else
  echo "not ok 2 - the template does not extract cleanly (a message gettext cannot read is never translated)"
  diag "$out/xgettext-$lang.log"
fi

# msgcmp DEF REF: every message of REF must be in DEF; untranslated and fuzzy ones in DEF do
# not count.
if [ -f "$pot" ] && msgcmp "$po" "$pot" 2>"$out/msgcmp-$lang.log"; then
  echo "ok 3 - every message in the sources is translated in po/$lang.po"
else
  echo "not ok 3 - po/$lang.po misses messages of the sources or leaves them untranslated or fuzzy; run ninja repaint-update-po and translate them"
  diag "$out/msgcmp-$lang.log"
fi

if [ -f "$pot" ] && msgcmp --use-untranslated "$pot" "$po" 2>"$out/msgcmp-stale-$lang.log"; then
  echo "ok 4 - po/$lang.po carries no message the sources dropped"
else
  echo "not ok 4 - po/$lang.po carries messages the sources no longer have; run ninja repaint-update-po"
  diag "$out/msgcmp-stale-$lang.log"
fi

left=$(msgattrib --no-obsolete --only-fuzzy "$po" 2>&1; msgattrib --no-obsolete --untranslated "$po" 2>&1)
if [ -z "$left" ]; then
  echo "ok 5 - po/$lang.po has no fuzzy or untranslated message"
else
  echo "not ok 5 - po/$lang.po has fuzzy or untranslated messages"
  printf '%s\n' "$left" | grep '^msgid' | sed 's/^/# /'
fi
