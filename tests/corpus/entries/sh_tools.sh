DESCRIPTION="sh: a log report script running many /usr/bin tools; enforced after the log has grown, when the script also prints its last lines (tail run directly by the script)"
INTERPRETED=1
prepare() {
  cat >report.sh <<'SH'
set -e
log=$1
echo "file: $(basename "$log") in $(dirname "$log")"
echo "lines: $(wc -l <"$log")"
echo "top: $(tr -s ' ' '\n' <"$log" | sort | uniq -c | sort -rn | head -n 3 | awk '{print $2}' | paste -sd,)"
echo "first: $(head -n 1 "$log" | cut -c1-12)"
echo "sum: $(md5sum <"$log" | cut -d' ' -f1)"
if [ "$(wc -l <"$log")" -gt 100 ]; then
  echo "long log, last lines:"
  tail -n 3 "$log"
fi
SH
  printf 'GET /index.html 200\nGET /about.html 404\n' >access.log
}
record_job() { RECORD=(sh report.sh access.log); }
between() { seq 1 150 | sed 's|^|GET /page-|; s|$|.html 200|' >>access.log; }
enforce_job() { ENFORCE=(sh report.sh access.log); }
