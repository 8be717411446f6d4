#!/usr/bin/env bash
# A multi-host test bed on one machine: "hosts" that are Linux network namespaces, each with its own address and
# interface, joined by veth pairs to one bridge, running a Spark standalone master and workers.
#
#   deploy/testbed.sh up N [--rate 1gbit] [--mtu 1500] [--driver-host]
#                                                        N worker hosts plus a master host (needs root)
#   deploy/testbed.sh status                             what of the test bed exists now
#   deploy/testbed.sh down                               remove everything it made (idempotent)
#
# Layout (SUBNET=10.77.0 by default):
#   bridge $PREFIX-br        SUBNET.1/24 in the root namespace: run the Spark driver here, with
#                            --conf spark.driver.host=SUBNET.1 --conf spark.driver.bindAddress=SUBNET.1
#   namespace $PREFIX-h0     SUBNET.10, the Spark master on spark://SUBNET.10:7077 (web UI :8080)
#   namespace $PREFIX-hI     SUBNET.(10+I) for I = 1..N, one Spark worker each (web UI :8081)
#   namespace $PREFIX-d      SUBNET.2, with --driver-host only: a host for the driver whose link is capped like the
#                            workers' (run it with "ip netns exec $PREFIX-d ..."); without it the driver's sends are
#                            capped per worker port and what it receives not at all, unlike a real driver's one NIC
# Each namespace's eth0 is one end of a veth pair whose other end ($PREFIX-vI) is a port of the bridge. Both ends
# get the MTU (default 1500, so the NIC choice, bind addresses and MTU are those of a real Ethernet) and, with
# --rate, a tbf qdisc on each end, capping what a host sends and what it receives. The namespaces have no default
# route and nothing is forwarded off the bridge: traffic stays inside the test bed. (netem is not in every kernel
# and there is no iptables here; for packet loss use Aeron's loss generators instead.)
#
# Spark comes from SPARK_HOME or is assembled as deploy/standalone.sh does (Maven copies the jars; no download).
# Teardown removes only what this script made: namespaces and links named $PREFIX-*, and processes it started
# (pid files) or that run inside its namespaces (executors the workers launched). A failed "up" tears down too.
#
# Settings (environment):
#   ORRERY_TESTBED_PREFIX   name prefix of namespaces and links, at most 8 characters (default: orrtb)
#   ORRERY_TESTBED_SUBNET   first three octets of the test bed's /24                    (default: 10.77.0)
#   ORRERY_TESTBED_STATE    pid files, logs, worker directories          (default: ~/.orrery/testbed)
#   SPARK_WORKER_CORES      cores offered by each worker                                  (default: 1)
#   SPARK_WORKER_MEMORY     memory offered by each worker                                 (default: 2g)
#   SPARK_HOME, ORRERY_SPARK_HOME, JAVA_HOME as for deploy/standalone.sh
set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=deploy/lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"

PREFIX="${ORRERY_TESTBED_PREFIX:-orrtb}"
SUBNET="${ORRERY_TESTBED_SUBNET:-10.77.0}"
STATE_DIR="${ORRERY_TESTBED_STATE:-$HOME/.orrery/testbed}"
WORKER_CORES="${SPARK_WORKER_CORES:-1}"
WORKER_MEMORY="${SPARK_WORKER_MEMORY:-2g}"
MASTER_ADDR="$SUBNET.10"
MASTER_URL="spark://$MASTER_ADDR:7077"
BRIDGE="$PREFIX-br"

usage() {
  cat >&2 <<EOF
usage: $0 up N [--rate RATE] [--mtu MTU] [--driver-host] | status | down
  up N      N worker hosts and a master host as network namespaces on bridge $BRIDGE ($SUBNET.0/24);
            --rate caps each host's link with tbf (e.g. 1gbit, 10gbit, 400mbit), --mtu sets its MTU (default 1500),
            --driver-host adds a host $PREFIX-d ($SUBNET.2) for the Spark driver, its link capped like the others
  status    namespaces, links and processes of the test bed
  down      remove them all (only what this script made)
EOF
  exit 2
}

[[ "${#PREFIX}" -le 8 && "$PREFIX" =~ ^[a-z][a-z0-9]*$ ]] \
  || die "ORRERY_TESTBED_PREFIX must be 1-8 lower-case letters/digits (interface names are at most 15 characters), got '$PREFIX'"
[[ "$SUBNET" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "ORRERY_TESTBED_SUBNET must be three octets such as 10.77.0, got '$SUBNET'"

need_root() {
  [[ "$(id -u)" -eq 0 ]] || die "the test bed needs root to create network namespaces (ip netns add); run as root, or skip it"
  command -v ip > /dev/null || die "the 'ip' command (iproute2) is missing; install iproute2"
}

our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$PREFIX-(h[0-9]+|d)$" || true; }
our_links() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^$PREFIX-(br|v[0-9]+|vd)$" || true; }

# Is pid $1 alive and started by this script for this state dir? Guards against a recycled pid.
is_ours() {
  local pid="$1"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "-Dorrery.testbed.state=$STATE_DIR"
}

# Bits per second of a tc-style rate (1gbit, 400mbit, 100kbit, 5000000bit); fails on anything else.
rate_bits() {
  local r="${1,,}" n unit
  [[ "$r" =~ ^([0-9]+)(gbit|mbit|kbit|bit)$ ]] || return 1
  n="${BASH_REMATCH[1]}"; unit="${BASH_REMATCH[2]}"
  case "$unit" in
    gbit) echo $((n * 1000000000)) ;;
    mbit) echo $((n * 1000000)) ;;
    kbit) echo $((n * 1000)) ;;
    bit) echo "$n" ;;
  esac
}

# tbf on one interface: burst of 4 ms at the rate (at least 128 KiB, so GSO segments and a timer tick fit), and a
# queue of up to 50 ms before drops.
cap_rate() {
  local dev="$1" rate="$2" ns="${3:-}" bits burst
  bits="$(rate_bits "$rate")"
  burst=$((bits / 8 / 250))
  [[ "$burst" -ge 131072 ]] || burst=131072
  if [[ -n "$ns" ]]; then
    ip -n "$ns" link set "$dev" up
    tc -n "$ns" qdisc replace dev "$dev" root tbf rate "$rate" burst "$burst" latency 50ms
  else
    tc qdisc replace dev "$dev" root tbf rate "$rate" burst "$burst" latency 50ms
  fi
}

# One host: namespace $1 whose eth0 (address $3) is the peer of bridge port $2, MTU $4, rate cap $5 (or none).
add_host() {
  local ns="$1" port="$2" addr="$3" mtu="$4" rate="$5"
  ip netns add "$ns"
  ip link add "$port" mtu "$mtu" type veth peer name eth0 mtu "$mtu" netns "$ns"
  ip link set "$port" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  if [[ -n "$rate" ]]; then
    cap_rate "$port" "$rate"
    cap_rate eth0 "$rate" "$ns"
  fi
}

# Starts a Spark daemon inside namespace $1 with address $2, detached, and records its pid. "ip netns exec"
# and env exec in place, so $! is the JVM's pid.
launch() {
  local ns="$1" addr="$2" name="$3" cls="$4"; shift 4
  local log="$STATE_DIR/logs/$name.log"
  # shellcheck disable=SC2086
  nohup ip netns exec "$ns" env SPARK_HOME="$SPARK_HOME_RESOLVED" SPARK_SCALA_VERSION=2.12 \
      SPARK_LOCAL_IP="$addr" SPARK_LOCAL_HOSTNAME="$addr" SPARK_WORKER_DIR="$STATE_DIR/work" OMP_WAIT_POLICY=PASSIVE \
      "$JAVA" -Xmx512m $JAVA_MODULE_FLAGS -Dorrery.testbed.state="$STATE_DIR" \
      -cp "$SPARK_HOME_RESOLVED/jars/*" "$cls" "$@" > "$log" 2>&1 < /dev/null &
  echo $! > "$STATE_DIR/pids/$name.pid"
}

alive_workers() {
  curl -s --max-time 2 "http://$MASTER_ADDR:8080/json/" 2>/dev/null | grep -o '"state" *: *"ALIVE"' | wc -l || true
}
master_up() { (exec 3<>"/dev/tcp/$MASTER_ADDR/7077") 2>/dev/null; }

cmd_up() {
  local n="${1:-}"; shift || true
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "up needs a worker count N >= 1, got '${n}'. Example: $0 up 2 --rate 1gbit"
  local rate="" mtu=1500 driver_host=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --rate) rate="${2:-}"; shift 2 || die "--rate needs a value such as 1gbit"
              rate_bits "$rate" > /dev/null || die "--rate expects a tc rate such as 1gbit, 10gbit or 400mbit, got '$rate'" ;;
      --mtu) mtu="${2:-}"; shift 2 || die "--mtu needs a value such as 1500"
             [[ "$mtu" =~ ^[0-9]+$ && "$mtu" -ge 576 && "$mtu" -le 65535 ]] || die "--mtu expects 576..65535, got '$mtu'" ;;
      --driver-host) driver_host=1; shift ;;
      *) die "unknown option '$1' for up; expected --rate RATE, --mtu MTU or --driver-host" ;;
    esac
  done
  [[ "$n" -le 200 ]] || die "at most 200 worker hosts fit the /24 (got $n)"
  need_root
  [[ -z "$(our_namespaces)$(our_links)" ]] \
    || die "a test bed named $PREFIX is already up ($(our_namespaces | tr '\n' ' ')$(our_links | tr '\n' ' ')); run '$0 down' first or set ORRERY_TESTBED_PREFIX"
  if ip -o addr show 2>/dev/null | grep -q " $SUBNET\.[0-9]*/"; then
    die "subnet $SUBNET.0/24 is already used by an interface of this host; set ORRERY_TESTBED_SUBNET to a free one"
  fi
  find_java
  SPARK_HOME_RESOLVED="$(resolve_spark_home)"
  # From here on, any failure removes what was made.
  trap 'echo "testbed: up failed; tearing down" >&2; cmd_down > /dev/null 2>&1 || true' ERR
  trap 'echo "testbed: interrupted; tearing down" >&2; cmd_down > /dev/null 2>&1 || true; exit 130' INT TERM
  rm -rf "$STATE_DIR/pids"
  mkdir -p "$STATE_DIR/pids" "$STATE_DIR/logs" "$STATE_DIR/work"

  ip link add "$BRIDGE" type bridge
  ip link set "$BRIDGE" mtu "$mtu"
  ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local h
  for ((h = 0; h <= n; h++)); do
    add_host "$PREFIX-h$h" "$PREFIX-v$h" "$SUBNET.$((10 + h))" "$mtu" "$rate"
  done
  if [[ $driver_host -eq 1 ]]; then
    add_host "$PREFIX-d" "$PREFIX-vd" "$SUBNET.2" "$mtu" "$rate"
  fi

  launch "$PREFIX-h0" "$MASTER_ADDR" master org.apache.spark.deploy.master.Master \
    --host "$MASTER_ADDR" --port 7077 --webui-port 8080
  wait_for "master on $MASTER_URL" 60 master_up \
    || { echo "see $STATE_DIR/logs/master.log" >&2; false; }
  local i
  for ((i = 1; i <= n; i++)); do
    mkdir -p "$STATE_DIR/work/worker-$i"
    launch "$PREFIX-h$i" "$SUBNET.$((10 + i))" "worker-$i" org.apache.spark.deploy.worker.Worker \
      --host "$SUBNET.$((10 + i))" --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" \
      --webui-port 8081 --work-dir "$STATE_DIR/work/worker-$i" "$MASTER_URL"
  done
  # shellcheck disable=SC2317
  all_registered() { [[ "$(alive_workers)" -ge "$n" ]]; }
  wait_for "$n worker(s) to register" 90 all_registered \
    || { echo "only $(alive_workers) of $n workers registered; see $STATE_DIR/logs/worker-*.log" >&2; false; }
  trap - ERR INT TERM
  echo "test bed up: master $MASTER_URL in $PREFIX-h0, $n worker host(s) $SUBNET.11..$SUBNET.$((10 + n)), mtu $mtu${rate:+, rate $rate per host}"
  if [[ $driver_host -eq 1 ]]; then
    echo "driver host: $PREFIX-d ($SUBNET.2, link as the workers'): run the driver with 'ip netns exec $PREFIX-d ...' and spark.driver.host=$SUBNET.2"
  else
    echo "driver address (root namespace, on $BRIDGE): $SUBNET.1"
  fi
  echo "SPARK_HOME=$SPARK_HOME_RESOLVED   state: $STATE_DIR"
}

# Sends TERM to the pids given, waits up to 15 s, then KILL to whatever is left.
stop_pids() {
  [[ $# -gt 0 ]] || return 0
  kill "$@" 2>/dev/null || true
  local t pid left
  for ((t = 0; t < 30; t++)); do
    left=0
    for pid in "$@"; do [[ -d "/proc/$pid" ]] && left=1; done
    [[ $left -eq 1 ]] || return 0
    sleep 0.5
  done
  kill -9 "$@" 2>/dev/null || true
}

cmd_down() {
  need_root
  local f pid pids=() ns
  # Workers first (a worker kills its executors on SIGTERM), then the master.
  for f in $(ls "$STATE_DIR"/pids/worker-*.pid 2>/dev/null) $(ls "$STATE_DIR"/pids/master.pid 2>/dev/null); do
    pid="$(cat "$f")"
    if is_ours "$pid"; then pids+=("$pid"); fi
  done
  stop_pids "${pids[@]+"${pids[@]}"}"
  # Anything still running inside our namespaces (an executor its worker did not stop) is ours too.
  for ns in $(our_namespaces); do
    # shellcheck disable=SC2046
    stop_pids $(ip netns pids "$ns" 2>/dev/null)
    ip netns del "$ns"
  done
  # The veth ends on the bridge go with their peers; remove whatever is left of our links.
  local link
  for link in $(our_links); do ip link del "$link" 2>/dev/null || true; done
  rm -f "$STATE_DIR"/pids/*.pid 2>/dev/null || true
  echo "test bed $PREFIX down"
}

cmd_status() {
  local any=0 ns f pid
  for ns in $(our_namespaces); do
    any=1
    echo "namespace $ns: $(ip -n "$ns" -o -4 addr show dev eth0 2>/dev/null | awk '{print $4}') $(tc -n "$ns" qdisc show dev eth0 2>/dev/null | grep -o 'rate [^ ]*' || true) processes: $(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
  done
  for f in $(ls "$STATE_DIR"/pids/*.pid 2>/dev/null); do
    pid="$(cat "$f")"
    if is_ours "$pid"; then echo "$(basename "$f" .pid): running (pid $pid)"; else echo "$(basename "$f" .pid): not running"; fi
  done
  if [[ $any -eq 0 && -z "$(our_links)" ]]; then
    echo "no test bed named $PREFIX is up"
    return 3
  fi
  echo "links: $(our_links | tr '\n' ' ')"
  echo "master $MASTER_URL reports $(alive_workers) ALIVE worker(s)"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) usage ;;
esac
