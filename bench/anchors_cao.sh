#!/usr/bin/env bash
# The cao command for the shared anchors harness (../shared/bench/run_anchors.sh, through its cao_gateway.sh),
# given as CAO_RUN. It runs this checkout's gateway the way `cao gateway start --detach` and
# `cao run --gateway` do (the same deno flags: LAZY_IMPORTS_FLAG, GATEWAY_V8_FLAGS and, for a checkout,
# CHECKOUT_CONFIG_FLAGS with deno.json as the import map, in src/gateway/detached.ts; loopback-only
# network; the same environment: GATEWAY_ENV) and adds `--default-cooldown 0`: the harness's failover
# scenario answers 429 with `resets_at` = now, so that every limited request really fails over instead of
# meeting a one-hour cooldown (cao's default, unchanged). From the project root:
#
#   CAO_DIR=$PWD CAO_RUN=$PWD/bench/anchors_cao.sh CAO_GATEWAY_URL_SUFFIX=/k/sk-cao-gw-benchmarkkey0123456789 \
#     CAO_GATEWAY_CMD="$PWD/../shared/bench/cao_gateway.sh" BENCH_PACED_ROUNDS=3 BENCH_OUT=/tmp/anchors \
#     ../shared/bench/run_anchors.sh
#
# cao_gateway.sh writes {"schemaVersion":1,"key":"<bench key>"} into gateway.json; cao takes that `key` as
# its proxy key (and makes a control key of its own), so /k/<bench key>/… is proxied.
# CAO_BENCH_V8_FLAGS (optional, comma-separated) adds V8 flags, e.g. the code log that
# bench/profile_split.mjs reads; CAO_BENCH_DENO_FLAGS (optional) adds deno run flags, e.g. the inspector
# that bench/alloc_profile.ts attaches to.
set -euo pipefail
HERE="${BASH_SOURCE[0]%/*}"; [ "$HERE" = "${BASH_SOURCE[0]}" ] && HERE=.
ROOT="$(cd "$HERE/.." && pwd)" # no dirname: one process less before the gateway starts
export DENO_NO_UPDATE_CHECK=1 # GATEWAY_ENV
# A checkout's first start in a Deno cache also compiles its TypeScript: about 10 MiB more RSS at start (59
# instead of 49 MiB), which a user pays once, not at every start. Compiled first (57 ms when nothing is new),
# the harness measures a gateway start, not a first-ever compile.
deno cache --quiet --no-config --no-lock --import-map="$ROOT/deno.json" "$ROOT/main.ts"
exec deno run --quiet ${CAO_BENCH_DENO_FLAGS:-} --unstable-no-legacy-abort --unstable-lazy-dynamic-imports --v8-flags=--max-semi-space-size=4,--heap-growing-percent=50${CAO_BENCH_V8_FLAGS:+,$CAO_BENCH_V8_FLAGS} \
  --allow-env --allow-read --allow-write --allow-sys --allow-net=127.0.0.1,localhost \
  --no-config --no-lock --import-map="$ROOT/deno.json" "$ROOT/main.ts" "$@" --default-cooldown 0
