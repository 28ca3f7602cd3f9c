#!/usr/bin/env bash
# Builds flowpulse and runs the whole pipeline in one process: an embedded Kafka broker (unless
# KAFKA_BOOTSTRAP_SERVERS is set), the Prefect simulator (unless PREFECT_API_URL is set), ingest,
# streams and sink. Prints the /metrics URL when the pipeline is up; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -ntp -DskipTests package
exec java -XX:+UseSerialGC -Xmx768m -jar local/target/flowpulse-local.jar
