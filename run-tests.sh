#!/usr/bin/env bash
# Runs every test: unit and topology tests (surefire), then the tests against real parts
# (failsafe): an in-process Kafka broker, Debian's promtool, the end-to-end pipeline.
# Installs the Debian packages the tests use when they are missing.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
if ((${#missing[@]})); then
  echo "Installing test tools: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

exec mvn -B -ntp verify "$@"
