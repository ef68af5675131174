"""Both clients check a wss:// server's certificate, against the real
server behind TLS on loopback with throwaway certificates: trusted by
``--cafile``, they sit down; a self-signed certificate, or one for another
name, is refused in plain words."""

from __future__ import annotations

import io
import sys

from twisted.internet import reactor
from twisted.trial.unittest import SynchronousTestCase, TestCase

from blackjack_client.model import Connected, Disconnected
from blackjack_client.net import TableConnection, TablesUnavailable, fetch_tables
from blackjackd import cli
from blackjackd.testing import wait_for
from blackjackd.trust import TrustError, client_tls
from blackjackd.wire import AuthRequest
from tests.live_server import ROUND
from tests.tls_server import SKIP, Certificates, TLSLiveServer

#: What the terminal client says of a self-signed evil.example at localhost.
SELF_SIGNED_EVIL = (
    "the server's certificate is not trusted (self-signed) and is for "
    "evil.example, not localhost"
)


class _TLSCase(TestCase):
    skip = SKIP

    def setUp(self):
        self.certificates = Certificates()
        self.addCleanup(self.certificates.close)

    async def serve(self, pem):
        server = TLSLiveServer(pem, ROUND)
        self.addCleanup(server.stop)
        return server


class TerminalTLSTests(_TLSCase):
    """``python -m blackjackd.cli wss://...``, to the end of ``run``."""

    async def play(self, server, *argv):
        """Run the terminal client against ``server`` for one round; what it
        printed, stderr, and how ``run`` ended."""
        out, err = io.StringIO(), io.StringIO()
        self.patch(sys, "stdout", out)
        self.patch(sys, "stderr", err)
        done = cli.run(
            reactor,
            [server.url, "--name", "ann", "--auto", "--rounds", "1", *argv],
            environ={},
        )
        done.addTimeout(15, reactor)
        try:
            await done
            code = 0
        except SystemExit as exit:
            code = exit.code
        return out.getvalue(), err.getvalue(), code

    async def test_a_certificate_the_cafile_trusts_seats_the_player(self):
        server = await self.serve(self.certificates.localhost)
        out, err, code = await self.play(server, "--cafile", self.certificates.cafile)
        self.assertEqual((err, code), ("", 0))
        self.assertIn("seated at table 1 as ann", out)
        self.assertIn("round over;", out)

    async def test_a_self_signed_certificate_is_refused_in_plain_words(self):
        server = await self.serve(self.certificates.evil_self_signed)
        for argv in [(), ("--cafile", self.certificates.cafile)]:
            out, err, code = await self.play(server, *argv)
            self.assertEqual(code, 1, argv)
            self.assertEqual(err, f"python -m blackjackd.cli: {SELF_SIGNED_EVIL}\n")
            self.assertNotIn("seated", out)
        self.assertEqual(server.factory.sent, [])

    async def test_a_certificate_for_another_name_is_refused(self):
        server = await self.serve(self.certificates.evil_signed)
        _, err, code = await self.play(server, "--cafile", self.certificates.cafile)
        self.assertEqual(code, 1)
        self.assertEqual(
            err,
            "python -m blackjackd.cli: the server's certificate is for "
            "evil.example, not localhost\n",
        )

    async def test_an_unknown_issuer_is_refused_without_the_cafile(self):
        server = await self.serve(self.certificates.localhost)
        _, err, code = await self.play(server)
        self.assertEqual(code, 1)
        self.assertEqual(
            err,
            "python -m blackjackd.cli: the server's certificate is not trusted: "
            "self-signed or unknown issuer (use --cafile to trust it)\n",
        )


class PygameTLSTests(_TLSCase):
    """The pygame client's net layer: the words reach the model as the
    reason of ``Disconnected``, which the status line shows."""

    async def connect(self, server, cafile=None):
        heard = []
        connection = TableConnection(server.url, heard.append, cafile=cafile)
        connection.connect()
        await wait_for(lambda: connection.is_gone or connection.is_open, "an end")
        return connection, heard

    async def test_trusted_it_opens_and_sits_down(self):
        server = await self.serve(self.certificates.localhost)
        connection, heard = await self.connect(server, self.certificates.cafile)
        self.assertEqual(heard[:1], [Connected()])
        connection.send(AuthRequest(username="ann"))
        await wait_for(lambda: any(m.get("type") == "id" for m in heard[1:]), "id")
        await connection.close()

    async def test_refused_certificates_are_told_in_words(self):
        for pem, cafile, words in [
            (self.certificates.evil_self_signed, None, SELF_SIGNED_EVIL),
            (
                self.certificates.evil_signed,
                self.certificates.cafile,
                "the server's certificate is for evil.example, not localhost",
            ),
            (
                self.certificates.localhost,
                None,
                "the server's certificate is not trusted: self-signed or "
                "unknown issuer (use --cafile to trust it)",
            ),
        ]:
            server = await self.serve(pem)
            connection, heard = await self.connect(server, cafile)
            await wait_for(lambda c=connection: c.is_gone, "the connection gone")
            self.assertEqual(heard, [Disconnected(None, words)])
            await server.stop()

    async def test_the_lobby_says_so_too(self):
        server = await self.serve(self.certificates.evil_signed)
        asked = fetch_tables(server.url, reactor, cafile=self.certificates.cafile)
        with self.assertRaises(TablesUnavailable) as refused:
            await asked
        self.assertEqual(
            str(refused.exception),
            "the server's certificate is for evil.example, not localhost",
        )

    async def test_the_lobby_lists_the_tables_of_a_trusted_server(self):
        server = await self.serve(self.certificates.localhost)
        tables = await fetch_tables(
            server.url, reactor, cafile=self.certificates.cafile
        )
        self.assertEqual([table.table for table in tables.tables], [1])


class CafileTests(SynchronousTestCase):
    """A ``--cafile`` that can't be used is said so, before connecting."""

    skip = SKIP

    def test_a_missing_or_empty_cafile(self):
        certificates = Certificates()
        self.addCleanup(certificates.close)
        empty = certificates.directory / "empty.pem"
        empty.write_text("not a certificate\n")
        for path, words in [
            (str(certificates.directory / "none.pem"), "cannot read --cafile"),
            (str(empty), "holds no PEM certificate"),
        ]:
            with self.assertRaises(TrustError) as refused:
                client_tls("localhost", path)
            self.assertIn(words, str(refused.exception))
            heard = []
            connection = TableConnection(
                "wss://localhost:1/websocket", heard.append, cafile=path
            )
            connection.connect()
            self.assertTrue(connection.is_gone)
            self.assertIn(words, heard[0].reason)
