#!/usr/bin/env bash
# Proves the NAT behaviours the network claims: a STUN server on both public addresses (coturn,
# started here and stopped again), then stun-probe.ts from each home and from the host (through
# the node router). Prints one JSON line per vantage point; exits 1 if a variant misbehaves.
cd "$(dirname "$0")"
source ./env.sh
need_root
NODE_BIN=${NODE_BIN:-$(cd ../.. && pwd)/node_modules/.bin/node}
LOG=$(mktemp)
ip netns exec "$NS_PUBLIC" turnserver -n --listening-ip="$PUBLIC_IP" --listening-ip="$PUBLIC_IP2" --listening-port=3478 \
  --no-auth --no-tls --no-dtls --no-cli --log-file=stdout --simple-log --pidfile="$LOG.pid" --userdb="$LOG.db" >"$LOG" 2>&1 &
TURN=$!
trap 'kill $TURN 2>/dev/null; wait $TURN 2>/dev/null || true; rm -f "$LOG" "$LOG.pid" "$LOG.db"' EXIT
for _ in $(seq 50); do grep -q "UDP listener opened on: $PUBLIC_IP2:3478" "$LOG" && break; sleep 0.1; done
probe() { "$@" "$NODE_BIN" stun-probe.ts "$PUBLIC_IP:3478" "$PUBLIC_IP2:3478"; }
fail=0
for v in $HOME_VARIANTS; do
  out=$(probe ip netns exec "$(home_ns "$v")")
  echo "$(home_ns "$v") ($v): $out"
  want=endpoint-independent; [ "$v" = sym ] && want=endpoint-dependent
  grep -q "\"mapping\":\"$want\"" <<<"$out" || { echo "  expected $want" >&2; fail=1; }
done
out=$(probe env)
echo "host via $NS_NODE: $out"
grep -q '"mapping":"endpoint-independent"' <<<"$out" || { echo "  expected endpoint-independent" >&2; fail=1; }
exit $fail
