"""blackjackd's test suite: ``python -m twisted.trial tests`` or ``pytest``.

The modules written as ``twisted.trial.unittest`` test cases run under both;
the ones still written as pytest functions run under pytest only (trial
imports them and finds nothing to run).
"""

import sys
from pathlib import Path

# Transitional: some test modules not yet converted still import their
# siblings as top-level modules (``from casino_helpers import deal``,
# ``from conftest import error_events``, ``from test_client_model import
# hit``), which worked while tests/ was a plain directory that pytest put on
# sys.path. Delete these lines once every test module imports shared helpers
# from ``blackjackd.testing`` or as ``tests.<module>``.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.append(_HERE)
