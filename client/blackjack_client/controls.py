"""What the player's keys and clicks mean: each pygame event becomes a
``Command`` for the app to carry out, or a new start form or lobby. Pure:
nothing here sends, draws or quits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pygame

from blackjack_client import view
from blackjack_client.model import (
    DISCONNECTED,
    FULL,
    RECONNECTING,
    Lobby,
    Model,
    chip_values,
)
from blackjack_client.model.lobby import moved, picked
from blackjackd.wire import MAX_PASSWORD_LENGTH

MAX_NAME = 32
MAX_URL = 300
#: The start form's fields, in Tab's order.
SERVER_FIELD, NAME_FIELD, PASSWORD_FIELD = range(3)
FIELDS = 3

#: Keys for actions (Q quits, Y shows the history, R reconnects while the
#: connection is down and asks for a rebuy while seated). A classic table
#: takes H and S only; the rest are a casino table's.
ACTION_KEYS = {
    pygame.K_h: "hit",
    pygame.K_s: "stand",
    pygame.K_d: "double",
    pygame.K_p: "split",
    pygame.K_u: "surrender",
    pygame.K_i: "insure",
    pygame.K_n: "decline",
    pygame.K_b: "bet",
}
#: 1 to 5 (or the keypad's) bet the chips shown, left to right.
CHIP_KEYS = {
    **{
        key: n
        for n, key in enumerate(
            (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_5)
        )
    },
    **{
        key: n
        for n, key in enumerate(
            (pygame.K_KP1, pygame.K_KP2, pygame.K_KP3, pygame.K_KP4, pygame.K_KP5)
        )
    },
}

QUIT, RECONNECT, ACT, SUBMIT = "quit", "reconnect", "act", "submit"
HISTORY = "history"
#: The lobby's and a watcher's: sit at a table, watch one, list them again,
#: go back to the list.
SIT, WATCH, REFRESH, LOBBY = "sit", "watch", "refresh", "lobby"

#: The connection states in which R connects again.
DOWN = (DISCONNECTED, FULL, RECONNECTING)


@dataclass(frozen=True)
class Command:
    """What an event asks of the app: quit, reconnect, submit the start
    form, open or close the history, or act (``action``, betting
    ``amount``)."""

    kind: str
    action: str = ""
    amount: int | None = None
    #: The table to sit at or watch (None: any free seat).
    table: int | None = None


def _clicked(event: pygame.event.Event) -> bool:
    return bool(event.type == pygame.MOUSEBUTTONDOWN and event.button == 1)


def table_command(
    event: pygame.event.Event,
    model: Model,
    size: tuple[int, int],
    history_open: bool = False,
) -> Command | None:
    """What a key or a click on the table's buttons asks for. While the
    history overlay is open, Esc and Y close it and clicks do nothing. A
    watcher's Enter sits down, and L goes back to the tables."""
    if model.watching is not None and not history_open:
        watched = _watcher_command(event, model, size)
        if watched is not None:
            return watched
    if history_open:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_y):
            return Command(HISTORY)
        if event.type != pygame.KEYDOWN or event.key != pygame.K_q:
            return None
    if event.type == pygame.KEYDOWN:
        if event.key in (pygame.K_q, pygame.K_ESCAPE):
            return Command(QUIT)
        if event.key == pygame.K_y:
            return Command(HISTORY)
        if event.key == pygame.K_r:
            if model.connection in DOWN:
                return Command(RECONNECT)
            return Command(ACT, "rebuy")
        if event.key in ACTION_KEYS:
            return Command(ACT, ACTION_KEYS[event.key])
        if event.key in CHIP_KEYS and model.casino:
            chips = chip_values(model.rules.min_bet, model.rules.max_bet)
            number = CHIP_KEYS[event.key]
            if number < len(chips):
                return Command(ACT, "bet", chips[number])
    elif _clicked(event):
        for button in view.buttons(model, size):
            if button.enabled and button.rect.collidepoint(event.pos):
                if button.action == RECONNECT:
                    return Command(RECONNECT)
                return Command(ACT, button.action, button.amount)
    return None


def _edited(form: view.StartForm, change: Callable[[str], str]) -> view.StartForm:
    if form.focus == SERVER_FIELD:
        return replace(form, server=change(form.server)[:MAX_URL])
    if form.focus == PASSWORD_FIELD:
        return replace(form, password=change(form.password)[:MAX_PASSWORD_LENGTH])
    return replace(form, name=change(form.name)[:MAX_NAME])


def start_command(
    event: pygame.event.Event, form: view.StartForm, size: tuple[int, int]
) -> tuple[view.StartForm, Command | None]:
    """The start form after a key, typing or a click, and what it asks for."""
    if event.type == pygame.KEYDOWN:
        if event.key == pygame.K_ESCAPE:
            return form, Command(QUIT)
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return form, Command(SUBMIT)
        if event.key == pygame.K_TAB:
            return replace(form, focus=(form.focus + 1) % FIELDS), None
        if event.key == pygame.K_BACKSPACE:
            return _edited(form, lambda text: text[:-1]), None
    elif event.type == pygame.TEXTINPUT:
        return _edited(form, lambda text: text + event.text), None
    elif _clicked(event):
        for index, rect in enumerate(view.start_fields(size)):
            if rect.collidepoint(event.pos):
                form = replace(form, focus=index)
        if view.start_button(size).rect.collidepoint(event.pos):
            return form, Command(SUBMIT)
    return form, None


def form_problem(server: str, name: str) -> str:
    """Why the start form can't connect yet ("" when it can)."""
    if not server.startswith(("ws://", "wss://")):
        return "The server is a ws:// or wss:// address"
    if not name:
        return "Type a name to sit down with"
    return ""


def _watcher_command(
    event: pygame.event.Event, model: Model, size: tuple[int, int]
) -> Command | None:
    if event.type == pygame.KEYDOWN:
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return Command(SIT, table=model.watching)
        if event.key == pygame.K_l:
            return Command(LOBBY)
    elif _clicked(event) and model.connection not in DOWN:
        for button in view.watch_buttons(size):
            if button.rect.collidepoint(event.pos):
                if button.action == SIT:
                    return Command(SIT, table=model.watching)
                return Command(LOBBY)
    return None


#: The lobby's keys: what each asks for.
LOBBY_KEYS = {
    pygame.K_RETURN: SIT,
    pygame.K_KP_ENTER: SIT,
    pygame.K_w: WATCH,
    pygame.K_r: REFRESH,
    pygame.K_F5: REFRESH,
}


def _chosen(lobby: Lobby, kind: str) -> Command | None:
    if kind == SIT and not lobby.can_sit():
        return None
    if kind == WATCH and not lobby.can_watch():
        return None
    chosen = lobby.chosen
    return Command(kind, table=None if chosen is None else chosen.table)


def lobby_command(
    event: pygame.event.Event, lobby: Lobby, size: tuple[int, int]
) -> tuple[Lobby, Command | None]:
    """The lobby after a key or a click, and what it asks for: the arrows
    (and the wheel) move the pointer, a click points at a row (a second
    click on it sits down), Enter sits, W watches, R lists the tables
    again, Esc quits."""
    if event.type == pygame.KEYDOWN:
        if event.key in (pygame.K_ESCAPE, pygame.K_q):
            return lobby, Command(QUIT)
        if event.key in (pygame.K_UP, pygame.K_DOWN):
            return moved(lobby, -1 if event.key == pygame.K_UP else 1), None
        if event.key in (pygame.K_HOME, pygame.K_END):
            return picked(lobby, 0 if event.key == pygame.K_HOME else lobby.rows), None
        if event.key in LOBBY_KEYS:
            return lobby, _chosen(lobby, LOBBY_KEYS[event.key])
    elif event.type == pygame.MOUSEWHEEL:
        return moved(lobby, -event.y), None
    elif _clicked(event):
        for button in view.lobby_buttons(size, lobby):
            if button.enabled and button.rect.collidepoint(event.pos):
                if button.action == REFRESH:
                    return lobby, Command(REFRESH)
                return lobby, _chosen(lobby, button.action)
        for row, rect in view.lobby_rows(size, lobby):
            if rect.collidepoint(event.pos):
                if row == lobby.selected:
                    return lobby, _chosen(lobby, SIT)
                return picked(lobby, row), None
    return lobby, None
