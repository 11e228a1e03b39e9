#!/usr/bin/env bash
# Builds the image and runs compose.yaml for real (`npm run smoke:compose`, needs a Docker engine):
# the stack must become ready through nginx, both instances must answer decisions on the shared
# database, and stopping one under load must lose nothing (every answer a 200, or a 503 from the
# draining instance) and end with exit code 0. Tears the stack down, volumes included.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
project=sluice-smoke
export SLUICE_ADMIN_KEY="sk_admin_smoke_$RANDOM$RANDOM" SLUICE_METRICS_TOKEN="smoke_$RANDOM"
dc() { "${compose[@]}" -p "$project" "$@"; }
step() { printf 'smoke-compose: %s\n' "$*"; }
fail() { step "FAILED: $*"; dc logs --tail=20 >&2 || true; exit 1; }
trap 'dc down -v --remove-orphans >/dev/null 2>&1 || true' EXIT

step "building and starting ($("${compose[@]}" version --short 2>/dev/null || "${compose[@]}" version | head -1))"
dc up --build -d >/dev/null 2>&1 || fail "compose up"

ready=''
for _ in $(seq 1 120); do
  ready=$(curl -sf localhost:8080/readyz) && break
  sleep 1
done
[ -n "$ready" ] || fail "not ready through nginx after 120 s"
step "ready through nginx: $ready"

key=$(curl -sf -X POST localhost:8080/v1/api-keys -H "Authorization: Bearer $SLUICE_ADMIN_KEY" -d '{"mode":"test"}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
decide() {
  curl -s -o /dev/null -w '%{http_code}\n' -X POST localhost:8080/v1/schemes/eu_payouts/decide -H "Authorization: Bearer $key" \
    -d '{"request":{"amount":"100.00","currency":"EUR","service":"sepa_eur","country":"DE","fields":{"kyc_level":3}},"state":{"rates":{}}}'
}
for _ in $(seq 1 20); do [ "$(decide)" = 200 ] || fail "a decision was not answered 200"; done
for instance in sluice-1 sluice-2; do
  n=$(dc logs "$instance" 2>/dev/null | grep -c '"endpoint":"/v1/schemes/:name/decide"' || true)
  [ "$n" -gt 0 ] || fail "$instance answered no decision"
  step "$instance logged $n decisions"
done
metrics=$(curl -sf localhost:8080/metrics -H "Authorization: Bearer $SLUICE_METRICS_TOKEN" | grep -c '^sluice_decisions_total' || true)
[ "$metrics" -gt 0 ] || fail "no sluice_decisions_total series in /metrics"

( for _ in $(seq 1 400); do decide; done ) >/tmp/"$project".codes &
load=$!
sleep 1
dc stop sluice-1 >/dev/null 2>&1
wait "$load"
exit_code=$(docker inspect "$(dc ps -a -q sluice-1)" --format '{{.State.ExitCode}}')
codes=$(sort /tmp/"$project".codes | uniq -c | tr -s ' ' | paste -sd, -)
rm -f /tmp/"$project".codes
step "400 decisions while sluice-1 stopped: ${codes# }; its exit code $exit_code"
[ "$exit_code" = 0 ] || fail "sluice-1 did not stop cleanly"
if grep -qvE '^ ?[0-9]+ (200|503)$' <<<"$(tr ',' '\n' <<<"$codes")"; then fail "answers other than 200 and 503"; fi
step "passed"
