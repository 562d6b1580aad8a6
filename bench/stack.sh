#!/usr/bin/env bash
# The devstack the benchmarks run against: ./parley with its own home (bench/target/parley) and its own ports
# (3808x / 3908x, Kafka 39192, PostgreSQL 35432, issuer 38090), so a developer's stack on the default ports and the
# devstack's own tests are never touched.  Usage: bench/stack.sh up|down|status
# JVM options: the devstack's defaults (-Xmx512m, SerialGC, C1 only) are overridden for the bench by full tiered
# compilation (C2, what production runs); the rooms member limit of tenant `bench` is raised for 5,000-subscriber rooms.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PARLEY_HOME="${PARLEY_HOME:-$ROOT/bench/target/parley}"
export PARLEY_GATEWAY_PORT=38080 PARLEY_GATEWAY_MGMT_PORT=39080
export PARLEY_PRESENCE_PORT=38081 PARLEY_PRESENCE_MGMT_PORT=39081
export PARLEY_CHANNEL_PORT=38082 PARLEY_CHANNEL_MGMT_PORT=39082
export PARLEY_ROOMS_PORT=38083 PARLEY_ROOMS_MGMT_PORT=39083
export PARLEY_SESSIONS_PORT=38084 PARLEY_SESSIONS_MGMT_PORT=39084
export PARLEY_KAFKA_PORT=39192 PARLEY_KAFKA_CONTROLLER_PORT=39193 PARLEY_PG_PORT=35432 PARLEY_ISSUER_PORT=38090
export PARLEY_JAVA_OPTS="${PARLEY_JAVA_OPTS:--XX:TieredStopAtLevel=4 -Dparley.rooms.tenants.bench.member-limit=6000}"
exec "$ROOT/parley" "$@"
