"""JSON logs for ``twistd``: ``twistd --logger blackjackd.jsonlog.observer``.

``twist --log-format json`` writes Twisted's JSON log format itself; twistd
has no such option, but takes a log observer's factory. This one writes one
JSON object per line (JSON Lines: no record separator, unlike ``twist``'s)
to standard output, which systemd gives to the journal.
"""

from __future__ import annotations

import sys

from twisted.logger import ILogObserver, jsonFileLogObserver


def observer() -> ILogObserver:
    """Each log event as one line of JSON on standard output."""
    return jsonFileLogObserver(sys.stdout, recordSeparator="")
