#!/usr/bin/env sh
# Installs the Socket.IO reference server's dependencies into bench/reference/node_modules (not committed).
set -e
cd "$(dirname "$0")"
npm install --no-audit --no-fund --loglevel=error
