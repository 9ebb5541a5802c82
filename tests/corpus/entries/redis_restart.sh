DESCRIPTION="redis-server: set a key and SAVE; enforced restarting on that snapshot (it reads the dump.rdb it wrote) and reading the key"
source "$(dirname "${BASH_SOURCE[0]}")/../redis.sh"
SERVER=1
prepare() { mkdir -p data; }
record_job() { redis_argv data; RECORD=("${REDIS[@]}"); }
enforce_job() { redis_argv data; ENFORCE=("${REDIS[@]}"); }
ready() { redis-cli -p "$PORT" ping | grep -q PONG; }
record_client() { redis-cli -p "$PORT" set session:42 open && redis-cli -p "$PORT" save; }
enforce_client() { redis-cli -p "$PORT" get session:42; }
