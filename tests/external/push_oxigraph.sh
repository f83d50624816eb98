#!/usr/bin/env bash
# `newsgraph push` end to end against a real remote store: the Oxigraph server from PyPI,
# started on loopback, fed one Graph Store PUT per graph, then asked for its counts; a second
# push sends nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v oxigraph >/dev/null 2>&1 || python3 -m pip install -q --disable-pip-version-check oxigraph
ng ingest -q seeds/
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
oxigraph serve --location "$work/oxigraph" --bind "127.0.0.1:$port" >"$work/oxigraph.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do
  curl -fs "http://127.0.0.1:$port/query?query=ASK%7B%7D" >/dev/null 2>&1 && break
  sleep 0.1
done
endpoint="http://127.0.0.1:$port/query"
out=$(ng push --endpoint "$endpoint" --log "$work/push.log")
echo "$out"
[ "$out" = "6 graphs: 6 pushed, 0 skipped (already pushed), 0 failed, 0 retries; the endpoint holds 5 document graphs" ]
# The remote holds what the local store holds: claims and quads per document graph.
count() { # store-query
  curl -fs -H 'Accept: text/csv' --data-urlencode "query=$1" "$endpoint" | tail -n 1 | tr -d '\r'
}
local_count() {
  ng query --format csv "$1" | tail -n 1 | tr -d '\r'
}
claims='SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a <https://w3id.org/newsgraph/ns#Claim> } }'
quads='SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "https://w3id.org/newsgraph/doc/")) }'
[ "$(count "$claims")" = "$(local_count "$claims")" ] || { echo "claims differ"; exit 1; }
[ "$(count "$quads")" = "$(local_count "$quads")" ] || { echo "quads differ"; exit 1; }
echo "remote claims $(count "$claims"), document quads $(count "$quads"): equal to the local store"
again=$(ng push --endpoint "$endpoint" --log "$work/push.log")
[ "$again" = "6 graphs: 0 pushed, 6 skipped (already pushed), 0 failed, 0 retries; the endpoint holds 5 document graphs" ] || { echo "$again"; exit 1; }
echo "push_oxigraph: ok"
