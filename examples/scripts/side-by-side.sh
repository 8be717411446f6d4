#!/usr/bin/env bash
# Orrery's core `fit` against PyTorch 1.13.1 on the same models, alternately in one window, several rounds, one table.
#
#   examples/scripts/side-by-side.sh [--rounds 3] [--epochs 2] [--warmup 1] [--samples 60000] [--models mlp,convnet]
#
# --samples N makes every "epoch" the first N training samples (a quick figure on a busy machine: scale by 60000 / N).
#
# Each run's timed epochs also go to stderr when the run ends, so a stopped invocation still leaves the finished runs'
# figures (its table is printed only at the end).
# Each timed epoch gives its wall time and its process's CPU time (all threads): on a machine shared with other work
# the wall time mostly says how often the scheduler ran each system, the CPU time what the epoch cost.
# Each round runs, per model, Orrery's `core-bench` (--warmup untimed epochs, then --epochs timed ones) and then
# PyTorch's script (the same: its first --warmup epochs dropped); running them one after the other, round after round,
# makes both see the same load. Settings are each system's best measured on 2 cores: Orrery with its defaults (layers
# split batches over Java threads, one BLAS thread per part); PyTorch with 1 thread for the MLP and 2 for the convnet
# (FIELD-NOTES.md). Both run under the environment's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, printed with the table; where
# OPENBLAS_CORETYPE is unset on an AVX-512 CPU, Orrery's launcher sets it for itself (SKYLAKEX or COOPERLAKE, the kernels
# PyTorch's newer OpenBLAS picks there; core-bench prints what its OpenBLAS ran with).
# Needs the examples jar (mvn -B -o -q -pl examples -am package -DskipTests) and /usr/bin/python3 with torch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="${ORRERY_JAR:-$here/../target/orrery-examples.jar}"
# ORRERY_CP (a classpath) runs Orrery from compiled classes instead of the jar, e.g. core/target/classes:<the jar>
if [ -n "${ORRERY_CP:-}" ]; then orrery=(java -Xmx3g -cp "$ORRERY_CP" io.orrery.examples.OrreryCli); else orrery=(java -Xmx3g -jar "$jar"); fi
rounds=3 epochs=2 warmup=1 samples=60000 models=mlp,convnet
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    *) echo "unknown argument $1; expected --rounds N, --epochs N, --warmup N, --samples N or --models mlp,convnet" >&2; exit 2 ;;
  esac
done
[ -n "${ORRERY_CP:-}" ] || [ -f "$jar" ] || { echo "expected the examples jar at $jar; build it with: mvn -B -o -q -pl examples -am package -DskipTests" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
torch_threads() { [ "$1" = mlp ] && echo 1 || echo 2; }

# one line per timed epoch: wall seconds, then the process's CPU seconds (all its threads)
epochs_of() { sed -n 's/^epoch [0-9]*: \([0-9.]*\) s.*cpu \([0-9.]*\) s.*/\1 \2/p'; }
for r in $(seq 1 "$rounds"); do
  for m in ${models//,/ }; do
    echo "round $r, $m: orrery (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    "${orrery[@]}" core-bench --model "$m" --epochs "$epochs" --warmup-epochs "$warmup" --samples "$samples" --no-breakdown 2>/dev/null \
      | epochs_of | tee -a "$out/orrery-$m" | sed "s/^/  orrery $m epoch (wall s, cpu s): /" >&2
    t=$(torch_threads "$m")
    echo "round $r, $m: pytorch, $t thread(s) (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t /usr/bin/python3 "$here/pytorch_$m.py" --threads "$t" --samples "$samples" \
        --epochs $((epochs + warmup)) 2>/dev/null | epochs_of | tail -n +$((warmup + 1)) | tee -a "$out/pytorch-$m" \
        | sed "s/^/  pytorch $m epoch (wall s, cpu s): /" >&2
  done
done

# column 1 (wall) or 2 (CPU) of a file: "min-max s (median m)"
stats() { cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR]=$1} END {printf "%.2f-%.2f (median %.2f)", v[1], v[NR], v[int((NR+1)/2)]}'; }
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
verdict() { awk -v o="$1" -v p="$2" 'BEGIN {printf (o < p) ? "yes (%.2fx)" : "no (%.2fx slower)", (o < p) ? p / o : o / p}'; }
unset_coretype="unset (Orrery's launcher sets it on AVX-512 CPUs)"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)," \
     "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$unset_coretype}" \
     "OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}, $rounds round(s) of $epochs epoch(s) of $samples samples"
echo "| model | Orrery wall s/epoch | PyTorch wall s/epoch | Orrery CPU s/epoch | PyTorch CPU s/epoch | Orrery faster (wall) | Orrery cheaper (CPU) |"
echo "|---|---|---|---|---|---|---|"
for m in ${models//,/ }; do
  o="$out/orrery-$m" p="$out/pytorch-$m"
  echo "| $m (PyTorch $(torch_threads "$m") thread(s)) | $(stats "$o" 1) | $(stats "$p" 1) | $(stats "$o" 2) | $(stats "$p" 2)" \
       "| $(verdict "$(median "$o" 1)" "$(median "$p" 1)") | $(verdict "$(median "$o" 2)" "$(median "$p" 2)") |"
done
