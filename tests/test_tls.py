"""A round over TLS (``wss://``) against a real ``twistd blackjack`` serving
an ``ssl:`` endpoint with a throwaway certificate, the client checking it."""

from __future__ import annotations

from unittest import SkipTest

from twisted.internet import reactor
from twisted.trial.unittest import TestCase

from blackjackd.testing import TIMEOUT, open_client
from blackjackd.testing.certificates import throwaway_certificate
from tests.scratch import scratch_directory
from tests.test_twistd import _spawn_twistd


def _tls_skip_reason() -> str | None:
    try:
        import cryptography  # noqa: F401
        import OpenSSL  # noqa: F401
        import service_identity  # noqa: F401
    except ImportError as missing:
        return f"TLS needs the tls extra (pip install 'blackjackd[tls]'): {missing}"
    return None


class TLSTests(TestCase):
    timeout = 60

    async def test_a_round_over_wss(self) -> None:
        reason = _tls_skip_reason()
        if reason is not None:
            raise SkipTest(reason)
        from twisted.internet.ssl import Certificate, optionsForClientTLS

        directory = scratch_directory(self)
        paths = throwaway_certificate(directory)
        server, transport = _spawn_twistd(
            directory,
            f"--port=ssl:0:privateKey={paths.key}:certKey={paths.certificate}"
            ":interface=127.0.0.1",
            "--round-delay=0.1",
            "--seat-grace=0",
        )
        self.addCleanup(self._stop, server, transport)
        port = await server.listening
        trust = Certificate.loadPEM(paths.authority.read_bytes())
        player = await open_client(
            reactor, port, tls=optionsForClientTLS("127.0.0.1", trustRoot=trust)
        )
        try:
            self.assertEqual(await player.next(), {"type": "auth"})
            player.send({"type": "auth", "data": {"username": "tess"}})
            hello = (await player.until("id"))[-1]
            # Stand whatever comes: the round ends with round_over.
            player.send({"type": "stand"})
            end = await player.until("round_over")
            self.assertEqual(
                [result["id"] for result in end[-1]["results"]], [hello["client_id"]]
            )
        finally:
            await player.close()

    async def _stop(self, server, transport) -> None:
        if not server.ended.called:
            transport.signalProcess("TERM")
        server.ended.addTimeout(TIMEOUT, reactor)
        self.assertEqual(await server.ended, (0, None), server.output.decode())
