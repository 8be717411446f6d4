# Shared helpers for the deploy/ scripts. Sourced, not run; expects REPO_DIR to be set.

die() { echo "error: $*" >&2; exit 1; }

# The Java 17 module flags Spark, ND4J and Aeron need, read from the parent pom's orrery.jvm.opens property
# so that the scripts and the build can never disagree.
JAVA_MODULE_FLAGS="$(sed -n 's:.*<orrery.jvm.opens>\(.*\)</orrery.jvm.opens>.*:\1:p' "$REPO_DIR/pom.xml")"
[[ -n "$JAVA_MODULE_FLAGS" ]] || { echo "error: property orrery.jvm.opens not found in $REPO_DIR/pom.xml" >&2; exit 1; }

# Property value from the parent pom (e.g. spark.version).
pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$REPO_DIR/pom.xml" | head -1; }

# Sets JAVA to a Java 17+ binary or stops with what was found.
find_java() {
  if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="$(command -v java || true)"; fi
  [[ -x "$JAVA" ]] || die "no java found (JAVA_HOME='${JAVA_HOME:-}', PATH has none). Install a JDK 17 or set JAVA_HOME."
  local v
  v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [[ "${v:-0}" -ge 17 ]] || die "Java 17 or newer needed, found version '${v}' at $JAVA. Set JAVA_HOME to a JDK 17."
}

# Prints a Spark home: SPARK_HOME when set (checked), otherwise one assembled from Maven-resolved jars.
resolve_spark_home() {
  if [[ -n "${SPARK_HOME:-}" ]]; then
    [[ -d "$SPARK_HOME/jars" ]] || die "SPARK_HOME=$SPARK_HOME has no jars/ directory; point it at a Spark 3.5.x (Scala 2.12) install or unset it to let Maven assemble one."
    ls "$SPARK_HOME"/jars/spark-core_2.12-*.jar > /dev/null 2>&1 \
      || die "SPARK_HOME=$SPARK_HOME/jars has no spark-core_2.12 jar; Orrery needs a Scala 2.12 build of Spark 3.5.x."
    echo "$SPARK_HOME"; return
  fi
  local version home stamp
  version="$(pom_property spark.version)"
  home="${ORRERY_SPARK_HOME:-$HOME/.orrery/spark-$version}"
  # The stamp records which pom assembled jars/: a folder made by an older pom is brought up to date rather than
  # trusted. The one known stale jar is removed first: an SLF4J 1.x API (let in by an older pom) that made every
  # process of the cluster drop its log lines. Nothing else is deleted, in case the folder is a user's own.
  stamp="$(cksum < "$REPO_DIR/deploy/spark-home/pom.xml" | cut -d' ' -f1)-$version"
  if ! ls "$home"/jars/spark-core_2.12-"$version".jar > /dev/null 2>&1 \
      || [[ "$(cat "$home/.assembled-by" 2>/dev/null)" != "$stamp" ]]; then
    command -v mvn > /dev/null || die "SPARK_HOME is not set and mvn is not on PATH to assemble Spark $version; install Maven 3.8+ or set SPARK_HOME."
    echo "assembling Spark $version jars into $home/jars with Maven (once)..." >&2
    mkdir -p "$home/jars"
    rm -f "$home"/jars/slf4j-api-1.*.jar
    # Offline first and silently: on a machine that built Orrery every Spark jar is usually in ~/.m2 already.
    # When one is missing, Maven's offline error is expected, not a failure, so it is kept out of sight and the
    # jars are fetched from Maven Central; only a failure of that second attempt is shown.
    if ! mvn -q -B -o -f "$REPO_DIR/deploy/spark-home/pom.xml" -Dspark.version="$version" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$home/jars" > /dev/null 2>&1; then
      echo "some Spark jars are not in the local Maven repository yet; downloading them from Maven Central..." >&2
      mvn -q -B -f "$REPO_DIR/deploy/spark-home/pom.xml" -Dspark.version="$version" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$home/jars" >&2 \
        || die "Maven could not assemble Spark $version into $home/jars (see the output above; check the network or the proxy settings in ~/.m2/settings.xml)."
    fi
    if ls "$home"/jars/slf4j-api-1.*.jar > /dev/null 2>&1; then
      die "$home/jars holds an SLF4J 1.x API ($(cd "$home/jars" && ls slf4j-api-1.*.jar)); Spark 3.5 logs through SLF4J 2, so no log line would be written. deploy/spark-home/pom.xml should pin slf4j-api 2.x."
    fi
    echo "$stamp" > "$home/.assembled-by"
  fi
  echo "$home"
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every half second until it succeeds or time runs out.
wait_for() {
  local what="$1" secs="$2"; shift 2
  local i
  for ((i = 0; i < secs * 2; i++)); do
    "$@" && return 0
    sleep 0.5
  done
  echo "timed out after ${secs}s waiting for $what" >&2
  return 1
}
