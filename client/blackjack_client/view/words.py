"""What the words on the table say: the status line, the banner, a
seat's label and a hand's badge. Text and colour only; no drawing."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from blackjack_client.model import (
    BLACKJACK_STATUS,
    BUST,
    CLOSED,
    CONNECTED,
    CONNECTING,
    DISCONNECTED,
    FULL,
    LEFT,
    OFFLINE,
    PHASE_BETTING,
    PHASE_DEALER,
    PHASE_INSURANCE,
    PHASE_OVER,
    PLAYING,
    RECONNECTING,
    SEATED,
    STOOD,
    SURRENDERED,
    WAITING,
    Hand,
    Model,
    Rules,
    Seat,
    is_full,
)
from blackjack_client.view.theme import (
    DIM,
    FELT_EDGE,
    GOLD,
    INK,
    RESULT_COLOURS,
    WHITE,
)
from blackjackd import wire

#: The status line's word once the server says it is stopping.
SERVER_STOPPING = "The server is stopping: finishing this round, back when it restarts"


def status_text(model: Model, now: float = 0.0) -> tuple[str, bool]:
    """The status line at ``now``, and whether it reports a problem."""
    error = f"{model.error[1]} ({model.error[0]})" if model.error else ""
    if model.connection == OFFLINE:
        return "Not connected", False
    if model.connection == RECONNECTING:
        left = seconds_left(model.retry_at, now) or 0
        if model.server_stopping:
            return (
                f"Waiting for the server to come back: trying again in {left} s "
                "…  (R: now)",
                True,
            )
        return f"Connection lost, reconnecting in {left} s …  (R: now)", True
    if model.connection == CONNECTING:
        if model.resuming and model.server_stopping:
            return (
                f"Waiting for the server to come back: connecting to {model.url} …",
                True,
            )
        if model.resuming:
            return f"Connection lost, reconnecting to {model.url} …", True
        return f"Connecting to {model.url} …", False
    if model.watching is not None and model.connection in (CONNECTED, FULL):
        text = f"Watching table {model.watching}  ·  Enter: sit down  ·  L: tables"
        if error:
            return f"{text}  ·  Server says: {error}", True
        return text, False
    if model.connection == CONNECTED:
        if model.resuming:
            return "Reconnected; coming back to your seat …", False
        return f"Connected to {model.url}; taking a seat …", False
    if model.connection == FULL:
        return "Table full (507): every seat is taken. Press R to retry.", True
    if model.connection == DISCONNECTED:
        why = model.close_reason or "connection lost"
        code = f" ({model.close_code})" if model.close_code else ""
        return f"Disconnected: {why}{code}. Press R to reconnect.", True
    if model.connection == CLOSED:
        return "Closed. Goodbye!", False
    me = model.me
    where = f"Table {model.table}" if model.table is not None else "Seated"
    if me is not None and me.seat is not None:
        where += f", seat {me.seat + 1}"
    text = f"{where} as {model.my_name or 'you'}"
    if model.server_stopping:
        return f"{text}  ·  {SERVER_STOPPING}", True
    if error:
        return f"{text}  ·  Server says: {error}", True
    if model.notice:
        return f"{text}  ·  {model.notice}", False
    return text, False


def seconds_left(deadline: float | None, now: float) -> int | None:
    """Whole seconds until ``deadline``, counting down to 0."""
    if deadline is None:
        return None
    return max(0, math.ceil(deadline - now))


def banner_text(model: Model, now: float) -> tuple[str, tuple[int, int, int]]:
    """The line across the middle of the table: whose move, or the outcome."""
    if model.casino:
        return casino_banner_text(model, now)
    me = model.me
    if model.connection != SEATED:
        return "", WHITE
    if model.phase == PHASE_OVER:
        words = {"win": "You win!", "lose": "You lose.", "push": "Push."}
        mine = words.get(me.result, "") if me is not None and me.result else ""
        left = seconds_left(model.next_round_at, now)
        after = f"  Next round in {left} s" if left is not None else ""
        colour = RESULT_COLOURS.get(me.result, WHITE) if me and me.result else WHITE
        if colour != WHITE:
            colour = tuple(min(255, c + 60) for c in colour)  # type: ignore[assignment]
        return f"Dealer has {model.dealer.points}.  {mine}{after}", colour
    if me is None:
        return "", WHITE
    if me.state == WAITING:
        return "You are dealt in at the next round", DIM
    if me.state == PLAYING and len(me.hand.cards) >= 2:
        left = seconds_left(me.deadline, now)
        clock = f"  ({left} s)" if left is not None else ""
        return f"Your move: Hit or Stand{clock}", GOLD
    if model.phase == PHASE_DEALER:
        return "The dealer draws", WHITE
    if me.state in (STOOD, BUST):
        return "Waiting for the other hands", DIM
    return "", WHITE


def signed(amount: int) -> str:
    """Chips won or lost: ``+40``, ``-20``, ``0``."""
    return f"+{amount}" if amount > 0 else f"{amount}"


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def casino_banner_text(model: Model, now: float) -> tuple[str, tuple[int, int, int]]:
    """The banner at a casino table: bets, insurance, the move, the outcome."""
    me = model.me
    if model.connection != SEATED:
        return "", WHITE
    if model.phase == PHASE_OVER:
        dealer = f"Dealer has {model.dealer.points}"
        if model.dealer_blackjack:
            dealer = "Dealer has blackjack"
        mine = ""
        colour = WHITE
        if me is not None and me.result is not None and model.net is not None:
            # The round's net (insurance included) says how it went overall.
            net = model.net
            outcome = "win" if net > 0 else "lose" if net < 0 else "push"
            mine = {"win": "You win ", "lose": "You lose "}.get(outcome, "Push")
            if net:
                mine += signed(net)
            base = RESULT_COLOURS[outcome]
            colour = tuple(min(255, c + 60) for c in base)  # type: ignore[assignment]
        left = seconds_left(model.next_round_at, now)
        after = f"  Bets open in {left} s" if left is not None else ""
        return f"{dealer}.  {mine}{after}", colour
    if me is None:
        return "", WHITE
    if model.phase == PHASE_BETTING:
        left = seconds_left(model.betting_until, now)
        clock = f"  ({left} s)" if left is not None else ""
        if me.bet is None:
            if model.can_rebuy():
                return f"Not enough chips to bet: R asks for a rebuy{clock}", GOLD
            if not model.can_bet() and model.awaiting is None:
                return f"Not enough chips to bet{clock}", DIM
            rules = model.rules
            low, high = rules.smallest_bet, rules.max_bet
            steps = f" in {rules.bet_unit}s" if rules.bet_unit > 1 else ""
            return f"Place your bet: {low} to {high} chips{steps}{clock}", GOLD
        return f"You bet {me.bet}. Waiting for the other bets{clock}", DIM
    if model.insurance_offer is not None:
        left = seconds_left(model.insurance_until, now)
        clock = f"  ({left} s)" if left is not None else ""
        return (
            f"Ace up: insurance costs {model.insurance_offer}. Take it?{clock}",
            GOLD,
        )
    if model.phase == PHASE_INSURANCE:
        return "Waiting for the insurance answers", DIM
    if me.sitting_out:
        return "You sit this round out: bet at the next one", DIM
    if me.state == WAITING or not me.hands:
        return "You can bet when the next round opens", DIM
    active = model.active_hand()
    if active is not None:
        hand = me.hands[active]
        words = ["Hit", "Stand"]
        words += ["Double"] if model.can_double() else []
        words += ["Split"] if model.can_split() else []
        words += ["Surrender"] if model.can_surrender() else []
        which = f" on hand {active + 1}" if len(me.hands) > 1 else ""
        left = seconds_left(hand.deadline, now)
        clock = f"  ({left} s)" if left is not None else ""
        return f"Your move{which}: {_listed(words)}{clock}", GOLD
    if model.phase == PHASE_DEALER:
        return "The dealer draws", WHITE
    if all(hand.status not in ("", PLAYING) for hand in me.hands):
        return "Waiting for the other hands", DIM
    return "", WHITE


def rules_lines(rules: Rules) -> list[str]:
    """A casino table's rules as the lines shown at the top right: the
    limits and betting unit, the payout, the dealer's rule, the options, and
    the return to player when the server states it."""
    limits = f"Bets {rules.min_bet} to {rules.max_bet}"
    if rules.bet_unit > 1:
        limits += f", in {rules.bet_unit}s"
    lines = [
        limits,
        f"Blackjack pays {rules.blackjack_pays}",
        f"Dealer {'hits' if rules.h17 else 'stands on'} soft 17",
    ]
    extras = []
    if rules.das:
        extras.append("double after split")
    if rules.surrender:
        extras.append("surrender")
    if extras:
        lines.append(", ".join(extras).capitalize())
    if rules.rtp is not None:
        error = f" ± {rules.rtp_error:.2f}" if rules.rtp_error is not None else ""
        lines.append(f"RTP {rules.rtp:.2f}%{error}")
    return lines


def seat_label(seat: Seat, model: Model) -> str:
    """What a casino seat is doing, in a word or two."""
    if seat.state == LEFT:
        return "left"
    if seat.away:
        return "away"
    if model.phase == PHASE_BETTING:
        if seat.bet is None:
            return "betting…"
        return f"bet {seat.bet}" if seat.bet else "has bet"
    if seat.sitting_out:
        return "sits out"
    if seat.state == WAITING or not seat.hands:
        return "waiting"
    if seat.insurance:
        return f"insured {seat.insurance}"
    return {PLAYING: "playing", BUST: "bust"}.get(seat.state, "done")


def hand_badge(hand: Hand) -> tuple[str, tuple[int, int, int], tuple[int, int, int]]:
    """The line under a casino hand: (text, fill, ink); the fill is None-like
    (the felt) for a plain bet."""
    net = hand.net
    if hand.result is not None and net is not None:
        if hand.result == "push":
            return "push", RESULT_COLOURS["push"], WHITE
        return signed(net), RESULT_COLOURS[hand.result], WHITE
    if hand.status == SURRENDERED:
        return f"gave up {signed(net or 0)}", RESULT_COLOURS["push"], WHITE
    if hand.status == BLACKJACK_STATUS:
        return "BLACKJACK", GOLD, INK
    if hand.status == BUST:
        return "BUST", RESULT_COLOURS["lose"], WHITE
    stake = f"bet {hand.bet}" + ("  x2" if hand.doubled else "")
    return stake, FELT_EDGE, GOLD


def history_line(
    played: wire.HistoryRound,
    clock: Callable[[float], time.struct_time] = time.localtime,
) -> str:
    """One round of the history on one line: when and where, the dealer's
    cards, each of the player's hands and how it ended, and the net."""
    when = time.strftime("%d %b %H:%M", clock(played.at))
    where = f"{when}  table {played.table} round {played.round}"
    if played.status == "refunded":
        return f"{where}  ·  refunded: {played.staked} back"
    dealer = " ".join(played.dealer) or "no cards"
    hands = "; ".join(
        f"{' '.join(hand.cards)} {hand.points} {hand.result}" for hand in played.hands
    )
    net = signed(played.net)
    return f"{where}  ·  dealer {dealer}  ·  {hands or 'no hands'}  ·  {net}"


def history_lines(
    model: Model,
    clock: Callable[[float], time.struct_time] = time.localtime,
) -> list[str]:
    """What the history overlay lists: the rounds, or why there are none."""
    if model.history is None:
        if model.error is not None:
            return [f"{model.error[1]} ({model.error[0]})"]
        if model.connection != SEATED:
            return ["Not connected: the history comes from the server"]
        return ["Asking the server …"]
    if not model.history:
        return ["No rounds played yet"]
    return [history_line(played, clock) for played in model.history]


def table_line(table: wire.TableView) -> str:
    """One table of the lobby on a line: its number and game, its seats,
    its watchers, who sits there and, at a casino table, the bets it takes."""
    seats = (
        "full"
        if is_full(table)
        else (f"{table.seats - table.taken} of {table.seats} seats free")
    )
    parts = [f"Table {table.table}", table.game, seats]
    if table.watchers:
        parts.append(f"{table.watchers} watching")
    rules = table.rules
    if rules is not None and rules.min_bet is not None and rules.max_bet is not None:
        parts.append(f"bets {rules.min_bet}-{rules.max_bet}")
    if table.players:
        parts.append(", ".join(table.players))
    return "  ·  ".join(parts)
