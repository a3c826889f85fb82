"""The package says under which licence it is distributed, who makes it and where to read on."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_licence_authors_and_urls_are_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    assert project["license"] == "EUPL-1.2"
    assert project["license-files"] == ["LICENSE"]
    assert all(author["name"] for author in project["authors"])
    assert project["urls"]
    assert all(url.startswith("https://") for url in project["urls"].values())


def test_the_licence_file_is_the_eupl_1_2():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")

    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    # its appendix of compatible licences, which is why it suits a public-sector system
    assert "Appendix" in text
    assert "GNU General Public License (GPL) v. 2, v. 3" in text
