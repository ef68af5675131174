"""The stacked decks the end-to-end tests deal: the live server itself is
``blackjackd.testing.LiveServer``."""

from blackjackd.testing import CLASSIC_OPENING

# ann: TS 2S (12), hits 8H (20); bob: 9C 7D (16) stands; dealer: TH 8D (18).
# The next round: ann 2C 3C, bob 4C 5C (dealt one each, then a second).
ROUND = ["TS", "2S", "9C", "7D", "8H", "TH", "8D", "2C", "4C", "3C", "5C"]

# ROUND for two players dealt in together: ann plays an opening round alone
# (TS 7H against the dealer's 9S 8H) while bob, who sat mid-round, waits;
# then ROUND's hands, dealt round the table (a card each, then a second).
TWO_PLAYER_ROUND = [
    *CLASSIC_OPENING,
    *["TS", "9C", "2S", "7D", "8H", "TH", "8D", "2C", "4C", "3C", "5C"],
]
