#!/usr/bin/env bash
# Installs the dependencies from the lock file when node_modules is missing or older than
# package-lock.json, so that `npm start` and `npm test` work on a fresh clone. Runs under whatever Node
# npm was started with (Node 20 is enough): it needs nothing from node_modules, and the Node 24 the
# `node` dev dependency brings is on PATH for the rest of the npm script once installed.
# The project is the current directory (npm runs scripts at the package root).
set -euo pipefail

# npm ci writes node_modules/.package-lock.json last: its absence means no finished install.
installed=node_modules/.package-lock.json
if [ -f "$installed" ] && [ ! package-lock.json -nt "$installed" ]; then exit 0; fi

if [ -f "$installed" ]; then
  echo "ensure-install: package-lock.json is newer than node_modules; installing from the lock file (npm ci)" >&2
else
  echo "ensure-install: no node_modules; installing from the lock file (npm ci)" >&2
fi
npm ci --no-audit --no-fund
