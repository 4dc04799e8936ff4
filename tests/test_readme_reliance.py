"""The README's "What you can rely on" section shows real output: its example command prints
exactly the error it shows (the claims themselves are tested in test_input_faults.py,
test_distribution_support.py, test_fuzz_scenarios.py and analysis/test_damaged_run_folder.py).
"""

from __future__ import annotations

import re
import shlex

import pytest
from core_support import REPO
from fault_support import call


def section(title: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"## {title}\n")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def test_the_reliance_example_prints_what_the_readme_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """``$ mill validate ...`` in the section exits 2 with the very line shown under it."""
    text = section("What you can rely on")
    blocks = re.findall(r"```\n\$ mill (.*?)\n(.*?)```", text, flags=re.S)
    assert blocks, "the section shows an example"
    monkeypatch.chdir(REPO)
    for command, shown in blocks:
        status, out, err = call(*shlex.split(command))
        assert status == 2
        assert out + err == shown
