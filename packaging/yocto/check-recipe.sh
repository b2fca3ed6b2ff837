#!/usr/bin/env bash
# Does on this Debian machine what bitbake would do with the recipe
# meta-ocpp-chargepoint/recipes-connectivity/ocpp-chargepoint/ocpp-chargepoint_git.bb, as far as it
# can without bitbake (meta-ocpp-chargepoint/README.md says what this proves and what it does not):
#
#   do_configure    cmake with the recipe's EXTRA_OECMAKE (read from the .bb, PTEST_ENABLED = 1) and
#                   the OE cmake class's install directories, cross to aarch64 with
#                   cmake/toolchain-aarch64.cmake and the sysroot of tools/cross-build.sh
#   do_compile      build, under the cross builds' lock, at nice 10, 2 jobs
#   do_install      DESTDIR install, then the recipe's do_install:append and do_install_ptest
#                   (their shell bodies, read from the .bb, with the BitBake variables expanded)
#   do_package      every installed file goes to the first package of PACKAGES whose FILES (the
#                   recipe's, else OE's defaults) claims it; a file nobody claims fails (OE's
#                   installed-vs-shipped), so does a build path in a shipped file (OE's buildpaths),
#                   a CONFFILES or SYSTEMD_SERVICE entry that is not in ${PN}, a FILES:${PN} entry
#                   that matches nothing, and a unit whose User= is not the recipe's useradd user
#   ptest           the installed run-ptest under qemu-user; every FAIL: line fails
#
# Usage: packaging/yocto/check-recipe.sh        (aarch64; makes the sysroot first if needed)
# Output in build/yocto-aarch64/ (build tree, image/ = ${D}, ptest.log).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
recipe="$here/packaging/yocto/meta-ocpp-chargepoint/recipes-connectivity/ocpp-chargepoint/ocpp-chargepoint_git.bb"
files_dir="$(dirname "$recipe")/files"
arch=aarch64
sysroot="$here/build/sysroot-$arch"
work="$here/build/yocto-$arch"
B="$work/build"
D="$work/image"

die() { echo "check-recipe: $*" >&2; exit 1; }
[ -f "$recipe" ] || die "recipe not found: $recipe"

if [ "${OCPP_CROSS_LOCKED:-}" != 1 ]; then
  echo "check-recipe: waiting for /tmp/ocpp-cross.lock" >&2
  export OCPP_CROSS_LOCKED=1
  exec flock /tmp/ocpp-cross.lock nice -n 10 "$0" "$@"
fi

# The sysroot (and the host tools) of the cross build; this also checks the cross build itself.
if [ ! -f "$sysroot/.ocpp-sysroot" ]; then
  echo "check-recipe: no $arch sysroot yet: running tools/cross-build.sh $arch first"
  "$here/tools/cross-build.sh" "$arch"
fi
command -v qemu-aarch64 >/dev/null || die "qemu-aarch64 missing: run tools/setup.sh --cross"

# The recipe's variables and task bodies, as the checks below need them (JSON, read by python3).
parsed="$work/recipe.json"
mkdir -p "$work"
python3 - "$recipe" "$here" "$B" "$D" "$files_dir" >"$parsed" <<'PY'
import json, re, shlex, sys

recipe, src, build, dest, files_dir = sys.argv[1:]
text = open(recipe).read()
# Join continued lines; keep function bodies apart.
lines, funcs, i = [], {}, 0
raw = text.split("\n")
while i < len(raw):
    line = raw[i]
    m = re.match(r"^([A-Za-z_][\w:${}-]*)\(\)\s*\{\s*$", line)
    if m:
        body = []
        i += 1
        while raw[i] != "}":
            body.append(raw[i])
            i += 1
        funcs[m.group(1)] = "\n".join(body)
        i += 1
        continue
    while line.endswith("\\"):
        i += 1
        line = line[:-1] + " " + raw[i]
    lines.append(line)
    i += 1

PN = "ocpp-chargepoint"
# What OE sets (bitbake.conf, a non-usrmerge, non-multilib aarch64 machine) for the names used here.
v = {
    "PN": PN, "BPN": PN, "prefix": "/usr", "exec_prefix": "/usr", "bindir": "/usr/bin",
    "sbindir": "/usr/sbin", "libdir": "/usr/lib", "base_libdir": "/lib", "includedir": "/usr/include",
    "datadir": "/usr/share", "sysconfdir": "/etc", "localstatedir": "/var",
    "nonarch_base_libdir": "/lib", "systemd_system_unitdir": "/lib/systemd/system",
    "PTEST_PATH": "/usr/lib/" + PN + "/ptest", "PTEST_ENABLED": "1",
    "S": src, "B": build, "D": dest, "WORKDIR": files_dir,
    "FILES_SOLIBSDEV": "${libdir}/lib*.so",
}
assign, appended = {}, set()
for line in lines:
    m = re.match(r"^([A-Za-z_][\w:${}-]*)\s*(\?\?=|\?=|\+=|=\+|\.=|=)\s*\"(.*)\"\s*$", line)
    if not m:
        continue
    name, op, value = m.groups()
    name = name.replace("${PN}", PN)
    if op in ("+=", ".="):
        if name not in assign:
            appended.add(name)
        assign[name] = assign.get(name, "") + (" " if op == "+=" else "") + value
    elif op == "=+":
        assign[name] = value + " " + assign.get(name, "")
    elif op in ("?=", "??="):
        assign.setdefault(name, value)
    else:
        assign[name] = value

def expand(s):
    for _ in range(20):
        s2 = re.sub(r"\$\{@bb\.utils\.contains\('(\w+)',\s*'([^']*)',\s*'([^']*)',\s*'([^']*)',\s*d\)\}",
                    lambda m: m.group(3) if m.group(2) in expand("${" + m.group(1) + "}").split() else m.group(4), s)
        s2 = re.sub(r"\$\{(\w+)\}", lambda m: v.get(m.group(1), assign.get(m.group(1), m.group(0))), s2)
        if s2 == s:
            break
        s = s2
    left = re.findall(r"\$\{[^}]*\}", s)
    if left:
        sys.exit("check-recipe: cannot expand %s in %r" % (", ".join(left), s))
    return s

# OE's default PACKAGES and FILES (bitbake.conf), ptest.bbclass's, then the recipe's.
files = {
    PN + "-dbg": "/usr/src/debug ${bindir}/.debug ${libdir}/.debug",
    PN + "-staticdev": "${libdir}/*.a ${base_libdir}/*.a ${libdir}/${BPN}/*.a",
    PN + "-dev": "${includedir} ${FILES_SOLIBSDEV} ${libdir}/*.la ${libdir}/*.o ${libdir}/pkgconfig "
                 "${datadir}/pkgconfig ${datadir}/aclocal ${libdir}/cmake ${datadir}/cmake",
    PN + "-doc": "${datadir}/doc ${datadir}/man ${datadir}/info",
    PN + "-ptest": "${PTEST_PATH}",
    PN: "${bindir}/* ${sbindir}/* ${libdir}/lib*.so.* ${sysconfdir} ${datadir}/${BPN} ${base_libdir}/systemd",
}
packages = [PN + "-ptest", PN + "-dbg", PN + "-staticdev", PN + "-dev", PN + "-doc", PN]
for name, value in assign.items():
    if name.startswith("FILES:"):
        pkg = name[len("FILES:"):]
        files[pkg] = files.get(pkg, "") + " " + value if name in appended else value
m = re.search(r"^PACKAGES\s*=\+\s*\"([^\"]*)\"", text, re.M)
if m:
    packages = expand(m.group(1)).split() + packages

out = {
    "extra_oecmake": shlex.split(expand(assign["EXTRA_OECMAKE"])),
    "packages": packages,
    "files": {p: expand(files[p]).split() for p in packages if p in files},
    "conffiles": expand(assign.get("CONFFILES:" + PN, "")).split(),
    "systemd_service": expand(assign.get("SYSTEMD_SERVICE:" + PN, "")).split(),
    "useradd_param": expand(assign.get("USERADD_PARAM:" + PN, "")),
    "install_append": expand(funcs.get("do_install:append", "")),
    "install_ptest": expand(funcs.get("do_install_ptest", "")),
    "vars": {k: expand("${%s}" % k) for k in ("systemd_system_unitdir", "PTEST_PATH", "sysconfdir")},
}
json.dump(out, sys.stdout, indent=1)
PY
recipe_value() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec(sys.argv[2])' "$parsed" "$1"; }

mapfile -t extra < <(recipe_value 'print("\n".join(d["extra_oecmake"]))')
echo "check-recipe: EXTRA_OECMAKE: ${extra[*]}"

# do_configure: OE's cmake class gives the install directories relative to the prefix /usr.
echo "check-recipe: do_configure in $B"
cmake -G Ninja -S "$here" -B "$B" \
  -DCMAKE_TOOLCHAIN_FILE="$here/cmake/toolchain-$arch.cmake" -DOCPP_SYSROOT="$sysroot" \
  -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_BINDIR=bin -DCMAKE_INSTALL_SBINDIR=sbin \
  -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_INCLUDEDIR=include -DCMAKE_INSTALL_DATAROOTDIR=share \
  -DCMAKE_INSTALL_SYSCONFDIR=/etc -DCMAKE_INSTALL_LOCALSTATEDIR=/var \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  "${extra[@]}" >/dev/null

echo "check-recipe: do_compile"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$here}"
cmake --build "$B" -j "${OCPP_CROSS_JOBS:-2}"

echo "check-recipe: do_install into $D"
rm -rf "$D"
DESTDIR="$D" cmake --install "$B" >/dev/null
# The recipe's shell, as bitbake runs it; chown needs pseudo (fakeroot), which is not here: the
# owner it would set is checked against the useradd user instead.
run_task() {
  local name="$1" body="$2"
  [ -n "$body" ] || return 0
  echo "check-recipe: $name"
  local user
  user="$(recipe_value 'print(d["useradd_param"].split()[-1])')"
  body="$(printf '%s\n' "$body" | sed -E "s/^([[:space:]]*)chown[[:space:]]+[^[:space:]]*:($user)[[:space:]].*$/\\1: chown to the useradd user \\2/")"
  (set -e; cd "$B"; eval "$body") || die "$name failed"
}
# The recipe installs the unit from the source tree (packaging/systemd/, written beside this layer).
while read -r unit; do
  [ -f "$here/packaging/systemd/$unit" ] ||
    die "packaging/systemd/$unit is not in this tree: the recipe installs it from there (merge the systemd packaging first)"
done < <(recipe_value 'print("\n".join(d["systemd_service"]))')
run_task do_install:append "$(recipe_value 'print(d["install_append"])')"
ptest_path="$(recipe_value 'print(d["vars"]["PTEST_PATH"])')"
run_task do_install_ptest "$(recipe_value 'print(d["install_ptest"])')"
# ptest.bbclass's do_install_ptest_base installs run-ptest from the recipe's files.
install -D -m 0755 "$files_dir/run-ptest" "$D$ptest_path/run-ptest"

echo "check-recipe: do_package checks"
pkg_status=0
python3 - "$parsed" "$D" "$here" "$B" <<'PY' || pkg_status=$?
import fnmatch, json, os, re, sys

d = json.load(open(sys.argv[1]))
dest, src, build = sys.argv[2:]
failures = []

def claims(pattern, path):
    # FILES semantics: a glob on the path, or a directory holding it.
    return fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/")

installed = []
for root, dirs, names in os.walk(dest):
    for n in names:
        installed.append("/" + os.path.relpath(os.path.join(root, n), dest))
owner = {}
for path in sorted(installed):
    for pkg in d["packages"]:
        if any(claims(p, path) for p in d["files"].get(pkg, [])):
            owner[path] = pkg
            break
    else:
        failures.append("installed but in no package (installed-vs-shipped): " + path)

PN = d["packages"][-1]
for pattern in d["files"].get(PN, []):
    if not any(claims(pattern, p) for p in installed):
        failures.append("FILES:%s entry matches nothing installed: %s" % (PN, pattern))
for c in d["conffiles"]:
    if owner.get(c) != PN:
        failures.append("CONFFILES entry not installed in %s: %s" % (PN, c))
unitdir = d["vars"]["systemd_system_unitdir"]
user = d["useradd_param"].split()[-1] if d["useradd_param"] else None
for s in d["systemd_service"]:
    unit = unitdir + "/" + s
    if owner.get(unit) != PN:
        failures.append("SYSTEMD_SERVICE %s not installed in %s as %s" % (s, PN, unit))
        continue
    text = open(dest + unit).read()
    m = re.search(r"^User=(\S+)", text, re.M)
    if not m or m.group(1) != user:
        failures.append("%s runs as %s, the recipe creates the user %s" % (s, m.group(1) if m else "root", user))
    if "--groups dialout" in d["useradd_param"] and "dialout" not in text and "SupplementaryGroups" in text:
        failures.append("%s sets SupplementaryGroups without dialout" % s)

# OE's buildpaths check: the build machine's paths in what is shipped (ptest exempted by the recipe).
for path, pkg in owner.items():
    if pkg.endswith("-ptest") or pkg.endswith("-dbg"):
        continue
    data = open(dest + path, "rb").read()
    for tree in (src, build):
        if tree.encode() in data:
            failures.append("build path %s in %s (%s)" % (tree, path, pkg))

by_pkg = {}
for path, pkg in owner.items():
    by_pkg.setdefault(pkg, []).append(path)
for pkg in d["packages"]:
    paths = sorted(by_pkg.get(pkg, []))
    shown = ", ".join(paths if pkg != PN + "-dev" else [p for p in paths if not p.startswith("/usr/include/")])
    extra = " (+ %d headers)" % sum(p.startswith("/usr/include/") for p in paths) if pkg == PN + "-dev" else ""
    print("  %-28s %3d files: %s%s" % (pkg, len(paths), shown if pkg != PN + "-ptest" else "run-ptest and tests/", extra))
for f in failures:
    print("  FAIL: " + f)
sys.exit(1 if failures else 0)
PY

# The image as the target would have it: the sysroot's libraries with the recipe's packages
# installed over them (hard links, so it costs no copy). qemu-user's -L looks up absolute paths
# there first, so the tests find /usr/share/ocpp/meters as on the target.
echo "check-recipe: run-ptest under qemu-aarch64, root = sysroot + image"
root="$work/root"
rm -rf "$root"
cp -al "$sysroot" "$root"
cp -a --remove-destination "$D/." "$root/"
emulator="qemu-aarch64 -L $root"
set +e
OCPP_PTEST_WRAPPER="$emulator" OCPP_TEST_EMULATOR="$emulator" sh "$D$ptest_path/run-ptest" >"$work/ptest.log" 2>&1
ptest_status=$?
set -e
echo "check-recipe: run-ptest exited with $ptest_status"
failures="$(grep '^FAIL:' "$work/ptest.log" || true)"
echo "check-recipe: ptest: $(grep -c '^PASS:' "$work/ptest.log") PASS, $(grep -c '^FAIL:' "$work/ptest.log") FAIL," \
     "$(grep -c '^SKIP:' "$work/ptest.log") SKIP (log: $work/ptest.log)"
[ -z "$failures" ] || printf '%s\n' "$failures"
if [ "$pkg_status" -ne 0 ] || [ -n "$failures" ] || ! grep -q '^PASS:' "$work/ptest.log"; then
  die "the recipe's tasks do not all succeed (see above)"
fi
echo "check-recipe: all tasks succeeded"
