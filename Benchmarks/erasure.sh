#!/usr/bin/env bash
# Erasure throughput on the sample shop: gdpr-worker's ErasureJobHandler against hand-written
# set-based SQL, on a durable throwaway PostgreSQL cluster, with a release build.
#
#   Benchmarks/erasure.sh [--customers 100000] [--jobs 10000] [--batch 500] [--big-customer 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product ErasureBenchmark
directory=$(mktemp -d "${TMPDIR:-/tmp}/gdpr-worker-erasure-bench.XXXXXX")
trap 'scripts/ephemeral-postgres stop "$directory"' EXIT
url=$(scripts/ephemeral-postgres start "$directory" --durable --owner-pid $$)
"$(swift build -c release --show-bin-path)/ErasureBenchmark" --database-url "$url" "$@"
