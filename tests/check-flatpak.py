#!/usr/bin/python3
# The Flatpak manifests, as flatpak-builder reads them, keep their promises: the app id,
# a current GNOME runtime, least privilege (no home or host files, no direct bus names:
# keys go through the Secret portal, files through the file chooser portal), and a .Devel
# variant built with the development profile.
import json
import subprocess
import sys

ALLOWED = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
tests = []


def check(name, ok, detail=""):
    tests.append((name, ok, detail))


def manifest(path):
    out = subprocess.run(["flatpak-builder", "--show-manifest", path], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


top = sys.argv[1]
for variant, app_id in (("", "io.github.repaint.Repaint"), (".Devel", "io.github.repaint.Repaint.Devel")):
    m = manifest(f"{top}/flatpak/io.github.repaint.Repaint{variant}.json")
    check(f"{app_id}: id", m.get("id") == app_id, m.get("id"))
    check(f"{app_id}: GNOME runtime 49 or newer",
          m.get("runtime") == "org.gnome.Platform" and m.get("sdk") == "org.gnome.Sdk"
          and float(m.get("runtime-version", "0")) >= 49, m.get("runtime-version"))
    check(f"{app_id}: command", m.get("command") == "repaint")
    args = m.get("finish-args", [])
    perms = {a for a in args if not a.startswith("--env=")}
    check(f"{app_id}: least privilege", perms == ALLOWED, " ".join(sorted(perms ^ ALLOWED)))
    check(f"{app_id}: no filesystem or bus access",
          not any(a.startswith(("--filesystem", "--talk-name", "--own-name", "--system-talk-name")) for a in args))
    app = m["modules"][-1]
    check(f"{app_id}: built with meson from the checkout",
          app.get("buildsystem") == "meson" and app["sources"][0].get("type") == "dir")
    opts = app.get("config-opts", [])
    check(f"{app_id}: profile", ("-Dprofile=development" in opts) == (variant == ".Devel"))

print(f"1..{len(tests)}")
for i, (name, ok, detail) in enumerate(tests, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}{'' if ok else ' (' + str(detail) + ')'}")
