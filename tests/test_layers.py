"""The floors of docs/architecture.md, kept by import-linter's contracts (.importlinter)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "api", "console", "handlers", "gateway", "conversation", "cases", "models", "nlp", "config")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(exe), "--config", str(cwd / ".importlinter"), "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_floors_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The check can fail: the domain importing a job module is reported."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "data", "static"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "cases" / "upward.py").write_text("from handlers.outbound import send_message\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "cases.upward -> handlers.outbound" in result.stdout
