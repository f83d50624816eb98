#!/usr/bin/env bash
# An external SPARQL client, rdflib's SPARQLStore (PyPI), queries `newsgraph serve` over
# GET and POST, in XML and JSON results, and gets what the command line gets.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_python rdflib rdflib
start_server
ng query --format csv --file examples/queries/who-met-whom.rq >"$work/expected.csv"
python3 - "$url/query" "$work/expected.csv" <<'PY'
import csv, sys
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore

endpoint, expected_csv = sys.argv[1], sys.argv[2]
with open(expected_csv, newline="") as f:
    expected = list(csv.reader(f))
query = open("examples/queries/who-met-whom.rq").read()
NG = "https://w3id.org/newsgraph/ns#"
for method in ("GET", "POST"):
    for fmt in ("xml", "json"):
        store = SPARQLStore(endpoint, method=method, returnFormat=fmt)
        g = Graph(store)
        res = g.query(query)
        header = [str(v) for v in res.vars]
        rows = [[("" if c is None else str(c)) for c in r] for r in res]
        assert [header] + rows == expected, (method, fmt, header, rows[:3], expected[:3])
        count = g.query(f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{NG}Document> }}")
        assert [int(r[0]) for r in count] == [5], (method, fmt)
        docs = set(g.triples((None, RDF.type, URIRef(NG + "Document"))))
        assert len(docs) == 5, (method, fmt, len(docs))
        print(f"rdflib SPARQLStore {method}/{fmt}: {len(rows)} rows as the CLI, 5 documents")
# A graph answer: CONSTRUCT through rdflib parses into the same 5 triples.
store = SPARQLStore(endpoint, returnFormat="xml")
g = Graph(store)
built = g.query(f"CONSTRUCT {{ ?d a <{NG}Document> }} WHERE {{ ?d a <{NG}Document> }}")
assert len(list(built)) == 5
print("rdflib SPARQLStore CONSTRUCT: 5 triples")
PY
echo "rdflib_sparqlstore: ok"
