#!/usr/bin/env bash
# Every workload in priority order against the bench devstack (bench/stack.sh up first), reports to bench/reports/.
# The gateway is profiled with async-profiler (bench/profile.sh, --profile) during B1 at 5,000 subscribers.
# Usage: bench/run-all.sh [short]   ("short": 30 s windows for the secondary runs)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
B="$JAVA_HOME/bin/java -jar bench/target/bench.jar"
H="--home=bench/target/parley"
D=60; [ "${1:-}" = "short" ] && D=30
run() { echo "=== $(date -u +%T) $*"; "$@" 2>&1 | tee -a bench/target/run-all.log | grep -v -e '^WARNING' -e '^SEVERE' -e 'ConnectionBase' | grep -E '^[0-9]{2}:|report:|^\| \*\*|Exception|error' ; }

# Warm-up, not reported: on 2 cores the freshly started JVMs' JIT takes minutes of load to settle (a cold gateway
# spent 20-33 % of its samples in C2, and rooms-service twice the CPU per post), so every measured run sees warm code.
run $B b1 $H --duration=60 --reports=bench/target/warm-up
run $B b2 $H --duration=60 --reports=bench/target/warm-up
run $B b1 $H --reference
run $B b2 $H --reference --duration=$D
run $B b1 $H --subscribers=5000 --profile=30
run $B b1 $H --direct --duration=$D
run $B b1 $H --rate=100 --duration=$D --pin-gateway=0 --label=b1-saturation-1000subs-100pps
run $B b6 $H
run $B b5 $H --duration=$D
run $B b4 $H --duration=$D
run $B b3 $H        # last: at the open-file limit the gateway may fall over
echo "=== $(date -u +%T) done"
