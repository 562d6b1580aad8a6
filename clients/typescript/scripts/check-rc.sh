#!/usr/bin/env bash
# Fails the build (in verify, after the stack is down) when npm test failed or did not run.
cd "$(dirname "$0")/.." || exit 1
if [ ! -f target/npm-test.rc ]; then
  echo "npm test did not run (no target/npm-test.rc)" >&2
  exit 1
fi
rc=$(cat target/npm-test.rc)
if [ "$rc" != "0" ]; then
  echo "npm test failed (exit $rc): see target/npm-test.log" >&2
  exit 1
fi
echo "npm test passed"
