#!/usr/bin/env bash
# spark-submit for Orrery jobs, with the settings an ND4J + Aeron job needs on Java 17.
#
#   deploy/submit.sh [options] [-- application arguments]
#
#   deploy/submit.sh --master spark://127.0.0.1:7077 --executors 2 -- spark-train --workers 2 --epochs 1
#
# Options (all optional):
#   --master URL              Spark master (default: spark://127.0.0.1:7077, the one deploy/standalone.sh starts)
#   --deploy-mode client|cluster  (default: client; the parameter server lives in the driver, so client mode
#                                  keeps it on the submitting host, whose address executors must reach)
#   --executors N             executor count (spark.executor.instances / spark.cores.max) (default: 2)
#   --executor-cores C        task slots per executor (default: 1, or G with --gpus-per-executor G)
#   --executor-memory M       executor JVM heap, Spark syntax (default: 2g)
#   --driver-memory M         driver heap (default: 2g)
#   --gpus-per-executor G     GPUs per executor; one task per GPU; turns on Spark GPU scheduling
#   --params P                model parameter count, for memory sizing (default: 407050, the MNIST MLP)
#   --activations A           activation floats per sample summed over layers (default: 1306 = 784+512+10)
#   --batch-size B            per-worker batch size, for memory sizing (default: 128)
#   --ps-shards S             parameter-server shards, for Aeron buffer sizing (default: 1)
#   --aeron-term-mb T         Aeron term length in MiB (default: 16, Aeron's UDP default)
#   --jar PATH                application jar (default: $ORRERY_JAR or examples/target/orrery-examples-spark-submit.jar,
#                             the jar WITHOUT Spark inside; the fat orrery-examples.jar is for java -jar)
#   --class NAME              main class (default: io.orrery.examples.OrreryCli)
#   --conf K=V                extra Spark setting, repeatable
#   --dry-run                 print the command and the memory arithmetic, run nothing
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=deploy/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

MASTER="spark://127.0.0.1:7077"
DEPLOY_MODE=client
EXECUTORS=2
EXECUTOR_CORES=""
EXECUTOR_MEMORY=2g
DRIVER_MEMORY=2g
GPUS=0
PARAMS=407050
ACTIVATIONS=1306
BATCH=128
SHARDS=1
TERM_MB=16
JAR="${ORRERY_JAR:-$REPO_DIR/examples/target/orrery-examples-spark-submit.jar}"
CLASS=io.orrery.examples.OrreryCli
DRY_RUN=0
EXTRA_CONF=()

need_int() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 expects a whole number, got '$2'"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) MASTER="$2"; shift 2 ;;
    --deploy-mode) DEPLOY_MODE="$2"; shift 2 ;;
    --executors) need_int "$1" "$2"; EXECUTORS="$2"; shift 2 ;;
    --executor-cores) need_int "$1" "$2"; EXECUTOR_CORES="$2"; shift 2 ;;
    --executor-memory) EXECUTOR_MEMORY="$2"; shift 2 ;;
    --driver-memory) DRIVER_MEMORY="$2"; shift 2 ;;
    --gpus-per-executor) need_int "$1" "$2"; GPUS="$2"; shift 2 ;;
    --params) need_int "$1" "$2"; PARAMS="$2"; shift 2 ;;
    --activations) need_int "$1" "$2"; ACTIVATIONS="$2"; shift 2 ;;
    --batch-size) need_int "$1" "$2"; BATCH="$2"; shift 2 ;;
    --ps-shards) need_int "$1" "$2"; SHARDS="$2"; shift 2 ;;
    --aeron-term-mb) need_int "$1" "$2"; TERM_MB="$2"; shift 2 ;;
    --jar) JAR="$2"; shift 2 ;;
    --class) CLASS="$2"; shift 2 ;;
    --conf) EXTRA_CONF+=(--conf "$2"); shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    --) shift; break ;;
    *) die "unknown option '$1'. Put application arguments after '--'; see $0 --help" ;;
  esac
done
APP_ARGS=("$@")

[[ "$EXECUTORS" -ge 1 ]] || die "--executors must be at least 1, got $EXECUTORS"
[[ "$DEPLOY_MODE" == client || "$DEPLOY_MODE" == cluster ]] || die "--deploy-mode expects client or cluster, got '$DEPLOY_MODE'"
if [[ -z "$EXECUTOR_CORES" ]]; then
  if [[ "$GPUS" -gt 0 ]]; then EXECUTOR_CORES="$GPUS"; else EXECUTOR_CORES=1; fi
fi
# Cores per task: spark.task.cpus when given with --conf, else Spark's default of 1.
TASK_CPUS=1
for c in "${EXTRA_CONF[@]+"${EXTRA_CONF[@]}"}"; do
  if [[ "$c" == spark.task.cpus=* ]]; then TASK_CPUS="${c#spark.task.cpus=}"; need_int spark.task.cpus "$TASK_CPUS"; fi
done
# Tasks per executor: one per GPU when GPUs are scheduled (spark.task.resource.gpu.amount=1), else one per core.
TASKS="$EXECUTOR_CORES"
if [[ "$GPUS" -gt 0 ]]; then TASKS="$GPUS"; fi

# ---- spark.executor.memoryOverhead --------------------------------------------------------------------------
# ND4J keeps every tensor off the Java heap (JavaCPP Pointers), and Aeron's log buffers are memory-mapped files.
# Spark's default overhead, max(384 MiB, 10% of the heap), does not see either, and YARN or Kubernetes kill an
# executor whose resident set outgrows heap + overhead. So the overhead is sized from the model and the batch:
#   model  = 4 bytes x params x 4 per task: the flat parameter buffer, the flat gradient buffer, the
#            error-feedback residual of sparse encodings, and one staging buffer for encoding / receiving
#            parameter slices (the optimizer state lives in the parameter server, not the executor).
#   acts   = 4 bytes x batch x activations-per-sample x 3 per task: forward activations kept for backprop,
#            the matching deltas, and ND4J's temporaries of about the same size.
#   aeron  = (1 + shards) log buffers x 3 terms x term length per executor: one publication carrying
#            gradients out and one image per shard carrying parameters back. /dev/shm pages count toward a
#            container's memory limit once touched.
#   base   = 384 MiB per executor: JVM metaspace, thread stacks, Netty's direct buffers, and the OpenBLAS /
#            OpenMP per-thread work buffers.
# The sum is multiplied by 1.5 because ND4J frees off-heap memory only when the garbage collector reclaims the
# Java handles, so the peak exceeds the live set; the ND4J limit below is set to that figure too.
MIB=$((1024 * 1024))
MODEL_B=$((4 * PARAMS * 4))
ACTS_B=$((4 * BATCH * ACTIVATIONS * 3))
AERON_B=$(((1 + SHARDS) * 3 * TERM_MB * MIB))
BASE_B=$((384 * MIB))
OVERHEAD_B=$(((BASE_B + AERON_B + TASKS * (MODEL_B + ACTS_B)) * 3 / 2))
OVERHEAD_MB=$(((OVERHEAD_B + MIB - 1) / MIB))
# ND4J's own ceiling for off-heap bytes (JavaCPP maxbytes): the overhead minus the JVM/Aeron share.
ND4J_MAX_MB=$(((TASKS * (MODEL_B + ACTS_B) * 3 / 2 + 256 * MIB + MIB - 1) / MIB))

MEMORY_NOTE="memoryOverhead=${OVERHEAD_MB}m: base 384 MiB + aeron $((AERON_B / MIB)) MiB + ${TASKS} task(s) x (model $((MODEL_B / MIB)) MiB + activations $((ACTS_B / MIB)) MiB), x1.5"

find_java
SPARK_HOME_RESOLVED="$(resolve_spark_home)"
[[ -f "$JAR" ]] || die "application jar not found: $JAR. Build it with 'mvn -q -B -pl examples -am package -DskipTests' (it is the jar without Spark inside), or pass --jar PATH."
if [[ "$GPUS" -gt 0 ]] && command -v unzip > /dev/null && ! unzip -l "$JAR" 2>/dev/null | grep -q 'org/nd4j/linalg/jcublas/'; then
  die "--gpus-per-executor $GPUS given but $JAR has no ND4J CUDA backend (org/nd4j/linalg/jcublas). Rebuild with -Pcuda: 'mvn -q -B -Pcuda -pl examples -am package -DskipTests'."
fi

EXECUTOR_OPTS="$JAVA_MODULE_FLAGS -Dorg.bytedeco.javacpp.maxbytes=${ND4J_MAX_MB}m -Dio.netty.tryReflectionSetAccessible=true"
CONF=(
  --conf "spark.executor.instances=$EXECUTORS"
  --conf "spark.cores.max=$((EXECUTORS * EXECUTOR_CORES))"
  --conf "spark.executor.cores=$EXECUTOR_CORES"
  --conf "spark.executor.memory=$EXECUTOR_MEMORY"
  --conf "spark.executor.memoryOverhead=${OVERHEAD_MB}m"
  --conf "spark.executor.extraJavaOptions=$EXECUTOR_OPTS"
  --conf "spark.driver.extraJavaOptions=$JAVA_MODULE_FLAGS -Dio.netty.tryReflectionSetAccessible=true"
  # OpenMP and OpenBLAS spin-wait by default and fight each other on shared cores (FIELD-NOTES.md); their pools
  # are sized to the task's cores (spark.task.cpus), not the host's, which other executors share.
  --conf "spark.executorEnv.OMP_WAIT_POLICY=PASSIVE"
  --conf "spark.executorEnv.OMP_NUM_THREADS=$TASK_CPUS"
  --conf "spark.executorEnv.OPENBLAS_NUM_THREADS=$TASK_CPUS"
  # Barrier stages need every task slot at once; do not let Spark's locality wait delay the launch.
  --conf "spark.locality.wait=0s"
)
if [[ "$GPUS" -gt 0 ]]; then
  CONF+=(
    --conf "spark.executor.resource.gpu.amount=$GPUS"
    --conf "spark.task.resource.gpu.amount=1"
    --conf "spark.executor.resource.gpu.discoveryScript=$SCRIPT_DIR/gpu-discovery.sh"
  )
fi

if [[ "$MASTER" == *127.0.0.1* || "$MASTER" == local* ]]; then export SPARK_LOCAL_IP=127.0.0.1; fi
export SPARK_SCALA_VERSION=2.12

if [[ -x "$SPARK_HOME_RESOLVED/bin/spark-submit" ]]; then
  CMD=("$SPARK_HOME_RESOLVED/bin/spark-submit" --driver-memory "$DRIVER_MEMORY")
else
  # A Maven-assembled Spark home has no bin/; SparkSubmit is an ordinary main class in spark-core. In client
  # mode this JVM becomes the driver, so it gets the heap and module flags directly.
  # shellcheck disable=SC2206
  CMD=("$JAVA" "-Xmx$DRIVER_MEMORY" $JAVA_MODULE_FLAGS -Dio.netty.tryReflectionSetAccessible=true
       -cp "$SPARK_HOME_RESOLVED/jars/*" org.apache.spark.deploy.SparkSubmit)
fi
CMD+=(--master "$MASTER" --deploy-mode "$DEPLOY_MODE" --class "$CLASS" "${CONF[@]}" "${EXTRA_CONF[@]}" "$JAR" "${APP_ARGS[@]}")

echo "$MEMORY_NOTE" >&2
if [[ "$DRY_RUN" -eq 1 ]]; then
  printf '%q ' "${CMD[@]}"; echo
  exit 0
fi
SPARK_HOME="$SPARK_HOME_RESOLVED" exec "${CMD[@]}"
