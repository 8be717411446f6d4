#!/usr/bin/env bash
# GPU discovery script for Spark's resource scheduling
# (spark.executor.resource.gpu.discoveryScript / spark.worker.resource.gpu.discoveryScript).
#
# Prints the GPUs this host has, in the JSON Spark expects, e.g.
#   {"name": "gpu", "addresses": ["0","1","2","3"]}
# The addresses are nvidia-smi's GPU indices; Spark hands one to each task (spark.task.resource.gpu.amount=1)
# and the Orrery task binds ND4J's CUDA backend to that device.
#
# Exits non-zero with a message on stderr when nvidia-smi is missing, fails, or lists no GPU: Spark then
# refuses to start the executor with that message in its log, instead of scheduling tasks onto no GPU.
set -euo pipefail

if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "gpu-discovery: nvidia-smi not found on $(hostname) (PATH=$PATH). This host has no NVIDIA driver installed, or it is not on PATH; install the driver or run without --gpus-per-executor." >&2
  exit 1
fi
if ! out="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery: nvidia-smi failed on $(hostname): $out" >&2
  exit 1
fi
addresses=()
while IFS= read -r line; do
  line="${line//[[:space:]]/}"
  [[ "$line" =~ ^[0-9]+$ ]] && addresses+=("\"$line\"")
done <<< "$out"
if [[ ${#addresses[@]} -eq 0 ]]; then
  echo "gpu-discovery: nvidia-smi on $(hostname) lists no GPU (output: '$out'). Expected at least one; check the driver and the container's device mounts (nvidia.com/gpu on Kubernetes)." >&2
  exit 1
fi
( IFS=,; echo "{\"name\": \"gpu\", \"addresses\": [${addresses[*]}]}" )
