#!/usr/bin/env bash
# Runs `npm test` against the stack scripts/stack.mjs started, records its exit code in target/npm-test.rc and
# always exits 0, so Maven still reaches post-integration-test (./parley down); scripts/check-rc.sh fails in verify.
cd "$(dirname "$0")/.." || exit 1
mkdir -p target
rm -f target/npm-test.rc
PARLEY_URL=$(node -e "console.log(JSON.parse(require('fs').readFileSync('target/stack.json','utf8')).baseUrl)")
PARLEY_HOME=$(node -e "console.log(JSON.parse(require('fs').readFileSync('target/stack.json','utf8')).home)")
export PARLEY_URL PARLEY_HOME
echo "npm test against $PARLEY_URL"
start=$(date +%s)
npm test 2>&1 | tee target/npm-test.log
rc=${PIPESTATUS[0]}
echo "$rc" > target/npm-test.rc
echo "npm test: exit $rc in $(( $(date +%s) - start )) s (log: target/npm-test.log)"
exit 0
