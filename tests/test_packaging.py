"""What ``pip install .`` puts in place: every module of the server and the
client, importable from the installed package alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from tests.scratch import scratch_directory

CHECKOUT = Path(__file__).resolve().parent.parent


def _modules(top: Path, package: str) -> list[str]:
    """Every module of ``package``, whose directory is ``top``."""
    names = []
    for path in sorted(top.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        parts = path.relative_to(top).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((package, *parts)))
    return names


class InstalledPackageTests(SynchronousTestCase):
    def test_every_module_imports_from_the_installed_package(self) -> None:
        modules = [
            *_modules(CHECKOUT / "blackjackd", "blackjackd"),
            *_modules(CHECKOUT / "client" / "blackjack_client", "blackjack_client"),
        ]
        # A bare directory and no PYTHONPATH: only what was installed counts.
        sources = (str(CHECKOUT / "blackjackd"), str(CHECKOUT / "client"))
        script = (
            "import importlib, sys\n"
            "for name in sys.argv[1:]:\n"
            "    module = importlib.import_module(name)\n"
            f"    assert not module.__file__.startswith({sources!r}), name\n"
        )
        self._run_installed(
            script,
            modules,
            "a module is missing from the installed package (reinstall with "
            "pip install '.[test]' after adding one)",
        )

    def test_the_web_client_is_installed_with_the_server(self) -> None:
        shipped = sorted(
            str(path.relative_to(CHECKOUT / "blackjackd"))
            for path in (CHECKOUT / "blackjackd" / "webclient").rglob("*")
            if path.is_file()
        )
        self.assertIn("webclient/index.html", shipped)
        script = (
            "import sys\n"
            "from pathlib import Path\n"
            "import blackjackd\n"
            "top = Path(blackjackd.__file__).parent\n"
            "missing = [name for name in sys.argv[1:] if not (top / name).is_file()]\n"
            "assert not missing, missing\n"
        )
        self._run_installed(
            script,
            shipped,
            "a web client file is missing from the installed package (is it "
            "in setup.py's package_data?)",
        )

    def _run_installed(self, script: str, arguments: list[str], failing: str) -> None:
        """Run ``script`` with ``arguments`` where only the installed package
        can be imported (a bare directory, no PYTHONPATH)."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        result = subprocess.run(
            [sys.executable, "-c", script, *arguments],
            capture_output=True,
            text=True,
            env=env,
            cwd=scratch_directory(self),
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, f"{failing}: {result.stderr}")
