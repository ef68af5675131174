"""blackjackd's test suite: ``python -m twisted.trial tests`` or ``pytest``.

Every test is a ``twisted.trial.unittest`` test case, so both runners run
the same tests. Test modules import shared helpers from
``blackjackd.testing``, or from each other as ``tests.<module>``.
"""
