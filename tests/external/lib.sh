# Shared by the external tests: the binary, a seed store, and a server on a free port.
# Sourced, not run. Needs NEWSGRAPH_BIN (set by .ci/run) pointing at the built binary.

: "${NEWSGRAPH_BIN:?set NEWSGRAPH_BIN to the newsgraph binary (.ci/run does)}"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

ng() { "$NEWSGRAPH_BIN" --store "$work/store" "$@"; }

# Installs a PyPI package unless the module imports already.
need_python() { # module package
  python3 -c "import $1" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check "$2"
}

# Ingests the seeds and starts `newsgraph serve` on a free loopback port; sets $url.
start_server() {
  ng ingest -q seeds/
  # The binary itself in the background (not the `ng` function), so that $! is its pid.
  "$NEWSGRAPH_BIN" --store "$work/store" serve --bind 127.0.0.1:0 "$@" >"$work/serve.out" 2>"$work/serve.err" &
  pids+=($!)
  for _ in $(seq 200); do
    grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break
    sleep 0.05
  done
  url=$(sed -n 's#^listening on \(http://.*\)/$#\1#p' "$work/serve.out")
  [ -n "$url" ] || { echo "newsgraph serve did not start"; exit 1; }
}
