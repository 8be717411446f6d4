#!/usr/bin/env bash
# Orrery's core `fit` against PyTorch 1.13.1 on the same models, alternately in one window, several rounds, one table.
#
#   examples/scripts/side-by-side.sh [--rounds 3] [--epochs 2] [--models mlp,convnet]
#
# Each round runs, per model, Orrery's `core-bench` (one warm-up epoch, then --epochs timed ones) and then PyTorch's
# script (one warm-up epoch dropped, then --epochs timed ones); running them one after the other, round after round,
# makes both see the same load. Settings are each system's best measured on 2 cores: Orrery with its defaults (layers
# split batches over Java threads, one BLAS thread per part); PyTorch with 1 thread for the MLP and 2 for the convnet
# (FIELD-NOTES.md). Both run under the environment's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, printed with the table.
# Needs the examples jar (mvn -B -o -q -pl examples -am package -DskipTests) and /usr/bin/python3 with torch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="${ORRERY_JAR:-$here/../target/orrery-examples.jar}"
rounds=3 epochs=2 models=mlp,convnet
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "unknown argument $1; expected --rounds N, --epochs N or --models mlp,convnet" >&2; exit 2 ;;
  esac
done
[ -f "$jar" ] || { echo "expected the examples jar at $jar; build it with: mvn -B -o -q -pl examples -am package -DskipTests" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
torch_threads() { [ "$1" = mlp ] && echo 1 || echo 2; }

for r in $(seq 1 "$rounds"); do
  for m in ${models//,/ }; do
    echo "round $r, $m: orrery (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    java -Xmx3g -jar "$jar" core-bench --model "$m" --epochs "$epochs" 2>/dev/null \
      | sed -n 's/^epoch [0-9]*: \([0-9.]*\) s.*/\1/p' >> "$out/orrery-$m"
    t=$(torch_threads "$m")
    echo "round $r, $m: pytorch, $t thread(s) (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t /usr/bin/python3 "$here/pytorch_$m.py" --threads "$t" \
        --epochs $((epochs + 1)) 2>/dev/null \
      | sed -n 's/^epoch [0-9]*: \([0-9.]*\) s.*/\1/p' | tail -n +2 >> "$out/pytorch-$m"
  done
done

stats() { sort -n "$1" | awk '{v[NR]=$1} END {printf "%.2f-%.2f s (median %.2f, %d epochs)", v[1], v[NR], v[int((NR+1)/2)], NR}'; }
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg)," \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}, $rounds rounds"
echo "| model | Orrery core fit, s per epoch | PyTorch 1.13.1, s per epoch | Orrery faster? |"
echo "|---|---|---|---|"
for m in ${models//,/ }; do
  o=$(sort -n "$out/orrery-$m" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  p=$(sort -n "$out/pytorch-$m" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  verdict=$(awk -v o="$o" -v p="$p" 'BEGIN {print (o < p) ? "yes, median " p / o "x" : "no, median " o / p "x slower"}')
  echo "| $m | $(stats "$out/orrery-$m") | $(stats "$out/pytorch-$m") ($(torch_threads "$m") thread(s)) | $verdict |"
done
