#!/usr/bin/env bash
# Writes the demo's data, dated from the current month, into OUTDIR:
#   make-demo.sh OUTDIR [TODAY]     TODAY as YYYY-MM-DD; default today in China
#                                   Standard Time (the server's reporting calendar)
#
# The demo is the county of 荔湾区 (440103) in a normal half-year: its projects
# started five to eight months ago (the months are written {M-8} … {M+13} in
# the templates beside this script, M being this month) and every project
# reports every month up to last month. Measured with `techreno compliance
# --from=$DEMO_FROM --to=$DEMO_TO` and `techreno lagging`, the county has
#   - 39 reports expected and received, 38 of them on time;
#   - one late: project 1's report for the last month of the previous half-year
#     ($DEMO_LATE), first sent after that half-year's deadline;
#   - one corrected: project 3's report for {M-6}, first filed with a wrong
#     figure (first-filed.csv.in) and re-sent a few days later, before its
#     deadline;
#   - one project lagging: project 2 (5G SMT line) reports every month but is
#     about 26 points behind its straight-line schedule; the others are on it.
#
# A report is late when first filed after its half-year's deadline (June 30 /
# December 31). Reports for the months before this half-year can therefore only
# be on time if they were filed back then: the demo loads them as history
# (load-history.sh, demo only), then pushes the county's whole file as today.
#
# Files written:
#   enterprises.csv, projects.csv   the county's register (the last project is
#                                   wrong in several fields, on purpose)
#   progress.csv                    every report with its current figures: the
#                                   file a county system sends each month
#   history-filed.csv               reports of the months before this half-year
#                                   as first filed back then (not the late one)
#   history-corrected.csv           their later corrections (before the deadline)
#   demo.env                        the demo's months and project codes (shell)
# Only bash, coreutils, sed, grep and awk (mawk will do): no python, which a fresh
# minimal Debian may lack.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-demo.sh OUTDIR [YYYY-MM-DD]}
today=${2:-$(TZ=CST-8 date +%F)}  # POSIX TZ for UTC+8: needs no tzdata
if ! [[ $today =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})$ ]] ||
  [ "$(date -d "$today" +%F 2>/dev/null)" != "$today" ]; then
  echo "make-demo.sh: TODAY must be a date YYYY-MM-DD, got '$today'" >&2
  exit 2
fi
year=$((10#${BASH_REMATCH[1]})) month=$((10#${BASH_REMATCH[2]}))
if [ "$year" -lt 2002 ] || [ "$year" -gt 2098 ]; then
  echo "make-demo.sh: TODAY must be in 2002-2098 (periods are 2000-01 … 2099-12)" >&2
  exit 2
fi

# Months as indexes: year * 12 + month - 1.
now=$((year * 12 + month - 1))
period() { printf '%04d-%02d' $(($1 / 12)) $(($1 % 12 + 1)); }
half_start=$((now - (month - 1) % 6))  # January or July of this half-year
late_month=$((half_start - 1))         # June or December just closed
first_month=$((now - 8)) last_month=$((now - 1))

# Project codes. Without a code in the file the server assigns
# YYYY-440103-00-03-NNNNNC: the start year, the county's next serial for that
# year (in push order) and an ISO 7064 MOD 11-2 check character. Project 2
# carries its own code (department 34), in its start year too.
check_char() {  # 19 digits → the check character
  local d=$1 sum=0 w=2 i c
  for ((i = 18; i >= 0; i--)); do
    sum=$((sum + ${d:i:1} * w))
    w=$((w * 2 % 11))
  done
  c=$(((12 - sum % 11) % 11))
  if [ "$c" -eq 10 ]; then echo X; else echo "$c"; fi
}
declare -A serial code
for p in 1:-8 3:-8 4:-6 5:-5 6:-8; do  # projects without a code, file order: start offset
  n=${p%%:*} start=$((now + ${p#*:}))
  y=$((start / 12))
  serial[$y]=$((${serial[$y]:-0} + 1))
  digits=$(printf '%04d4401030003%05d' "$y" "${serial[$y]}")
  code[$n]=$(printf '%04d-440103-00-03-%05d%s' "$y" "${serial[$y]}" "$(check_char "$digits")")
done
code[2]=$(printf '%04d-440103-34-03-012345' $(((now - 7) / 12)))

# {M-8} → YYYY-MM, {M-8#} → YYYYMM, {Y} → the year of the first month, {Pn} → codes.
subst=$(mktemp)
trap 'rm -f "$subst"' EXIT
for o in $(seq -12 14); do
  p=$(period $((now + o)))
  s=$o
  [ "$o" -ge 0 ] && s=+$o
  printf 's/{M%s}/%s/g\ns/{M%s#}/%s/g\n' "$s" "$p" "$s" "${p/-/}"
done >"$subst"
printf 's/{Y}/%04d/g\n' $((first_month / 12)) >>"$subst"
for n in 1 2 3 4 5 6; do printf 's/{P%s}/%s/g\n' "$n" "${code[$n]}" >>"$subst"; done

mkdir -p "$out"
cp "$here/enterprises.csv" "$out/enterprises.csv"
for f in projects progress first-filed; do
  sed -f "$subst" "$here/$f.csv.in" >"$out/$f.csv.tmp"
  if grep -q '{[MPY]' "$out/$f.csv.tmp"; then
    echo "make-demo.sh: unknown placeholder in $f.csv.in" >&2
    exit 1
  fi
done
mv "$out/projects.csv.tmp" "$out/projects.csv"
mv "$out/progress.csv.tmp" "$out/progress.csv"

# The history: every report of a month before this half-year except the late
# one, as first filed; then the corrections of those filed differently first.
late_key="${code[1]}@$(period $late_month)"
awk -F, -v before="$(period $half_start)" -v late="$late_key" \
  -v filed="$out/history-filed.csv" -v corrected="$out/history-corrected.csv" '
  FNR == 1 { if (NR == 1) { print > filed; print > corrected }; next }
  NR == FNR { first[$2 "@" $3] = $0; next }  # first-filed.csv
  {
    key = $2 "@" $3
    if ($3 >= before || key == late) next
    if (key in first) { print first[key] > filed; print > corrected; used[key] = 1 }
    else print > filed
  }
  END { for (k in first) if (!(k in used)) { print "first-filed row " k " is not in the history" > "/dev/stderr"; exit 1 } }
' "$out/first-filed.csv.tmp" "$out/progress.csv"
rm -f "$out/first-filed.csv.tmp"

{
  echo "# The demo's months and codes, written by deploy/local/demo/make-demo.sh for $today."
  env_line() { printf '%-40s # %s\n' "$1=$2" "$3"; }
  env_line DEMO_TODAY "$today" "the day it was written for (China Standard Time)"
  env_line DEMO_MONTH "$(period $now)" "this month"
  env_line DEMO_FROM "$(period $first_month)" "the first month reported"
  env_line DEMO_TO "$(period $last_month)" "last month: the last month reported"
  env_line DEMO_YEAR "$((last_month / 12))" "the year of last month: targets, aggregates"
  env_line DEMO_HALF_START "$(period $half_start)" "this half-year's first month; earlier ones are past their deadline"
  env_line DEMO_LATE "$(period $late_month)" "the month of the one late report (project 1)"
  env_line DEMO_CORRECTED "$(period $((now - 6)))" "the month of the one corrected report (project 3)"
  env_line DEMO_P1 "${code[1]}" "数控机床智能化生产线 (late once)"
  env_line DEMO_P2 "${code[2]}" "5G通信模组SMT产线 (lagging)"
  env_line DEMO_P3 "${code[3]}" "烘焙食品生产线 (corrected once)"
  env_line DEMO_P4 "${code[4]}" "注塑车间智能化改造"
  env_line DEMO_P5 "${code[5]}" "智能包装装备"
  env_line DEMO_P6 "${code[6]}" "精密铸造车间 (completed early)"
} >"$out/demo.env"
