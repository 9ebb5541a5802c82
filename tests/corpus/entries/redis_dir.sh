DESCRIPTION="redis-server: set keys and SAVE into one data directory; enforced with another data directory (--dir chdirs there)"
source "$(dirname "${BASH_SOURCE[0]}")/../redis.sh"
SERVER=1
prepare() { mkdir -p data-test data-prod; }
record_job() { redis_argv data-test; RECORD=("${REDIS[@]}"); }
enforce_job() { redis_argv data-prod; ENFORCE=("${REDIS[@]}"); }
ready() { redis-cli -p "$PORT" ping | grep -q PONG; }
record_client() { redis-cli -p "$PORT" set user:1 ann && redis-cli -p "$PORT" save; }
enforce_client() { redis-cli -p "$PORT" set user:2 bob && redis-cli -p "$PORT" save && redis-cli -p "$PORT" dbsize; }
state() { ls data-test data-prod; }
