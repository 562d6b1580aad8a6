#!/usr/bin/env bash
# CPU profile of a running JVM (the gateway) with async-profiler 4.1 (from Maven Central, copied to bench/target/lib
# by `./mvnw -Pbench -pl bench package`): bench/profile.sh <pid> <seconds> <out-prefix>
# Writes <out-prefix>.collapsed (collapsed stacks; flame graph input) and prints a summary (top self frames and the
# share of a few inclusive frames). Falls back to JFR (jcmd JFR.start) when the agent cannot be loaded.
set -euo pipefail
PID=$1; SECS=$2; OUT=$3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR=$(ls "$ROOT"/bench/target/lib/async-profiler-*.jar 2>/dev/null | head -1 || true)
LIBDIR="$ROOT/bench/target/async-profiler"
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
if [ -n "$JAR" ]; then
  (cd "$LIBDIR" 2>/dev/null || { mkdir -p "$LIBDIR" && cd "$LIBDIR"; }; unzip -o -q "$JAR" linux-x64/libasyncProfiler.so)
  LIB="$LIBDIR/linux-x64/libasyncProfiler.so"
  if "$JAVA_HOME/bin/jcmd" "$PID" JVMTI.agent_load "$LIB" "\"start,event=cpu,interval=1ms\"" | grep -q "return code: 0"; then
    sleep "$SECS"
    "$JAVA_HOME/bin/jcmd" "$PID" JVMTI.agent_load "$LIB" "\"stop,file=$OUT.collapsed,collapsed\"" >/dev/null
    python3 - "$OUT.collapsed" <<'PY'
import sys, collections
self_, incl, total = collections.Counter(), collections.Counter(), 0
marks = {
  'Kafka consumer poll (fetch + decode)': 'KafkaConsumer.poll',
  'gateway dispatch (Streams.dispatch)': 'Streams.dispatch',
  'WebSocket writes': 'WebSocketImplBase.write',
  'SSE writes (HttpServerResponse.write)': 'Http1xServerResponse.write',
  'Netty flush (socket writes)': 'flush0',
  'socket write syscalls (NIO IOUtil.write)': 'IOUtil.write',
  'socket read syscalls (NIO IOUtil.read)': 'IOUtil.read',
  'event loop select (EPoll.wait / epollWait)': 'EPoll.wait',
  'JSON (Jackson)': 'com/fasterxml/jackson',
  'REST proxy (ProxyRoutes)': 'ProxyRoutes',
  'GC (SerialGC / VM thread)': 'VM_GenCollect',
  'Netty event loops (everything on them)': 'NioEventLoop.run',
  'JIT compiler threads': 'CompileBroker',
}
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(' ')
    n = int(n); total += n
    frames = stack.split(';')
    self_[frames[-1]] += n
    for label, m in marks.items():
        if m in stack:
            incl[label] += n
print(f"samples: {total}")
print("| inclusive frame | share |\n| --- | --- |")
for label, n in incl.most_common():
    print(f"| {label} | {100*n/total:.1f} % |")
print("\n| top self frames | share |\n| --- | --- |")
for f, n in self_.most_common(20):
    print(f"| `{f[:110]}` | {100*n/total:.1f} % |")
PY
    exit 0
  fi
fi
echo "async-profiler could not be loaded; recording JFR instead" >&2
"$JAVA_HOME/bin/jcmd" "$PID" JFR.start duration="${SECS}s" filename="$OUT.jfr" settings=profile >/dev/null
sleep $((SECS + 2))
"$JAVA_HOME/bin/jfr" view hot-methods "$OUT.jfr"
