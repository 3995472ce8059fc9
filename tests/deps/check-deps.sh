#!/usr/bin/env bash
# Checks that every system file a build used comes from a Debian package that
# deploy/install-deps.sh names, or from one that those pull in through
# Depends/Pre-Depends. A development machine or CI that has a package
# installed for other reasons hides a missing name (gmock once was): the build
# passes there and fails on a fresh Debian 12. This turns that into a failure
# that names the file and the package to add.
#
# Usage: tests/deps/check-deps.sh BUILD_DIR...   (CMake "Unix Makefiles" trees)
#
# What counts as used, all read from the build tree (nothing is compiled), for
# the targets the tree is configured with (CMakeFiles/Makefile.cmake):
#   headers     the compiler's dependency files (*.o.d, written with -MD)
#   libraries   each link: the linker command the compiler driver would run
#               (link.txt replayed with -###: crt files, -l lookups, static
#               archives, the fuzzer runtime), and ldd of what it produced
#   tools       absolute paths in the build rules (protoc, grpc_cpp_plugin,
#               the compiler, the .proto files from /usr/share)
#   cmake       the package config files the configure step read
# Files under the source tree or a build tree are the project's own: ignored.
# Each file is mapped to its package with dpkg -S (both the path as used and
# where its links lead), and must be in the closure of the named packages over
# Depends and Pre-Depends, taken from the base every Debian 12 has.
#
# Run and test files are held to different lists: what deploy/local/run.sh
# builds (everything but tests/) must come from the run packages alone, since
# that is all it installs; the tests and a fuzz build (TECHRENO_FUZZ=ON) may
# use the test packages too. The configure step of a build with the tests
# reads GoogleTest's config, so it counts as test there, and as run in a build
# with TECHRENO_TESTS=OFF.
#
# TECHRENO_DEPS_RUN_PACKAGES / TECHRENO_DEPS_TEST_PACKAGES (space-separated)
# replace the two lists read from deploy/install-deps.sh --list; the self-test
# (check-deps_test.sh) uses them to show that a missing package is caught.
#
# Exit status 0: all covered; 1: something is not (each file and package
# printed); 2: could not check. Needs only bash, coreutils, findutils, grep,
# mawk/gawk and dpkg: all on a minimal Debian 12 (python3 is not).
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR..." >&2; exit 2; }

# --- the package lists ------------------------------------------------------
deps_script=$root/deploy/install-deps.sh
if [ -n "${TECHRENO_DEPS_RUN_PACKAGES+set}" ]; then
  run_pkgs=$TECHRENO_DEPS_RUN_PACKAGES
else
  run_pkgs=$("$deps_script" --list | tr '\n' ' ')
fi
if [ -n "${TECHRENO_DEPS_TEST_PACKAGES+set}" ]; then
  test_pkgs=$TECHRENO_DEPS_TEST_PACKAGES
else
  # --test --list is run + test: keep the test-only ones.
  test_pkgs=$(comm -13 <("$deps_script" --list | sort -u) <("$deps_script" --test --list | sort -u) \
    | tr '\n' ' ')
fi

work=$(mktemp -d /tmp/techreno-check-deps.XXXXXX)
# TECHRENO_DEPS_KEEP=1 keeps the intermediate files (uses, owners...) to look at.
if [ "${TECHRENO_DEPS_KEEP:-}" = 1 ]; then echo "check-deps: files kept in $work" >&2
else trap 'rm -rf "$work"' EXIT; fi

# --- what the builds used ---------------------------------------------------
# An awk program that splits command lines into words as the shell would
# (blanks; "..." with \" and \\; '...'; \x), one word a line. Lines starting
# "@ " (which say whose words follow) pass through.
split_words='
  /^@ / { print; next }
  { s = $0; n = length(s); w = ""; have = 0; q = ""
    for (i = 1; i <= n; i++) {
      c = substr(s, i, 1)
      if (q == "\047") { if (c == "\047") q = ""; else w = w c; continue }
      if (q == "\"") {
        if (c == "\"") q = ""
        else if (c == "\\" && i < n && index("\"\\$`", substr(s, i + 1, 1))) w = w substr(s, ++i, 1)
        else w = w c
        continue
      }
      if (c == " " || c == "\t") { if (have) print w; w = ""; have = 0; continue }
      have = 1
      if (c == "\"" || c == "\047") q = c
      else if (c == "\\" && i < n) w = w substr(s, ++i, 1)
      else w = w c
    }
    if (have) print w
  }'
# $work/uses: LEVEL <TAB> USER <TAB> ORDER <TAB> PATH, where LEVEL is run or
# test, USER says who used PATH (for the message) and ORDER keeps the
# dependency files' order, so that the first header of a package a source
# pulls in (the one it includes) is the one named.
: >"$work/uses"
builds=()
for b in "$@"; do
  [ -f "$b/CMakeCache.txt" ] || { echo "check-deps: $b is not a CMake build tree" >&2; exit 2; }
  b=$(cd "$b" && pwd)
  builds+=("$b")
  # A fuzz build is the tests' alone. Elsewhere "mixed": tests/ is test, the
  # rest run (in a build without tests, tests/ holds leftovers of one with).
  # Configuring reads GoogleTest's CMake files unless TECHRENO_TESTS=OFF.
  level="mixed" conf_level="test"
  if grep -q '^TECHRENO_FUZZ:BOOL=ON$' "$b/CMakeCache.txt"; then level="test"
  elif grep -q '^TECHRENO_TESTS:BOOL=OFF$' "$b/CMakeCache.txt"; then conf_level="run"; fi

  # The targets this configuration builds, from CMake's list of them (not
  # whatever the tree holds: objects of removed sources or targets, or
  # tests/ after a reconfiguration with TECHRENO_TESTS=OFF, stay behind).
  # Each target's DependInfo.cmake names its dependency files.
  mk=$b/CMakeFiles/Makefile.cmake
  [ -f "$mk" ] || { echo "check-deps: no $mk: not a configured CMake (Unix Makefiles) tree" >&2; exit 2; }
  awk '/^set\(CMAKE_DEPEND_INFO_FILES/ { on = 1; next } on && /^ *\)/ { on = 0 }
    on { gsub(/^ *"|"$/, ""); sub(/\/DependInfo\.cmake$/, ""); print }' "$mk" \
    | while IFS= read -r t; do [[ $t == /* ]] || t=$b/$t; printf '%s\n' "$t"; done >"$work/targets"
  : >"$work/linktxts"
  : >"$work/buildmakes"
  while IFS= read -r t; do
    if [ -f "$t/link.txt" ]; then printf '%s\0' "$t/link.txt" >>"$work/linktxts"; fi
    if [ -f "$t/build.make" ]; then printf '%s\0' "$t/build.make" >>"$work/buildmakes"; fi
    if [ -f "$t/DependInfo.cmake" ]; then printf '%s\n' "$t/DependInfo.cmake"; fi
  done <"$work/targets" | tr '\n' '\0' | xargs -0 -r awk -F'"' '
    /^set\(CMAKE_DEPENDS_DEPENDENCY_FILES/ { on = 1; next } on && /^ *\)/ { on = 0 }
    on && NF >= 9 { print $8 }' | while IFS= read -r d; do
      [[ $d == /* ]] || d=$b/$d
      if [ -f "$d" ]; then printf '%s\0' "$d"; fi  # not yet compiled: nothing used
    done >"$work/depfiles"

  # Headers. A .o.d is a make rule "obj: src dep dep \" with "\ " for spaces;
  # relative paths are relative to the compile's directory (before CMakeFiles/).
  xargs -0 -r <"$work/depfiles" awk -v root="$root" -v build="$b" -v level="$level" '
    function flush(   n, i, t, dir, lv, src, user) {
      if (file == "") return
      gsub(/\\ /, "\001", buf)
      sub(/^[^:]*:[ \t]/, "", buf)
      n = split(buf, t, /[ \t]+/)
      dir = file; sub(/\/CMakeFiles\/.*/, "", dir)
      src = ""; lv = level; ord = 0
      for (i = 1; i <= n; i++) {
        if (t[i] == "" || t[i] == "\\") continue
        gsub("\001", " ", t[i])
        if (substr(t[i], 1, 1) != "/") t[i] = dir "/" t[i]
        if (src == "") {
          src = t[i]
          if (lv == "mixed")
            lv = (index(dir "/", build "/tests/") == 1 || index(src, root "/tests/") == 1) ? "test" : "run"
          user = src; if (index(user, root "/") == 1) user = substr(user, length(root) + 2)
          continue
        }
        if (index(t[i], root "/") == 1 || index(t[i], build "/") == 1) continue
        print lv "\t" user "\t" (++ord) "\t" t[i]
      }
      buf = ""
    }
    FNR == 1 { flush(); file = FILENAME }
    { line = $0; sub(/\\$/, "", line); buf = buf " " line }
    END { flush() }' >>"$work/uses"

  # Libraries: replay each link with -### (prints the linker command, runs
  # nothing), then find what ld would take for each -l, as ld does: each -L
  # directory in turn, libNAME.so before libNAME.a unless linking statically.
  # Forks are what costs here, so one awk splits every link.txt and one every
  # linker command, one word a line after a "@ <link.txt>" line.
  # Only the first line links (a shared library's next one makes its symlinks).
  xargs -0 -r awk 'FNR == 1 { print "@ " FILENAME; print }' <"$work/linktxts" \
    | awk "$split_words" \
    | awk '/^@ / { f = substr($0, 3); n = 0; next } { n++ }
           n == 1 { w = $0; sub(/.*\//, "", w); skip = (w ~ /(^|-)(ar|ranlib)$/) }  # static libraries
           !skip { if (n == 1) print "@ " f; print }' >"$work/links"
  : >"$work/ld.out"
  cmd=() linktxt=
  replay() {
    [ -n "$linktxt" ] || return 0
    echo "@ $linktxt" >>"$work/ld.out"
    # shellcheck disable=SC2069  # the driver prints the commands on stderr: keep only that
    (cd "${linktxt%/CMakeFiles/*}" && "${cmd[@]}" -### 2>&1 >/dev/null) >>"$work/ld.out" || true
  }
  while IFS= read -r w; do
    if [[ $w == "@ "* ]]; then replay; linktxt=${w#@ } cmd=(); else cmd+=("$w"); fi
  done <"$work/links"
  replay
  awk '/^@ / { print; next }
    /^ *"?[^ "]*\/(collect2|ld|ld\.bfd|ld\.gold|ld\.lld)"? / { print "#ld"; print }' "$work/ld.out" \
    | awk "$split_words" | awk '/^@ / { f = $0 } /^#ld$/ { on = 1; print f; next } /^@ / { on = 0 } on' \
    >"$work/ld.words" || true
  if ! cmp -s <(grep '^@ ' "$work/links") <(grep '^@ ' "$work/ld.words"); then
    echo "check-deps: cannot replay these links with -###:" >&2
    comm -23 <(grep '^@ ' "$work/links" | sort) <(grep '^@ ' "$work/ld.words" | sort) | sed 's/^@ /  /' >&2
    exit 2
  fi
  linktxt=
  flush_link() {
    [ -n "$linktxt" ] || return 0
    local dir=${linktxt%/CMakeFiles/*} lv=$level l st name found d f ord=0
    [ "$lv" = mixed ] && { case $dir/ in "$b"/tests/*) lv="test" ;; *) lv="run" ;; esac; }
    for l in "${libs[@]}"; do
      st=${l%%:*} name=${l#*:} found=
      for d in "${libdirs[@]}"; do
        case $name in
          :*) [ -f "$d/${name#:}" ] && found=$d/${name#:} ;;
          *) if [ "$st" = 0 ] && [ -f "$d/lib$name.so" ]; then found=$d/lib$name.so
             elif [ -f "$d/lib$name.a" ]; then found=$d/lib$name.a; fi ;;
        esac
        [ -n "$found" ] && break
      done
      if [ -n "$found" ]; then files+=("$found")
      else echo "check-deps: warning: $linktxt: -l$name not found (the link would fail)" >&2; fi
    done
    for f in "${files[@]}"; do
      [[ $f == /* ]] || f=$dir/$f
      [ -f "$f" ] || continue
      case $f in "$root"/* | "$b"/*) continue ;; esac
      printf '%s\tlinking %s\t%d\t%s\n' "$lv" "${dir#"$root"/}/$out" $((++ord)) "$f"
    done >>"$work/uses"
    # What the program loads at run time (the runtime packages under the
    # -dev ones): ldd below, once for all of this build's programs.
    if [ -n "$out" ] && [ -x "$dir/$out" ]; then printf '%s\t%s\n' "$lv" "$dir/$out" >>"$work/programs"; fi
  }
  : >"$work/programs"
  next_is=
  while IFS= read -r a; do
    if [[ $a == "@ "* ]]; then
      flush_link
      linktxt=${a#@ } out='' libdirs=() libs=() files=() static=0 next_is=skip  # the linker itself
      continue
    fi
    case $next_is in
      skip) next_is= ; continue ;;
      out) out=$a next_is= ; continue ;;
      dir) libdirs+=("$a") next_is= ; continue ;;
      lib) libs+=("$static:$a") next_is= ; continue ;;
    esac
    case $a in
      -o) next_is=out ;;
      -L) next_is=dir ;;
      -L*) libdirs+=("${a#-L}") ;;
      -l) next_is=lib ;;
      -l*) libs+=("$static:${a#-l}") ;;
      -Bstatic | -static | -dn | -non_shared) static=1 ;;
      -Bdynamic | -dy | -call_shared) static=0 ;;
      -*) ;;
      *) files+=("$a") ;;
    esac
  done <"$work/ld.words"
  flush_link
  if [ -s "$work/programs" ]; then
    # ldd A B prints "A:" then A's libraries, and so on (no "A:" for one).
    cut -f2 "$work/programs" | tr '\n' '\0' | xargs -0 ldd 2>/dev/null \
      | awk -v root="$root" -v programs="$work/programs" -F'[ \t]+' '
        function program(p) { exe = p; user = p; n = 0
          if (index(user, root "/") == 1) user = substr(user, length(root) + 2)
          user = "running " user }
        BEGIN {
          while ((getline line <programs) > 0) { i = index(line, "\t"); only = substr(line, i + 1); lv[only] = substr(line, 1, i - 1); np++ }
          if (np == 1) program(only)
        }
        /^[^ \t].*:$/ { program(substr($0, 1, length($0) - 1)); next }
        { p = ""
          if ($3 == "=>" && substr($4, 1, 1) == "/") p = $4
          else if (substr($2, 1, 1) == "/") p = $2
          if (p != "" && exe != "") print lv[exe] "\t" user "\t" (++n) "\t" p }' >>"$work/uses" || true
    rm -f "$work/programs"
  fi

  # Tools and inputs of the build rules: absolute paths in build.make files.
  xargs -0 -r <"$work/buildmakes" awk -v root="$root" -v build="$b" -v level="$level" '
    FNR == 1 {
      dir = FILENAME; sub(/\/CMakeFiles\/.*/, "", dir)
      tgt = FILENAME; sub(/\.dir\/build\.make$/, "", tgt); sub(/.*\//, "", tgt)
      lv = level
      if (lv == "mixed") lv = (index(dir "/", build "/tests/") == 1) ? "test" : "run"
      n = 0
    }
    /^#/ { next }
    { s = $0
      while (match(s, /(^|[ \t:=,"])\/[^ \t:;,"$()]+/)) {
        p = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
        sub(/^[^\/]/, "", p)
        if (index(p, root "/") == 1 || index(p, build "/") == 1) continue
        print lv "\tbuilding " tgt "\t" (++n) "\t" p
      } }' >>"$work/uses"

  # The configure step: package config files and CMake modules it read
  # (CMAKE_MAKEFILE_DEPENDS; the other lists there are of the build tree).
  awk -v root="$root" -v build="$b" -v lv="$conf_level" -v user="configuring ${b#"$root"/}" '
    /^ *"\// { p = $0; gsub(/^ *"|"$/, "", p)
      if (index(p, root "/") != 1 && index(p, build "/") != 1) print lv "\t" user "\t" (++n) "\t" p }' \
    "$mk" >>"$work/uses"
done

# --- who owns each file -----------------------------------------------------
# Each path as used, normalised without following links (".." in gcc's own
# paths), and where it finally leads. Only regular files count: the build
# rules also name directories.
cut -f4 "$work/uses" | sort -u >"$work/paths.raw"
while IFS= read -r p; do if [ -f "$p" ]; then printf '%s\n' "$p"; fi; done <"$work/paths.raw" >"$work/paths"
if [ ! -s "$work/paths" ]; then
  echo "check-deps: no system file found in ${builds[*]}: is the build there?" >&2
  exit 2
fi
# path <TAB> normalised <TAB> real
paste "$work/paths" <(tr '\n' '\0' <"$work/paths" | xargs -0 realpath -m -s --) \
  <(tr '\n' '\0' <"$work/paths" | xargs -0 realpath -m --) >"$work/norm.lexical"
# Dropping "x/.." is wrong where x is a link to a directory (/lib -> usr/lib):
# there, resolve the directories and keep the file's own name.
while IFS=$'\t' read -r p n r; do
  [ "$n" -ef "$p" ] || n=$(realpath -m -- "${p%/*}")/${p##*/}
  printf '%s\t%s\t%s\n' "$p" "$n" "$r"
done <"$work/norm.lexical" >"$work/norm"

# dpkg -S on each distinct path at once (literal absolute paths are looked up
# directly, so this takes a fraction of a second). Output "pkg[:arch], ...: path".
owners() {
  sort -u | tr '\n' '\0' | xargs -0 -r dpkg-query -S 2>/dev/null \
    | awk '/^diversion by / { next }
      { i = index($0, ": "); pk = substr($0, 1, i - 1); p = substr($0, i + 2)
        gsub(/:[a-z0-9]+(,|$)/, ",", pk); gsub(/[ ,]+/, " ", pk); sub(/ $/, "", pk)
        print p "\t" pk }' || true
}
cut -f2,3 "$work/norm" | tr '\t' '\n' | owners >"$work/owners"

# Files dpkg does not know as named: Debian 12 merged /bin, /lib... into /usr
# but dpkg still records many files under their old names (and the other way
# round), and update-alternatives makes links (/usr/bin/c++ -> /etc/alternatives
# -> g++) that no package owns while their targets are. For those, the other
# name and each link on the way are candidates, in that order.
# cands: PATH <TAB> ORDER <TAB> CANDIDATE. First the other name of each
# unowned path (a string rewrite, no process per path), then, for those still
# unowned, the links on the way to the target (a handful: c++, cc, ...).
usr_alias='{ a = ""
  if ($NF ~ /^\/usr\/(bin|sbin|lib|lib32|lib64|libx32)\//) a = substr($NF, 5)
  else if ($NF ~ /^\/(bin|sbin|lib|lib32|lib64|libx32)\//) a = "/usr" $NF
  if (a != "") print $1 "\t" ($2 * 2 + 1) "\t" a }'
cut -f2,3 "$work/norm" | tr '\t' '\n' | sort -u >"$work/wanted"
cut -f1 "$work/owners" | sort -u | comm -23 "$work/wanted" - >"$work/unowned"
awk -F'\t' -v OFS='\t' '{ print $1, 0, $1 }' "$work/unowned" | awk -F'\t' "$usr_alias" >"$work/cands"
cut -f3 "$work/cands" | owners >>"$work/owners"
awk -F'\t' 'FILENAME ~ /owners$/ { own[$1] = 1; next }
  FILENAME ~ /cands$/ { if ($3 in own) ok[$1] = 1; next }
  !($1 in ok)' "$work/owners" "$work/cands" "$work/unowned" >"$work/still"
while IFS= read -r p; do
  c=$p n=0
  while [ -L "$c" ] && [ $n -lt 40 ]; do
    t=$(readlink -- "$c")
    [[ $t == /* ]] || t=${c%/*}/$t
    c=$t n=$((n + 1))
    printf '%s\t%d\t%s\n' "$p" "$n" "$c"
  done
done <"$work/still" >"$work/chain"
if [ -s "$work/chain" ]; then
  paste <(cut -f1,2 "$work/chain") <(cut -f3 "$work/chain" | tr '\n' '\0' | xargs -0 realpath -m -s --) \
    | awk -F'\t' -v OFS='\t' "{ print \$1, \$2 * 2, \$3 } $usr_alias" >"$work/chain.cands"
  cut -f3 "$work/chain.cands" | owners >>"$work/owners"
  cat "$work/chain.cands" >>"$work/cands"
fi
sort -t$'\t' -k1,1 -k2,2n -o "$work/cands" "$work/cands"

# --- what the named packages bring ------------------------------------------
# The installed packages with what they provide and depend on; then the
# closure of the run list, and of run + test, over Depends and Pre-Depends.
# An alternative "a | b" is satisfied by any of them that is installed, a
# virtual name by any installed package that provides it. The closure starts
# from the base every Debian 12 has (Essential: yes and Priority: required,
# what even a minimal debootstrap or container image installs), since no
# package declares a dependency on those (dash for /bin/sh, coreutils, ...).
dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\t${Essential}\t${Priority}\n' \
  >"$work/status"
closure() {  # LIST... -> the closure, one package a line; "!pkg" for a named one not installed
  awk -v named="$*" -F'\t' '
    function name(s) { gsub(/\([^)]*\)|\[[^]]*\]|<[^>]*>/, "", s); gsub(/[ \t]/, "", s); sub(/:.*/, "", s); return s }
    function push(p) { if (!(p in seen)) { seen[p] = 1; stack[++top] = p } }
    substr($1, 2, 1) ~ /[iWt]/ {
      inst[$2] = 1; deps[$2] = deps[$2] ", " $4
      if ($5 == "yes" || $6 == "required") base[$2] = 1
      n = split($3, pv, ","); for (i = 1; i <= n; i++) { v = name(pv[i]); if (v != "") prov[v] = prov[v] " " $2 }
    }
    END {
      top = 0
      for (p in base) push(p)
      n = split(named, q, /[ \t\n]+/)
      for (i = 1; i <= n; i++) if (q[i] != "") {
        if (q[i] in inst) push(q[i]); else print "!" q[i]
      }
      while (top > 0) {
        p = stack[top--]; print p
        nc = split(deps[p], cl, ",")
        for (c = 1; c <= nc; c++) {
          na = split(cl[c], alt, "|")
          for (a = 1; a <= na; a++) {
            d = name(alt[a]); if (d == "") continue
            if (d in inst) push(d)
            m = split(prov[d], cs, " "); for (k = 1; k <= m; k++) push(cs[k])
          }
        }
      }
    }' "$work/status"
}
# shellcheck disable=SC2086  # the lists are words
closure $run_pkgs >"$work/closure.run"
# shellcheck disable=SC2086
closure $run_pkgs $test_pkgs >"$work/closure.all"
if grep -q '^!' "$work/closure.all"; then
  echo "check-deps: deploy/install-deps.sh names packages that are not installed here:" \
    "$(grep '^!' "$work/closure.all" | tr -d '!' | tr '\n' ' ')- run deploy/install-deps.sh --test first" >&2
  exit 2
fi

# --- the verdict ------------------------------------------------------------
# For each use: the owner of the path as used (or of its first candidate that
# has one) and the owner of where it leads must both be in the closure for its
# level. Problems: PACKAGE <TAB> USER <TAB> ORDER <TAB> MESSAGE.
# shellcheck disable=SC2086
{ printf 'run\t%s\n' $run_pkgs; printf 'test\t%s\n' $test_pkgs; } >"$work/named"
awk -F'\t' -v deps_script="deploy/install-deps.sh" -v summary="$work/summary" '
  FILENAME ~ /closure\.run$/ { inrun[$1] = 1; next }
  FILENAME ~ /closure\.all$/ { inall[$1] = 1; next }
  FILENAME ~ /named$/ { if ($2 != "") named[$2] = $1; next }
  FILENAME ~ /owners$/ { if (!($1 in own)) own[$1] = $2; next }
  FILENAME ~ /cands$/ { if (!($1 in firstown) && ($3 in own)) firstown[$1] = own[$3]; next }
  FILENAME ~ /norm$/ { norm[$1] = $2; real[$1] = $3; next }
  {
    lv = $1; user = $2; ord = $3 + 0; p = $4
    if (!(p in norm)) next
    np = norm[p]; rp = real[p]
    if (!(np in counted)) { counted[np] = 1; nfiles++ }
    o = (np in own) ? own[np] : firstown[np]
    if (o == "") { unowned(lv, user, ord, np, ""); next }
    check(lv, user, ord, np, o)
    if (rp != np) {
      o = (rp in own) ? own[rp] : firstown[rp]
      if (o == "") unowned(lv, user, ord, np, rp); else check(lv, user, ord, np " (-> " rp ")", o)
    }
  }
  # A file owned by several packages (one per architecture): any of them will do.
  function check(lv, user, ord, shown, pkgs,   n, i, pk, why) {
    n = split(pkgs, pk, " ")
    for (i = 1; i <= n; i++) if ((lv == "run") ? (pk[i] in inrun) : (pk[i] in inall)) return
    if (lv == "run" && (pk[1] in inall))
      why = ((pk[1] in named) ? "which " deps_script " names only as a test package (move it" \
                              : "which only the test packages of " deps_script " pull in (add it") \
            " to the run packages: deploy/local/run.sh installs no test package)"
    else
      why = "which " deps_script " does not name (add it to the " lv " packages)"
    print pk[1] "\t" lv "\t" rank(user) "\t" user "\t" ord "\t" user " uses " shown " from " pkgs ", " why
  }
  # Sources first, then links, programs, build rules, the configure step.
  function rank(user) {
    return user ~ /^linking / ? 2 : user ~ /^running / ? 3 : user ~ /^building / ? 4 : user ~ /^configuring / ? 5 : 1
  }
  function unowned(lv, user, ord, np, rp,   shown) {
    shown = np; if (rp != "") shown = np " (-> " rp ")"
    print "(no package)\t" lv "\t" rank(user) "\t" user "\t" ord "\t" user " uses " shown ", which no Debian package owns" \
      " (installed by hand?): install it from a Debian package and add that to the " lv " packages of " deps_script
  }
  END { print nfiles + 0 > summary }' "$work/closure.run" "$work/closure.all" "$work/named" \
  "$work/owners" "$work/cands" "$work/norm" "$work/uses" >"$work/problems"

nfiles=$(cat "$work/summary")
if [ ! -s "$work/problems" ]; then
  echo "check-deps: OK: the $nfiles system files used by ${builds[*]#"$root"/} come from" \
    "packages deploy/install-deps.sh names, their dependencies or the Debian base"
  exit 0
fi

# The packages to add: not every one that lacks, since a -dev package brings
# its runtime library (libpqxx-dev brings libpqxx-6.4). Keep those that no
# other kept one brings, the ones bringing most first.
cut -f1 "$work/problems" | grep -vx '(no package)' | sort -u >"$work/lacking" || true
awk -F'\t' '
  function name(s) { gsub(/\([^)]*\)|\[[^]]*\]|<[^>]*>/, "", s); gsub(/[ \t]/, "", s); sub(/:.*/, "", s); return s }
  FILENAME ~ /lacking$/ { lack[$1] = 1; nl++; order[nl] = $1; next }
  substr($1, 2, 1) ~ /[iWt]/ {
    inst[$2] = 1; deps[$2] = deps[$2] ", " $4
    n = split($3, pv, ","); for (i = 1; i <= n; i++) { v = name(pv[i]); if (v != "") prov[v] = prov[v] " " $2 }
  }
  END {
    for (x = 1; x <= nl; x++) {  # which lacking packages each lacking one brings
      P = order[x]; delete seen; top = 0; stack[++top] = P; seen[P] = 1
      while (top > 0) {
        p = stack[top--]; if (p != P && (p in lack)) { brings[P] = brings[P] " " p; nb[P]++ }
        nc = split(deps[p], cl, ",")
        for (c = 1; c <= nc; c++) {
          na = split(cl[c], alt, "|")
          for (a = 1; a <= na; a++) {
            d = name(alt[a]); if (d == "") continue
            cand = ((d in inst) ? d : "") " " prov[d]; m = split(cand, cs, " ")
            for (k = 1; k <= m; k++) if (!(cs[k] in seen)) { seen[cs[k]] = 1; stack[++top] = cs[k] }
          }
        }
      }
    }
    for (x = 1; x <= nl; x++) for (y = x + 1; y <= nl; y++)  # most bringing first
      if (nb[order[y]] > nb[order[x]]) { t = order[x]; order[x] = order[y]; order[y] = t }
    for (x = 1; x <= nl; x++) {
      P = order[x]; if (P in by) continue
      print P "\t"
      m = split(brings[P], bs, " "); for (k = 1; k <= m; k++) if (!(bs[k] in by)) { by[bs[k]] = P; print bs[k] "\t" P }
    }
  }' "$work/lacking" "$work/status" >"$work/verdict"

# One line per package and user, naming the first file in that user's order
# (for a source: the header it includes, not what that one includes); at most
# five users a package.
echo "check-deps: FAILED: files the build uses come from packages deploy/install-deps.sh does not bring in:"
sort -t$'\t' -k1,1 -k3,3n -k4,4 -k5,5n "$work/problems" | awk -F'\t' '
  FILENAME ~ /verdict$/ { if ($2 != "") by[$1] = $2; next }
  ($1 in by) { hidden[$1]++; next }
  ($1 SUBSEP $4) in done { next }
  function more() { if (n[cur] > 5) print "  (and " (n[cur] - 5) " more using " cur ")" }
  { done[$1 SUBSEP $4] = 1
    if ($1 != cur) { more(); cur = $1 }
    if (++n[$1] <= 5) print "  " $6 }
  END {
    more()
    for (p in hidden) print "  (" p ", which " by[p] " brings, is lacking too)"
  }' "$work/verdict" -
# The summary: each package to add, and to which list.
awk -F'\t' 'FILENAME ~ /named$/ { named[$2] = $1; next }
  FILENAME ~ /verdict$/ { if ($2 == "") keep[$1] = 1; next }
  ($1 in keep) { if ($2 == "test" && !(($1, "run") in lv)) lv[$1, "test"] = 1; else { lv[$1, "run"] = 1; delete lv[$1, "test"] } }
  $1 == "(no package)" { unowned = 1 }
  END {
    for (p in keep) {
      out = out sep p (!((p, "run") in lv) ? " (test)" : named[p] == "test" ? " (move from test to run)" : " (run)")
      sep = ", "
    }
    if (out != "") print "check-deps: add to deploy/install-deps.sh: " out
    if (unowned) print "check-deps: and install the unowned files above from Debian packages"
  }' "$work/named" "$work/verdict" "$work/problems"
exit 1
