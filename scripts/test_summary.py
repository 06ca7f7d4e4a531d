"""Adds up the vitest JSON and pytest JUnit reports of one `make test` run into one closing line, and names
every failed test with the first line of its reason: CI shows only the tail of the log, so the names must be
there, not only hundreds of lines above."""

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REASON_CHARS = 300


def first_line(text: str) -> str:
    line = next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")
    return line[:REASON_CHARS]


results = Path(sys.argv[1])
passed = failed = skipped = 0
rows = []
failures: list[str] = []
for report in sorted(results.glob("ts-*.json")):
    suite_name = report.stem[3:]
    data = json.loads(report.read_text())
    p, f, s = data["numPassedTests"], data["numFailedTests"], data["numPendingTests"] + data.get("numTodoTests", 0)
    for suite in data["testResults"]:
        file = Path(suite["name"]).name
        # A suite file that failed to load counts as a failure even though it ran no test.
        if suite["status"] == "failed" and not suite["assertionResults"]:
            f += 1
            failures.append(f"{suite_name} › {file}: {first_line(suite.get('message', ''))}")
        for test in suite["assertionResults"]:
            if test["status"] == "failed":
                reason = first_line("\n".join(test.get("failureMessages") or []))
                failures.append(f"{suite_name} › {file} › {test['fullName']}: {reason}")
    rows.append((suite_name, p, f, s))
for report in sorted(results.glob("py-*.xml")):
    suite_name = report.stem[3:]
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(x.get("tests", 0)) for x in suites)
    f = sum(int(x.get("failures", 0)) + int(x.get("errors", 0)) for x in suites)
    s = sum(int(x.get("skipped", 0)) for x in suites)
    for case in root.iter("testcase"):
        for outcome in ("failure", "error"):
            node = case.find(outcome)
            if node is not None:
                reason = first_line(node.get("message") or node.text or "")
                failures.append(f"{suite_name} › {case.get('classname')}::{case.get('name')}: {reason}")
    rows.append((suite_name, total - f - s, f, s))
for name, p, f, s in rows:
    passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f"  {name:<20} {p:>5} passed {f:>4} failed {s:>4} skipped")
if not rows:
    print("no test reports found")
    sys.exit(1)
if failures:
    print("failed tests:")
    for line in failures:
        print(f"  ✗ {line}")
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
