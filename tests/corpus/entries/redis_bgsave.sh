DESCRIPTION="redis-server: recorded taking a snapshot with SAVE; enforced, from an empty directory again, taking it with BGSAVE (a forked child writes temp-PID.rdb and renames it)"
source "$(dirname "${BASH_SOURCE[0]}")/../redis.sh"
export -f redis_wait_bgsave
SERVER=1
prepare() { mkdir -p data; }
record_job() { redis_argv data; RECORD=("${REDIS[@]}"); }
between() { rm data/dump.rdb; }  # the enforced server starts empty too, as the recorded one did
enforce_job() { redis_argv data; ENFORCE=("${REDIS[@]}"); }
ready() { redis-cli -p "$PORT" ping | grep -q PONG; }
record_client() { redis-cli -p "$PORT" set page:home 1 && redis-cli -p "$PORT" save; }
enforce_client() {
  redis-cli -p "$PORT" set page:about 2 >/dev/null && redis-cli -p "$PORT" bgsave && redis_wait_bgsave &&
    redis-cli -p "$PORT" info persistence | grep '^rdb_last_bgsave_status'
}
state() { ls data; }
