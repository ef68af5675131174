"""``python -m blackjack_client``: the same as ``blackjack-client``."""

from blackjack_client.app import main

main()
