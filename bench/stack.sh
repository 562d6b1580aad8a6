#!/usr/bin/env bash
# The devstack the benchmarks run against: ./parley with its own home (bench/target/parley) and its own ports
# (2808x / 2908x, Kafka 29192, PostgreSQL 25432, issuer 28090): below Linux's ephemeral range (32768–60999), so no
# outgoing socket can be holding one at start-up, and apart from a developer's stack and the devstack's own tests.  Usage: bench/stack.sh up|down|status
# JVM options: the devstack's defaults (-Xmx512m, SerialGC, C1 only) are overridden for the bench by full tiered
# compilation (C2, what production runs); the rooms member limit of tenant `bench` is raised for 5,000-subscriber rooms.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PARLEY_HOME="${PARLEY_HOME:-$ROOT/bench/target/parley}"
export PARLEY_GATEWAY_PORT=28080 PARLEY_GATEWAY_MGMT_PORT=29080
export PARLEY_PRESENCE_PORT=28081 PARLEY_PRESENCE_MGMT_PORT=29081
export PARLEY_CHANNEL_PORT=28082 PARLEY_CHANNEL_MGMT_PORT=29082
export PARLEY_ROOMS_PORT=28083 PARLEY_ROOMS_MGMT_PORT=29083
export PARLEY_SESSIONS_PORT=28084 PARLEY_SESSIONS_MGMT_PORT=29084
export PARLEY_KAFKA_PORT=29192 PARLEY_KAFKA_CONTROLLER_PORT=29193 PARLEY_PG_PORT=25432 PARLEY_ISSUER_PORT=28090
export PARLEY_JAVA_OPTS="${PARLEY_JAVA_OPTS:--XX:TieredStopAtLevel=4 -Dparley.rooms.tenants.bench.member-limit=6000}"
exec "$ROOT/parley" "$@"
