"""The pygame client of blackjackd."""
