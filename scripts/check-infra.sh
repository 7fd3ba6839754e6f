#!/usr/bin/env bash
# Checks infra/: the Bicep templates build and lint without a single warning, and the Prometheus alert rules
# (infra/prometheus/*.yml, when there are any) pass promtool. Usage: bash scripts/check-infra.sh
# Needs dotnet (the Bicep CLI comes from NuGet) and, for alert rules, promtool (Debian: prometheus; scripts/test.sh
# installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'check-infra.sh: %s\n' "$*" >&2; exit 1; }

command -v dotnet >/dev/null || die "the .NET SDK is missing: the Bicep CLI is restored through NuGet (dotnet must be on PATH)."

# --- the Bicep CLI, from the NuGet package Azure.Bicep.CommandLine.linux-x64 ------------------------------------
BICEP_VERSION=$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' infra/tools/bicep.proj)
[ -n "$BICEP_VERSION" ] || die "infra/tools/bicep.proj names no BicepVersion."
say "Bicep CLI $BICEP_VERSION (NuGet)"
dotnet restore infra/tools/bicep.proj -nologo -v quiet >/dev/null || die "could not restore the Bicep CLI package (dotnet restore infra/tools/bicep.proj)."
PACKAGES=${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')}
BICEP="${PACKAGES%/}/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"
[ -f "$BICEP" ] || die "the restored package has no bicep binary at $BICEP."
[ -x "$BICEP" ] || chmod +x "$BICEP"

# Bicep exits 0 on warnings, so any diagnostic it prints fails the check.
check_clean() {
  local what=$1; shift
  local out
  if ! out=$("$BICEP" "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    die "bicep $what failed."
  fi
  if printf '%s\n' "$out" | grep -Eq ' : (Warning|Error) '; then
    printf '%s\n' "$out" >&2
    die "bicep $what reported the diagnostics above: fix them (warnings count)."
  fi
}

OUT=$(mktemp -d /tmp/stratx-bicep.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
say "bicep build infra/main.bicep"
check_clean build build infra/main.bicep --outdir "$OUT"
[ -s "$OUT/main.json" ] || die "bicep build wrote no ARM template."
say "bicep lint infra/main.bicep"
check_clean lint lint infra/main.bicep

# --- Prometheus alert rules --------------------------------------------------------------------------------------
shopt -s nullglob
RULES=(infra/prometheus/*.yml)
if [ ${#RULES[@]} -gt 0 ]; then
  command -v promtool >/dev/null || die "promtool is missing: install Debian's prometheus package (scripts/test.sh does) to check ${RULES[*]}."
  say "promtool check rules ${RULES[*]}"
  promtool check rules "${RULES[@]}"
  TESTS=(infra/prometheus/tests/*.yml)
  if [ ${#TESTS[@]} -gt 0 ]; then
    say "promtool test rules ${TESTS[*]}"
    promtool test rules "${TESTS[@]}"
  fi
else
  say "no alert rules in infra/prometheus/: promtool skipped"
fi
say "infra checks passed"
