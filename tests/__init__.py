"""blackjackd's test suite: ``python -m twisted.trial tests`` or ``pytest``.

The modules written as ``twisted.trial.unittest`` test cases run under both;
the ones still written as pytest functions run under pytest only (trial
imports them and finds nothing to run). Test modules import shared helpers
from ``blackjackd.testing``, or from each other as ``tests.<module>``.
"""
