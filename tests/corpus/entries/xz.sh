DESCRIPTION="xz: compress a log keeping the original; enforced compressing another file in another directory"
prepare() {
  mkdir -p logs backups
  seq 1 20000 | sed 's/^/line /' >logs/app.log
  seq 1 5000 | sed 's/^/INSERT INTO t VALUES (/; s/$/);/' >backups/db.sql
}
record_job() { RECORD=(xz -k -6 logs/app.log); }
enforce_job() { ENFORCE=(xz -k -6 backups/db.sql); }
state() { ls logs backups; xz -dc backups/db.sql.xz | md5sum; }
