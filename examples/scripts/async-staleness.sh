#!/usr/bin/env bash
# One chaos-style training job without the matrix: a `ps` (ParameterServerMain) and N ChaosWorker processes over UDP on
# loopback, each worker sending STEPS gradients (ASYNC/BOUNDED) or the job running STEPS steps (SYNC); prints each
# worker's result line, a fresh worker's evaluation of the parameters the job ended with, and the server's last
# staleness figures. Used for the ASYNC pacing table in docs/parameter-server.md.
#
#   examples/scripts/async-staleness.sh DIR MODE WORKERS STEPS MODEL_JSON
#
# MODEL_JSON is the chaos model as a chaos run saves it (any <out>/runs/*/model.json of `chaos`). JVM properties for
# every process go in ORRERY_JAVA_OPTS (e.g. -Dorrery.udp.mtu=8192 where the kernel caps UDP socket buffers).
# Needs the examples jar (mvn -B -o -q -pl examples -am package -DskipTests), or ORRERY_JAR.
set -euo pipefail
if [ $# -ne 5 ]; then
  echo "usage: $0 DIR MODE WORKERS STEPS MODEL_JSON" >&2
  exit 2
fi
dir=$1 mode=$2 n=$3 steps=$4 model=$5
here="$(cd "$(dirname "$0")" && pwd)"
jar="${ORRERY_JAR:-$here/../target/orrery-examples.jar}"
mkdir -p "$dir"
cp "$model" "$dir/model.json"
(umask 077 && od -An -N8 -td8 /dev/urandom | tr -d ' ' > "$dir/job.token")
port=$(( 20000 + (RANDOM % 20000) * 2 ))
opens=()
for m in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.misc sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$m=ALL-UNNAMED")
done
# shellcheck disable=SC2206
extra=(${ORRERY_JAVA_OPTS:-})
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
java -Xmx384m "${opens[@]}" "${extra[@]}" -cp "$jar" io.orrery.ps.ParameterServerMain --workers "$n" \
  --model "$dir/model.json" --mode "$mode" --staleness 2 --udp 127.0.0.1 --port "$port" \
  --token-file "$dir/job.token" --step-timeout PT5S --stats-interval PT10S > "$dir/ps.log" 2>&1 &
ps=$!
trap 'kill $ps 2>/dev/null || true' EXIT
workers=()
for ((k = 0; k < n; k++)); do
  java -Xmx512m "${opens[@]}" "${extra[@]}" -cp "$jar" io.orrery.examples.chaos.ChaosWorker 127.0.0.1 "$port" \
    "$dir/job.token" "$k" "$n" "$steps" 32 90 0 "$dir/stop" > "$dir/worker-$k.log" 2>&1 &
  workers+=($!)
done
for p in "${workers[@]}"; do wait "$p"; done
# a fresh worker with no steps of its own: it evaluates the parameters the job ended with
java -Xmx512m "${opens[@]}" "${extra[@]}" -cp "$jar" io.orrery.examples.chaos.ChaosWorker 127.0.0.1 "$port" \
  "$dir/job.token" 0 "$n" 0 32 90 0 "$dir/stop" > "$dir/eval.log" 2>&1
grep -h '^result' "$dir"/worker-*.log
echo "job's end: $(grep -h '^result' "$dir/eval.log")"
kill "$ps"
wait "$ps" || true
grep 'stats:' "$dir/ps.log" | tail -1 | grep -o 'stepsApplied=[0-9]*\|coalescedVersions=[0-9]*\|meanStaleness=[0-9.]*\|maxStaleness=[0-9]*' | paste -sd' '
