DESCRIPTION="jq: a query on one JSON file; enforced with another filter on another file"
prepare() {
  printf '{"items":[{"id":1},{"id":2},{"id":3}]}\n' >orders.json
  mkdir -p api && printf '{"users":[{"name":"ann","active":true},{"name":"bob","active":false},{"name":"cy","active":true}]}\n' >api/users.json
}
record_job() { RECORD=(jq '.items | length' orders.json); }
enforce_job() { ENFORCE=(jq -r '.users[] | select(.active) | .name' api/users.json); }
