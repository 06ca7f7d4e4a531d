"""Adds up the vitest JSON and pytest JUnit reports of one `make test` run into one closing line."""

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

results = Path(sys.argv[1])
passed = failed = skipped = 0
rows = []
for report in sorted(results.glob("ts-*.json")):
    data = json.loads(report.read_text())
    p, f, s = data["numPassedTests"], data["numFailedTests"], data["numPendingTests"] + data.get("numTodoTests", 0)
    # A suite file that failed to load counts as a failure even though it ran no test.
    f += sum(1 for suite in data["testResults"] if suite["status"] == "failed" and not suite["assertionResults"])
    rows.append((report.stem[3:], p, f, s))
for report in sorted(results.glob("py-*.xml")):
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(x.get("tests", 0)) for x in suites)
    f = sum(int(x.get("failures", 0)) + int(x.get("errors", 0)) for x in suites)
    s = sum(int(x.get("skipped", 0)) for x in suites)
    rows.append((report.stem[3:], total - f - s, f, s))
for name, p, f, s in rows:
    passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f"  {name:<20} {p:>5} passed {f:>4} failed {s:>4} skipped")
if not rows:
    print("no test reports found")
    sys.exit(1)
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
