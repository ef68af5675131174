"""The pygame client of blackjackd."""

import os

# pygame prints a greeting on import unless told not to; a game client's
# terminal is for its own messages.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
