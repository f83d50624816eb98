#!/usr/bin/env bash
# The query page in a real browser: Debian's chromium, headless, loads the page with
# ?example=who-met-whom (the page runs it at once), and the rows it renders must be the rows
# the command line prints for that query.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing: chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
start_server
ng query --format csv --file examples/queries/who-met-whom.rq >"$work/expected.csv"
chromium --headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --virtual-time-budget=20000 --dump-dom "$url/?example=who-met-whom" \
  >"$work/dom.html" 2>"$work/chromium.err" || { cat "$work/chromium.err"; exit 1; }
python3 - "$work/dom.html" "$work/expected.csv" <<'PY'
import csv, sys
from html.parser import HTMLParser

class Table(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_table, self.state = [], None, False, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("id") == "results":
            self.state = a.get("data-state")
        if tag == "table" and a.get("id") == "results-table":
            self.in_table = True
        if self.in_table and tag == "tr":
            self.rows.append([])
        if self.in_table and tag in ("td", "th"):
            self.cell = ""
    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False
        if self.in_table and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None
    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

t = Table()
t.feed(open(sys.argv[1]).read())
with open(sys.argv[2], newline="") as f:
    expected = list(csv.reader(f))
assert t.state == "done", f"page state {t.state!r}"
header = [h.lstrip("?") for h in t.rows[0]] if t.rows else []
assert [header] + t.rows[1:] == expected, (t.rows[:3], expected[:3])
print(f"chromium rendered {len(t.rows) - 1} rows, as the command line prints")
PY
echo "chromium_page: ok"
