# Shared by the redis entries: a server in the foreground, no automatic
# snapshots (a save only when the client asks), logging to stdout.
redis_argv() {  # $1: data directory; sets REDIS
  REDIS=(redis-server --bind 127.0.0.1 --port "$PORT" --dir "$1" --save "" --appendonly no --daemonize no --logfile "")
}
# Waits for a BGSAVE started by the client to finish, as an operator would.
redis_wait_bgsave() {
  local i
  for i in $(seq 1 100); do
    redis-cli -p "$PORT" info persistence | grep -q '^rdb_bgsave_in_progress:0' && return 0
    sleep 0.1
  done
  return 1
}
