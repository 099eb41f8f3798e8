#!/usr/bin/env bash
# Installs Google's official Node.js Gmail client (pinned by package-lock.json) for the emulator's
# conformance tests. The tests run `npm ci` themselves when node_modules is missing; this makes CI's
# install step explicit and fails early when the npm registry is unreachable.
set -euo pipefail
cd "$(dirname "$0")/../../EmailSync.Tests/GmailEmulator/node"
npm ci --no-audit --no-fund --loglevel=error
