#!/usr/bin/env bash
# A real Spark standalone cluster on this machine: one master and N workers, all on 127.0.0.1.
#
#   deploy/standalone.sh start N     start a master and N workers (N >= 1), wait until all N registered
#   deploy/standalone.sh status      list this script's processes and the workers the master sees
#   deploy/standalone.sh stop        stop the processes this script started (and nothing else)
#   deploy/standalone.sh home        print the Spark home it uses (assembling it once); bench --paths cluster uses it
#
# Spark comes from SPARK_HOME when it is set (an installed Spark 3.5.x, Scala 2.12). Otherwise the script
# assembles a Spark home of its own: Maven copies the Spark jars the trainer is built against into
# $ORRERY_SPARK_HOME/jars (no download beyond Maven Central). The standalone Master and Worker are plain
# JVM main classes, so they are started with java directly; this avoids needing Spark's sbin/ scripts.
#
# Settings (environment):
#   ORRERY_STATE_DIR       pid files, logs and worker dirs      (default: ~/.orrery/standalone)
#   ORRERY_SPARK_HOME      where to assemble Spark if needed    (default: ~/.orrery/spark-<version>)
#   SPARK_MASTER_PORT      master RPC port                      (default: 7077)
#   SPARK_MASTER_WEBUI_PORT master web UI port                  (default: 8080)
#   SPARK_WORKER_WEBUI_PORT first worker's web UI port; worker i uses this + i - 1 (default: 8081)
#   SPARK_WORKER_CORES     cores offered by each worker         (default: 1)
#   SPARK_WORKER_MEMORY    memory offered by each worker        (default: 2g)
#   JAVA_HOME              Java 17 to run the daemons           (default: java on PATH)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=deploy/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

STATE_DIR="${ORRERY_STATE_DIR:-$HOME/.orrery/standalone}"
MASTER_PORT="${SPARK_MASTER_PORT:-7077}"
MASTER_WEBUI_PORT="${SPARK_MASTER_WEBUI_PORT:-8080}"
WORKER_WEBUI_PORT="${SPARK_WORKER_WEBUI_PORT:-8081}"
WORKER_CORES="${SPARK_WORKER_CORES:-1}"
WORKER_MEMORY="${SPARK_WORKER_MEMORY:-2g}"
HOST=127.0.0.1
MASTER_URL="spark://$HOST:$MASTER_PORT"

usage() {
  cat >&2 <<EOF
usage: $0 start N | stop | status | home
  start N   start a Spark standalone master on $MASTER_URL and N workers (loopback only)
  stop      stop the master and workers started from state dir $STATE_DIR
  status    show them and the workers registered at the master
  home      print the Spark home the cluster runs from (assembled from Maven once when SPARK_HOME is unset)
EOF
  exit 2
}

# Is the pid in $1 alive and still running the Spark class $2? Checking the command line guards
# against a recycled pid: stop must never signal a process this script did not start.
is_ours() {
  local pid="$1" cls="$2"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$cls" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "-Dorrery.standalone.state=$STATE_DIR" || return 1
}

pid_files() { ls "$STATE_DIR"/pids/*.pid 2>/dev/null || true; }

class_of() {
  case "$(basename "$1")" in
    master.pid) echo org.apache.spark.deploy.master.Master ;;
    *) echo org.apache.spark.deploy.worker.Worker ;;
  esac
}

# Starts one daemon in the background, detached from this shell, and records its pid.
launch() {
  local name="$1"; shift
  local cls="$1"; shift
  local log="$STATE_DIR/logs/$name.log"
  # shellcheck disable=SC2086
  SPARK_HOME="$SPARK_HOME_RESOLVED" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=$HOST \
  SPARK_WORKER_DIR="$STATE_DIR/work" OMP_WAIT_POLICY=PASSIVE \
    nohup "$JAVA" -Xmx512m $JAVA_MODULE_FLAGS \
      -Dorrery.standalone.state="$STATE_DIR" \
      -cp "$SPARK_HOME_RESOLVED/jars/*" "$cls" "$@" > "$log" 2>&1 < /dev/null &
  echo $! > "$STATE_DIR/pids/$name.pid"
}

# Counts workers in state ALIVE from the master's JSON endpoint.
alive_workers() {
  curl -s --max-time 2 "http://$HOST:$MASTER_WEBUI_PORT/json/" 2>/dev/null \
    | grep -o '"state" *: *"ALIVE"' | wc -l || true
}

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

cmd_start() {
  local n="${1:-}"
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "start needs a worker count N >= 1, got '${n}'. Example: $0 start 2"
  for f in $(pid_files); do
    if is_ours "$(cat "$f")" "$(class_of "$f")"; then
      die "a cluster from $STATE_DIR is already running (pid file $f). Run '$0 stop' first, or set ORRERY_STATE_DIR for a second cluster."
    fi
  done
  port_busy "$MASTER_PORT" && die "port $MASTER_PORT on $HOST is already in use by another process; set SPARK_MASTER_PORT to a free port."
  port_busy "$MASTER_WEBUI_PORT" && die "port $MASTER_WEBUI_PORT on $HOST is in use; set SPARK_MASTER_WEBUI_PORT to a free port."

  find_java
  SPARK_HOME_RESOLVED="$(resolve_spark_home)"
  rm -rf "$STATE_DIR/pids"
  mkdir -p "$STATE_DIR/pids" "$STATE_DIR/logs" "$STATE_DIR/work"

  launch master org.apache.spark.deploy.master.Master \
    --host "$HOST" --port "$MASTER_PORT" --webui-port "$MASTER_WEBUI_PORT"
  wait_for "master on $MASTER_URL" 60 port_busy "$MASTER_PORT" \
    || die "master did not open $MASTER_URL within 60 s; see $STATE_DIR/logs/master.log"

  local i
  for ((i = 1; i <= n; i++)); do
    mkdir -p "$STATE_DIR/work/worker-$i"
    launch "worker-$i" org.apache.spark.deploy.worker.Worker \
      --host "$HOST" --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" \
      --webui-port "$((WORKER_WEBUI_PORT + i - 1))" --work-dir "$STATE_DIR/work/worker-$i" \
      "$MASTER_URL"
  done
  # shellcheck disable=SC2317
  all_registered() { [[ "$(alive_workers)" -ge "$n" ]]; }
  wait_for "$n worker(s) to register" 90 all_registered \
    || die "only $(alive_workers) of $n workers registered within 90 s; see $STATE_DIR/logs/worker-*.log ('$0 stop' cleans up)"
  echo "Spark standalone cluster up: master $MASTER_URL (UI http://$HOST:$MASTER_WEBUI_PORT), $n worker(s) x $WORKER_CORES core(s), $WORKER_MEMORY"
  echo "SPARK_HOME=$SPARK_HOME_RESOLVED   state: $STATE_DIR"
}

cmd_status() {
  local any=0 f pid
  for f in $(pid_files); do
    pid="$(cat "$f")"
    if is_ours "$pid" "$(class_of "$f")"; then
      echo "$(basename "$f" .pid): running (pid $pid)"; any=1
    else
      echo "$(basename "$f" .pid): not running (stale pid $pid)"
    fi
  done
  if [[ $any -eq 0 ]]; then
    echo "no cluster running from $STATE_DIR"
    return 3
  fi
  echo "master $MASTER_URL reports $(alive_workers) ALIVE worker(s)"
}

cmd_stop() {
  local f pid cls stopped=0
  # Workers first, so the master does not log them as lost; a worker kills its executors on SIGTERM.
  for f in $(ls "$STATE_DIR"/pids/worker-*.pid 2>/dev/null) $(ls "$STATE_DIR"/pids/master.pid 2>/dev/null); do
    pid="$(cat "$f")"; cls="$(class_of "$f")"
    if is_ours "$pid" "$cls"; then
      kill "$pid"
      local t
      for ((t = 0; t < 30; t++)); do is_ours "$pid" "$cls" || break; sleep 0.5; done
      if is_ours "$pid" "$cls"; then
        echo "$(basename "$f" .pid) (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL" >&2
        kill -9 "$pid"
      fi
      echo "stopped $(basename "$f" .pid) (pid $pid)"; stopped=$((stopped + 1))
    fi
    rm -f "$f"
  done
  [[ $stopped -gt 0 ]] || echo "nothing to stop in $STATE_DIR"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  home) resolve_spark_home ;;
  *) usage ;;
esac
