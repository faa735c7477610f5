"""Issue 7: each of its 13 findings keeps at least one regression test named after it.

A test is named `test_finding_<NN>_<what it proves>`; this reads the suite's sources, so a finding
whose last test is renamed or removed fails here.
"""

import re
from pathlib import Path

FINDINGS = range(1, 14)
TEST_NAME = re.compile(r"^\s*(?:async\s+)?def (test_finding_(\d{2})_\w+)", re.MULTILINE)


def test_each_finding_of_issue_7_has_a_regression_test():
    found: dict[int, list[str]] = {}
    for source in Path(__file__).parent.rglob("test_*.py"):
        for name, number in TEST_NAME.findall(source.read_text(encoding="utf-8")):
            found.setdefault(int(number), []).append(name)

    missing = [number for number in FINDINGS if not found.get(number)]
    assert not missing, f"findings of issue 7 without a test_finding_NN_ test: {missing}"
