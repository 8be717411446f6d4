#!/usr/bin/env bash
# Runs the DL4J baseline in its own JVM with its own dependency set (ND4J 1.0.0-M2, Spark 3.1.2, Aeron 1.32).
#   bench-dl4j/run.sh --trainer parameter-averaging|shared-training --workers N --epochs E [--data DIR]
#                     [--master local-cluster[N,1,MB]]
# Compiles on first use (Maven, offline when possible), then starts java with the Java 17 module flags.
# The last stdout line starting with ORRERY_BENCH_ROW is the run's result row.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CP_FILE="$DIR/target/classpath.txt"
if [[ ! -f "$CP_FILE" || ! -d "$DIR/target/classes/io" || "$DIR/pom.xml" -nt "$CP_FILE" \
      || -n "$(find "$DIR/src" -newer "$CP_FILE" -name '*.java' 2>/dev/null | head -1)" ]]; then
  echo "building bench-dl4j (once)..." >&2
  mvn -q -B -o -f "$DIR/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >&2 \
    || mvn -q -B -f "$DIR/pom.xml" compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >&2
fi
# A Spark home for local-cluster runs: executor JVMs get SPARK_HOME/jars/* on their classpath, so it links every jar
# of the baseline's own dependency set (its Spark 3.1.2, DL4J, ND4J), built alongside the classpath file.
SPARK_HOME_DIR="$DIR/target/spark-home"
if [[ ! -d "$SPARK_HOME_DIR/jars" || "$CP_FILE" -nt "$SPARK_HOME_DIR/jars" ]]; then
  rm -rf "$SPARK_HOME_DIR"; mkdir -p "$SPARK_HOME_DIR/jars"
  tr ':' '\n' < "$CP_FILE" | while read -r jar; do [[ -n "$jar" ]] && ln -s "$jar" "$SPARK_HOME_DIR/jars/"; done
fi
export SPARK_HOME="$SPARK_HOME_DIR" SPARK_SCALA_VERSION=2.12
OPENS="$(sed -n 's:.*<jvm.opens>\(.*\)</jvm.opens>.*:\1:p' "$DIR/pom.xml")"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec java ${DL4J_JAVA_OPTS:--Xmx4g} $OPENS -Ddl4j.jvm.opens="$OPENS" -Dio.netty.tryReflectionSetAccessible=true \
  -Daeron.publication.unblock.timeout=60000000000 \
  -cp "$DIR/target/classes:$(cat "$CP_FILE")" io.orrery.benchdl4j.Dl4jBaseline "$@"
