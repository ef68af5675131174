"""docs/blackjackd.service: a unit systemd accepts, sandboxed, whose
plugin-cache command leaves the server nothing to write."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import twisted.plugin
from twisted.trial.unittest import SkipTest, SynchronousTestCase

from tests.scratch import scratch_directory

REPO = Path(__file__).resolve().parent.parent
UNIT = REPO / "docs" / "blackjackd.service"
OPERATIONS = REPO / "docs" / "operations.rst"
BIN = Path(sys.executable).parent
INSTALLED = "/opt/blackjackd/bin/"

#: The most ``systemd-analyze security`` may rate the unit's exposure (0 to
#: 10); only the network the server needs is left open (about 1.1).
MOST_EXPOSURE = 2.0


def _analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        raise SkipTest("systemd-analyze is not installed (Debian: apt install systemd)")
    return found


def _here(text: str) -> str:
    """The unit with its programs in this Python's environment, which
    ``verify`` needs to find."""
    if not (BIN / "twistd").exists():
        raise SkipTest(f"no twistd beside {sys.executable}: pip install . first")
    return text.replace(INSTALLED, f"{BIN}/")


def _with_options_enabled(text: str) -> str:
    """The unit with its commented-out settings (TLS, port 443, an address
    allow list) switched on, so that they are checked too."""
    return re.sub(r"^#(?=[A-Z][A-Za-z]+=)", "", text, flags=re.M)


def _verify(case: SynchronousTestCase, text: str) -> None:
    path = scratch_directory(case) / "blackjackd.service"
    path.write_text(text)
    result = subprocess.run(
        [_analyze(), "verify", "--man=no", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Unknown settings and bad values are only warnings, exit code 0.
    complaints = [line for line in result.stderr.splitlines() if "blackjackd" in line]
    case.assertEqual((result.returncode, complaints), (0, []), result.stderr)


class UnitTests(SynchronousTestCase):
    def test_systemd_verifies_the_unit(self) -> None:
        _verify(self, _here(UNIT.read_text()))

    def test_systemd_verifies_the_commented_options(self) -> None:
        enabled = _with_options_enabled(UNIT.read_text())
        self.assertIn("\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n", enabled)
        self.assertIn("certKey=${CREDENTIALS_DIRECTORY}/cert.pem", enabled)
        _verify(self, _here(enabled))

    def test_the_unit_is_sandboxed(self) -> None:
        result = subprocess.run(
            [_analyze(), "security", "--offline=true", "--no-pager", str(UNIT)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if "--offline" in result.stderr and result.returncode != 0:
            raise SkipTest(f"this systemd-analyze has no --offline: {result.stderr}")
        rated = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
        self.assertIsNotNone(rated, result.stdout + result.stderr)
        assert rated is not None
        self.assertLessEqual(float(rated.group(1)), MOST_EXPOSURE, result.stdout)

    def test_the_drain_fits_in_the_stop_timeout(self) -> None:
        text = UNIT.read_text()
        [drain] = re.findall(r"^ExecStart=.* --drain-timeout (\d+)$", text, re.M)
        [stop] = re.findall(r"^TimeoutStopSec=(\d+)$", text, re.M)
        # The drain, then up to 10 s to store the last rounds and 2 s to
        # close the connections.
        self.assertGreaterEqual(int(stop), int(drain) + 12)
        self.assertIn("\nKillSignal=SIGTERM\n", text)


class PluginCacheTests(SynchronousTestCase):
    """Twisted writes a cache of its plugins beside them when it is stale;
    the service can't (its /opt is read-only), which would log "Unable to
    write to plugin cache" at each start."""

    def test_after_the_documented_command_twistd_writes_no_plugin_cache(self) -> None:
        [line] = re.findall(r"^ExecStartPre=\+(.*)$", UNIT.read_text(), re.M)
        command = shlex.split(_here(line))
        # The same command in the unit's instructions and in the docs.
        self.assertTrue(line in UNIT.read_text().replace("#   ", ""), "in the header")
        self.assertTrue(line in OPERATIONS.read_text(), "in docs/operations.rst")
        # The installed plugins only: the checkout's own twisted/plugins
        # (on PYTHONPATH, or the working directory) would get a cache too.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        directory = scratch_directory(self)
        built = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=directory, timeout=60
        )
        self.assertEqual(built.returncode, 0, built.stderr)
        cache = Path(twisted.plugin.__file__).parent / "plugins" / "dropin.cache"
        before = cache.stat()
        started = subprocess.run(
            [str(BIN / "twistd"), "--help"],
            capture_output=True,
            text=True,
            env=env,
            cwd=directory,
            timeout=60,
        )
        self.assertEqual(started.returncode, 0, started.stderr)
        after = cache.stat()
        # Twisted replaces a cache it writes (a new file renamed over it).
        self.assertEqual(
            (after.st_ino, after.st_mtime_ns), (before.st_ino, before.st_mtime_ns)
        )
