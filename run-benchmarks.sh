#!/usr/bin/env bash
# Throughput benchmark of the streams topology against a bare Kafka Streams windowed count, on a
# real broker in its own JVM. Not a test: ./run-tests.sh never runs it. See benchmarks/README.md.
#
#   ./run-benchmarks.sh                      # 1,000,000 events, 3 runs of each app (medians)
#   EVENTS=20000 RUNS=1 ./run-benchmarks.sh  # a quick check
#   PROFILE=1 ./run-benchmarks.sh            # + JFR profile of the first flowpulse run: benchmarks/target/flowpulse.jfr
#   BENCH=sink ./run-benchmarks.sh           # only the sink scrape benchmark (BENCH=topology: only the topology; default all)
#   FRESHNESS_SECONDS=0 ./run-benchmarks.sh  # without the freshness run (1,000 events/s for 60 s, p50/p99)
#
# Writes benchmarks/RESULTS.md (the sink scrape section between its markers first, with BENCH=all|sink);
# the last line printed is
#   topology: flowpulse=<N> events/s bare=<M> events/s ratio=<R>
# LOAD_NOTE="..." adds a sentence about other load on the machine to RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")"

java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${java_major:-0}" -lt 17 ]; then
  echo "run-benchmarks.sh needs Java 17 or newer (found ${java_major:-none})" >&2
  exit 2
fi

echo "Building the benchmark module..." >&2
mvn -B -ntp -q -DskipTests package -pl benchmarks -am >&2

command="./run-benchmarks.sh"
for var in PROFILE APPS SEED FRESHNESS_RATE FRESHNESS_SECONDS RUNS EVENTS SERIES SCRAPES; do
  if [ -n "${!var:-}" ]; then command="$var=${!var} $command"; fi
done
GIT_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
export GIT_COMMIT

bench=${BENCH:-all}
case "$bench" in all|sink|topology) ;; *) echo "BENCH must be all, sink or topology (got '$bench')" >&2; exit 2 ;; esac
if [ "$bench" != topology ]; then
  java -Xmx1g -cp "benchmarks/target/classes:benchmarks/target/lib/*" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.dev.flowpulse.benchmarks=info \
    dev.flowpulse.benchmarks.sink.SinkScrapeBenchmark benchmarks "BENCH=$bench $command"
  if [ "$bench" = sink ]; then exit 0; fi
fi

exec java -Xmx256m -cp "benchmarks/target/classes:benchmarks/target/lib/*" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.dev.flowpulse.benchmarks=info \
  dev.flowpulse.benchmarks.BenchmarkRunner benchmarks "$command"
