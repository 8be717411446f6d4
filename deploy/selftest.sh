#!/usr/bin/env bash
# Self-test of deploy/standalone.sh on this machine: start a master and 2 workers in a private state directory on
# spare ports, check that both workers registered, stop, and check that none of the started processes is left.
#   deploy/selftest.sh            exit 0 when all checks pass
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ORRERY_STATE_DIR="$(mktemp -d /tmp/orrery-standalone-selftest.XXXXXX)"
export SPARK_MASTER_PORT="${SPARK_MASTER_PORT:-17077}"
export SPARK_MASTER_WEBUI_PORT="${SPARK_MASTER_WEBUI_PORT:-18080}"
export SPARK_WORKER_WEBUI_PORT="${SPARK_WORKER_WEBUI_PORT:-18081}"
export SPARK_WORKER_MEMORY=1g
fail() { echo "selftest FAILED: $*" >&2; "$SCRIPT_DIR/standalone.sh" stop > /dev/null 2>&1 || true; exit 1; }

"$SCRIPT_DIR/standalone.sh" start 2 || fail "start 2"
pids="$(cat "$ORRERY_STATE_DIR"/pids/*.pid)"
status="$("$SCRIPT_DIR/standalone.sh" status)" || fail "status after start"
echo "$status"
grep -q "reports 2 ALIVE worker" <<< "$status" || fail "master does not report 2 ALIVE workers"
"$SCRIPT_DIR/standalone.sh" start 1 > /dev/null 2>&1 && fail "a second start on the same state dir was accepted"
"$SCRIPT_DIR/standalone.sh" stop
# A process that has exited but is not yet reaped by its (adoptive) parent is a zombie: it holds no resources.
alive() { local st; st="$(ps -o stat= -p "$1" 2> /dev/null || true)"; [[ -n "$st" && "$st" != Z* ]]; }
for pid in $pids; do
  for ((i = 0; i < 10; i++)); do alive "$pid" || break; sleep 0.5; done
  if alive "$pid"; then fail "pid $pid still alive 5 s after stop"; fi
done
if "$SCRIPT_DIR/standalone.sh" status > /dev/null; then fail "status reports a cluster after stop"; fi
rm -rf "$ORRERY_STATE_DIR"
echo "selftest passed: start 2 / status / stop on 127.0.0.1:$SPARK_MASTER_PORT"
