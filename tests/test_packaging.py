"""Every data file the package reads is shipped: an editable install would hide a miss."""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "actionvault"


def test_every_data_file_in_the_package_is_in_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["actionvault"]
    shipped = {
        Path(path).resolve() for pattern in patterns for path in glob.glob(str(PACKAGE / pattern))
    }
    data = {
        path.resolve()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert sorted(str(p.relative_to(PACKAGE)) for p in data - shipped) == []
