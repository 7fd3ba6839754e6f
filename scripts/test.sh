#!/usr/bin/env bash
# The test command: on a fresh machine it installs what the tests need, starts a throwaway PostgreSQL,
# checks formatting and runs every test project. Usage: bash scripts/test.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# --- what the tests need ------------------------------------------------------------------------
command -v dotnet >/dev/null || die "the .NET 10 SDK is missing: install it from https://dot.net (dotnet must be on PATH)."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

apt_install() {
  # Installs Debian/Ubuntu packages that are missing; elsewhere says what to install and stops.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if command -v apt-get >/dev/null; then
    say "installing ${missing[*]} (apt)"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing ${missing[*]}: this script installs them with apt on Debian/Ubuntu; install them with your package manager and run it again."
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] && ! command -v initdb >/dev/null; then apt_install postgresql; fi
PG_BIN=$(pg_bin)
[ -n "$PG_BIN" ] || PG_BIN=$(dirname "$(command -v initdb)")

# The browser tests (tests/StratX.Web.Tests) drive Debian's Chromium; install it only when they exist.
if [ -d tests/StratX.Web.Tests ] && ! command -v chromium >/dev/null; then apt_install chromium; fi

# promtool checks the alert rules in infra/prometheus (scripts/check-infra.sh); Debian ships it in prometheus.
command -v promtool >/dev/null || apt_install prometheus

# --- a throwaway PostgreSQL on a free local port -----------------------------------------------
PG_DIR=$(mktemp -d /tmp/stratx-pg.XXXXXX)
PG_USER=$(id -un)
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root.
  PG_USER=postgres
  id postgres >/dev/null 2>&1 || useradd --system --home "$PG_DIR" postgres
  chown postgres "$PG_DIR"
  RUN=(runuser -u postgres --)
fi
stop_pg() {
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_pg EXIT
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
"${RUN[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust -E UTF8 >/dev/null
"${RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" start >/dev/null
"${RUN[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" stratx_test
export STRATX_PG="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Database=stratx_test"
export STRATX_TEST_POSTGRES="$STRATX_PG"
say "PostgreSQL on 127.0.0.1:$PG_PORT (throwaway, removed on exit)"

# --- build, style, tests ------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say "restore and build"
dotnet build StratX.sln -c Release -nologo -clp:ErrorsOnly
say "style (dotnet format --verify-no-changes)"
dotnet format StratX.sln --verify-no-changes --no-restore
say "infra (bicep build and lint, promtool)"
bash scripts/check-infra.sh
say "tests"
dotnet test StratX.sln -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --blame-hang-timeout 10m "$@"
say "all tests passed"
