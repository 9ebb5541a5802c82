DESCRIPTION="sh: a script waiting for a background job; recorded when the job finished first, enforced when it is still running at wait"
INTERPRETED=1
prepare() {
  cat >jobs.sh <<'SH'
worker_delay=$1 main_delay=$2
( sleep "$worker_delay"; echo "worker done" >worker.log ) &
sleep "$main_delay"
echo "main done"
wait
cat worker.log
SH
}
record_job() { RECORD=(sh jobs.sh 0 1); }
enforce_job() { ENFORCE=(sh jobs.sh 1 0); }
