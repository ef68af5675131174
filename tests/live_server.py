"""The stacked deck the end-to-end tests deal: the live server itself is
``blackjackd.testing.LiveServer``."""

# ann: TS 2S (12), hits 8H (20); bob: 9C 7D (16) stands; dealer: TH 8D (18).
# The next round: ann 2C 3C, bob 4C 5C (dealt one each, then a second).
ROUND = ["TS", "2S", "9C", "7D", "8H", "TH", "8D", "2C", "4C", "3C", "5C"]
