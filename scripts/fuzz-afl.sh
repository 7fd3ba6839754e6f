#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser target (tests/StratX.Fuzz.Tests) with afl-fuzz and SharpFuzz.
#
#   bash scripts/fuzz-afl.sh [--seconds N] [TARGET...]     (default: every target, 60 s each)
#
# Publishes fuzz/StratX.Fuzz.Afl in Release to artifacts/afl/bin, instruments the StratX assemblies that hold
# the parsers with the sharpfuzz tool (.config/dotnet-tools.json), writes each target's seeds as its starting
# corpus and runs afl-fuzz on it for N seconds. Prints, per target, afl-fuzz's executions, corpus, crashes and
# hangs (from fuzzer_stats); exits 1 if any crash or hang was found, with the inputs' paths. Reproduce one with
#   dotnet artifacts/afl/bin/StratX.Fuzz.Afl.dll TARGET --replay artifacts/afl/TARGET/findings/default/crashes
# Not part of scripts/test.sh or CI: it needs afl++ and minutes per target.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=60
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done

# The assemblies that hold the parsers and the checks behind them; System.*, third-party libraries and the
# harness itself are not instrumented, so afl-fuzz's coverage is StratX's own branches.
instrumented=(StratX.Domain StratX.Ingestion StratX.Grains StratX.Grains.Abstractions StratX.Server StratX.Simulation)

if ! command -v afl-fuzz >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "fuzz-afl: afl-fuzz is missing; installing Debian's afl++ package."
    apt-get install -y afl++ >/dev/null || { apt-get update >/dev/null && apt-get install -y afl++ >/dev/null; }
  else
    echo "fuzz-afl: afl-fuzz is missing: install afl++ (Debian/Ubuntu: sudo apt-get install afl++; elsewhere https://github.com/AFLplusplus/AFLplusplus)." >&2
    exit 2
  fi
fi

cd "$root"
out="$root/artifacts/afl"
bin="$out/bin"
dotnet tool restore >/dev/null

# A fresh publish each time: sharpfuzz rewrites the assemblies in place and refuses one already instrumented.
rm -rf "$bin"
dotnet publish fuzz/StratX.Fuzz.Afl/StratX.Fuzz.Afl.csproj -c Release -o "$bin" -nologo -clp:ErrorsOnly >/dev/null
for name in "${instrumented[@]}"; do
  dotnet sharpfuzz "$bin/$name.dll" >/dev/null
done
echo "fuzz-afl: instrumented ${instrumented[*]}."

harness=(dotnet "$bin/StratX.Fuzz.Afl.dll")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <("${harness[@]}" --list)
fi

# No terminal and no CPU governor in a container, and the core-dump pattern is the host's: afl-fuzz is told to
# carry on. dotnet is not an instrumented binary; the instrumentation is in the assemblies it loads.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1

found=()
rows=()
for target in "${targets[@]}"; do
  dir="$out/$target"
  rm -rf "$dir"
  mkdir -p "$dir"
  # afl-fuzz takes inputs of at most 1 MB: a larger seed is cut to its whole lines under 1 MB (the harness says so).
  "${harness[@]}" "$target" --write-seeds "$dir/seeds" --max-bytes 1048576
  echo "fuzz-afl: $target for $seconds s ($(ls "$dir/seeds" | wc -l) seeds)."
  status=0
  timeout -k 10 $((seconds + 600)) afl-fuzz -i "$dir/seeds" -o "$dir/findings" -t 10000 -m none -V "$seconds" \
    -- "${harness[@]}" "$target" >"$dir/afl.log" 2>&1 || status=$?
  stats="$dir/findings/default/fuzzer_stats"
  if [[ ! -f $stats ]]; then
    echo "fuzz-afl: $target: afl-fuzz stopped without statistics (exit $status); the end of $dir/afl.log:" >&2
    tail -n 15 "$dir/afl.log" >&2
    rows+=("$(printf '%-28s %8s %12s %8s %8s %8s' "$target" "$seconds" "-" "-" "failed" "-")")
    found+=("$dir/afl.log")
    continue
  fi
  stat() { awk -F': *' -v k="$1" '$1 ~ "^"k" *$" { print $2 }' "$stats"; }
  execs=$(stat execs_done)
  corpus=$(stat corpus_count); corpus=${corpus:-$(stat paths_total)}
  crashes=$(stat saved_crashes); crashes=${crashes:-$(stat unique_crashes)}
  hangs=$(stat saved_hangs); hangs=${hangs:-$(stat unique_hangs)}
  run=$(stat run_time); run=${run:-$seconds}
  rows+=("$(printf '%-28s %8s %12s %8s %8s %8s' "$target" "$run" "$execs" "$corpus" "$crashes" "$hangs")")
  for f in "$dir"/findings/default/crashes/id:* "$dir"/findings/default/hangs/id:*; do
    [[ -e $f ]] && found+=("$f")
  done
done

echo
printf '%-28s %8s %12s %8s %8s %8s\n' target seconds executions corpus crashes hangs
printf '%s\n' "${rows[@]}"
if [[ ${#found[@]} -gt 0 ]]; then
  echo
  echo "fuzz-afl: crashes, hangs or failed runs (replay with: dotnet $bin/StratX.Fuzz.Afl.dll TARGET --replay DIR):"
  printf '  %s\n' "${found[@]}"
  exit 1
fi
