"""The wheel installs axisctl.drivers and axisctl.hil under axisctl, never as top-level names."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _package_dirs() -> set[str]:
    """Every folder with an __init__.py, named as it installs."""
    found = set()
    for top, installed_as in (
        ("axisctl", "axisctl"),
        ("drivers", "axisctl.drivers"),
        ("hil", "axisctl.hil"),
    ):
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((installed_as, *relative)))
    return found


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    assert _package_dirs() == listed


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    return next(out.glob("axisctl-*.whl"))


def test_wheel_has_no_top_level_drivers_or_hil(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"axisctl", next(t for t in tops if t.endswith(".dist-info"))}
    assert "axisctl/drivers/__init__.py" in names
    assert "axisctl/hil/__init__.py" in names
    assert "axisctl/py.typed" in names


def test_installed_wheel_imports_drivers_and_hil(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    # Run from an empty folder with the wheel's copy first on the path, so neither the
    # checkout nor an editable install can answer the imports.
    script = (
        "import axisctl, axisctl.drivers, axisctl.hil, importlib.util, sys;"
        f"assert axisctl.__file__.startswith({str(target)!r}), axisctl.__file__;"
        f"assert axisctl.drivers.__file__.startswith({str(target)!r});"
        "assert importlib.util.find_spec('drivers') is None;"
        "assert importlib.util.find_spec('hil') is None;"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_editable_install_imports_drivers_and_hil(tmp_path: Path) -> None:
    """The development install (pip install -e) maps the same names."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import axisctl.drivers, axisctl.hil; print(axisctl.drivers.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == ROOT / "drivers" / "__init__.py"


def test_mypy_sees_drivers_and_hil_under_their_installed_names() -> None:
    # [tool.mypy] checks drivers/ and hil/ through these links; broken links would make mypy
    # skip them silently.
    links = ROOT / ".mypy-packages" / "axisctl"
    assert (links / "drivers").resolve() == ROOT / "drivers"
    assert (links / "hil").resolve() == ROOT / "hil"
    assert (links / "__init__.py").is_file()
