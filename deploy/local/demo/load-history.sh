#!/usr/bin/env bash
# DEMO ONLY: loads the demo county's reports for the months before this
# half-year as if they had been filed back then.
#   load-history.sh CLI COUNTY_TOKEN DEMO_DIR SUPERUSER_DSN
# DEMO_DIR is what make-demo.sh wrote; SUPERUSER_DSN a libpq connection string
# of the PostgreSQL superuser (or the database's owner) on techreno's database;
# $TECHRENO_SERVER the server.
#
# Why: a report is late when first filed after its half-year's deadline, and
# the server files every report now (it has no clock to set, on purpose). A
# county that has been reporting on time would have filed those months back
# then; so the demo pushes them through the API like any report (history-filed.csv,
# then the corrections in history-corrected.csv), and history.sql sets their
# filing times to the 25th of their month (corrections the 28th) and clears the
# "late" the server rightly gave them. The push's output, one 'progress.late'
# warning per report, is kept in DEMO_DIR/history.log rather than shown.
#
# Safe to run again: once the corrections are stored nothing is pushed twice,
# and history.sql sets the same times each time.
set -euo pipefail
cli=${1:?usage: load-history.sh CLI COUNTY_TOKEN DEMO_DIR SUPERUSER_DSN}
token=${2:?county token}
dir=${3:?demo dir}
dsn=${4:?superuser DSN}
here=$(cd "$(dirname "$0")" && pwd)
log=$dir/history.log

keys_of() { tail -n +2 "$1" | cut -d, -f2,3 | tr , @; }  # CODE@YYYY-MM, one a line
corrected=$(keys_of "$dir/history-corrected.csv" | paste -sd, -)
n_filed=$(($(wc -l <"$dir/history-filed.csv") - 1))
n_corrected=$(($(wc -l <"$dir/history-corrected.csv") - 1))
sql() { psql -X -q -v ON_ERROR_STOP=1 "$dsn" "$@"; }

done_already=$(sql -tA -v keys="$corrected" <<'SQL'
SELECT count(*) FROM monitoring_reports
WHERE project_code || '@' || period = ANY (string_to_array(:'keys', ',')) AND version > 1
SQL
)
: >"$log"
if [ "$done_already" -lt "$n_corrected" ]; then
  for f in history-filed history-corrected; do
    echo "== techreno progress push $f.csv" >>"$log"
    "$cli" --token="$token" progress push "$dir/$f.csv" >>"$log" 2>&1 || {
      cat "$log" >&2
      echo "load-history.sh: pushing $f.csv failed (above)" >&2
      exit 1
    }
  done
fi
keys_of "$dir/history-filed.csv" | sql -f "$here/history.sql"
echo "$n_filed reports of the months before this half-year loaded as filed on the 25th of" \
  "their month, $n_corrected of them corrected on the 28th (demo only: see $here/history.sql)"
