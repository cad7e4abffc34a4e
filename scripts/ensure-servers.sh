#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and NATS with JetStream (127.0.0.1:4222) answer: starts them
# when they are installed but down, installs them from Debian's packages when they are missing.
# --dev: PostgreSQL is optional (`tasker dev` falls back to its embedded database without it).
set -euo pipefail
postgres_optional=${1:-}

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # port name
  for _ in $(seq 1 100); do answers "$1" && return 0; sleep 0.2; done
  echo "ensure-servers: $2 did not start on 127.0.0.1:$1" >&2
  return 1
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "ensure-servers: $* missing; install it (as root: apt-get install $*)" >&2; return 1; fi
  [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_postgres() {
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    # Tests and the demo connect as postgres over TCP without a password, as on the team's machines.
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  wait_for 5432 PostgreSQL
}

if ! answers 5432; then
  if [ "$postgres_optional" = --dev ]; then
    (start_postgres) || echo "ensure-servers: no PostgreSQL here; tasker dev will use its embedded database" >&2
  else
    start_postgres
  fi
fi

if ! answers 4222; then
  command -v nats-server >/dev/null || apt_install nats-server
  store=${NATS_STORE_DIR:-/var/lib/nats-server}
  mkdir -p "$store"
  setsid nats-server -a 127.0.0.1 -p 4222 -js -sd "$store" >>"${TMPDIR:-/tmp}/nats-server.log" 2>&1 < /dev/null &
  wait_for 4222 NATS
fi
echo "ensure-servers: NATS (JetStream) answers on 127.0.0.1:4222$(answers 5432 && echo ', PostgreSQL on 127.0.0.1:5432')"
