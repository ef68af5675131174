from twisted.application.service import ServiceMaker

blackjack = ServiceMaker(
    "blackjackd", "blackjackd.tap", "Multiplayer blackjack over WebSocket.", "blackjack"
)
