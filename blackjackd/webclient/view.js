/**
 * Drawing: the page from the model's state and the app's own (`ui`: which
 * screen, the lobby's tables, the sign-in error, the status line). Reads
 * both, changes only the DOM; the buttons themselves live in index.html and
 * are only shown, hidden, enabled or disabled here.
 */

import { faceDown, faceUp } from "./cards.js";
import { activeHand, moves } from "./model.js";

const $ = (id) => document.getElementById(id);

/** An element: `h("p", {class: "x"}, "text", child...)`. Text is always
 * set as text, never parsed as HTML (names come from other players). */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A countdown, kept up to date by `tick`. */
function timer(until, label) {
  return h("span", { class: "countdown", "data-until": Math.round(until), "data-label": label });
}

/** Refresh every countdown's seconds. */
export function tick(now = Date.now()) {
  for (const node of document.querySelectorAll("[data-until]")) {
    const left = Math.max(0, Math.ceil((Number(node.dataset.until) - now) / 1000));
    node.textContent = `${node.dataset.label} ${left} s`.trim();
    node.classList.toggle("urgent", left <= 5);
  }
}

function rulesText(rules) {
  if (!rules) return "";
  const unit = rules.bet_unit > 1 ? `, in ${rules.bet_unit}s` : "";
  return `bets ${rules.min_bet}–${rules.max_bet}${unit}, blackjack pays ${rules.blackjack_pays}`;
}

/** The tables the lobby shows now, as JSON. */
let lobbyShown = "";

/** The lobby: one entry per table, with Sit and Watch. */
export function drawLobby(tables) {
  const list = $("tables");
  $("lobby-empty").hidden = Array.isArray(tables) && tables.length > 0;
  if (!Array.isArray(tables)) return;
  // Redrawn only when something changed: a focused button keeps its focus.
  const shown = JSON.stringify(tables);
  if (shown === lobbyShown) return;
  lobbyShown = shown;
  list.replaceChildren(
    ...tables.map((t) => {
      const full = t.taken >= t.seats;
      return h(
        "li",
        { class: "table-entry", "data-table": t.table },
        h("h3", {}, `Table ${t.table}`, h("span", { class: "game" }, ` ${t.game}`)),
        h(
          "p",
          { class: "figures" },
          `${t.taken}/${t.seats} seats taken · ${t.watchers} watching`,
          t.rules ? ` · bets ${t.rules.min_bet}–${t.rules.max_bet}` : "",
        ),
        h("p", { class: "players" }, t.players.length ? t.players.join(", ") : "nobody yet"),
        h(
          "div",
          { class: "row" },
          h("button", {
            type: "button", class: "sit", "data-table": t.table, disabled: full,
            "aria-label": `Sit at table ${t.table}`,
          }, full ? "Full" : "Sit"),
          h("button", {
            type: "button", class: "watch", "data-table": t.table,
            "aria-label": `Watch table ${t.table}`,
          }, "Watch"),
        ),
      );
    }),
  );
}

const STATUS_WORDS = {
  stood: "stood", bust: "bust", blackjack: "blackjack", surrendered: "surrendered",
};
const RESULT_WORDS = { win: "win", lose: "lose", push: "push" };

function drawHand(state, seat, hand, active) {
  const casino = state.game === "casino";
  const done = STATUS_WORDS[hand.status];
  const turn = state.turns[`${seat.id}:${hand.hand}`];
  const result = hand.result
    ? `${RESULT_WORDS[hand.result] || hand.result}${
        casino && hand.payout !== null ? ` (${hand.payout > 0 ? "+" + hand.payout : "0"})` : ""
      }`
    : null;
  return h(
    "div",
    {
      class: `hand${active ? " active" : ""}${hand.result ? ` ${hand.result}` : ""}`,
      "data-hand": hand.hand,
      "aria-current": active ? "true" : false,
    },
    h("div", { class: "cards" }, hand.cards.map(faceUp)),
    h(
      "p",
      { class: "about" },
      hand.cards.length ? h("span", { class: "points" }, String(hand.points)) : null,
      casino && hand.bet ? h("span", { class: "bet" }, `bet ${hand.bet}`) : null,
      hand.doubled ? h("span", { class: "state" }, "doubled") : null,
      done ? h("span", { class: "state" }, done) : null,
      result ? h("span", { class: "result" }, result) : null,
      turn && hand.status === "playing" ? timer(turn, "") : null,
    ),
  );
}

function seatLabel(state, seat) {
  const bits = [];
  if (!seat.connected) bits.push("away");
  if (seat.state === "waiting") bits.push("waiting for the next round");
  if (state.game === "casino" && state.phase === "betting") {
    bits.push(seat.state === "bet" ? `bet ${seat.bet}` : "betting");
  }
  if (seat.insurance) bits.push(`insured ${seat.insurance}`);
  return bits.join(" · ");
}

function drawSeat(state, seat) {
  const me = state.mode === "seated" && seat.id === state.myId;
  const active = me ? activeHand(state) : null;
  const label = seatLabel(state, seat);
  return h(
    "li",
    {
      class: `seat${me ? " me" : ""}${seat.connected ? "" : " away"}${
        seat.hands.length > 1 ? " split" : ""
      }`,
      "data-id": seat.id,
      "data-name": seat.username,
    },
    h(
      "h3",
      {},
      h("span", { class: "name" }, seat.username),
      me ? h("span", { class: "you" }, " (you)") : null,
      state.game === "casino" && seat.balance !== null && !me
        ? h("span", { class: "chips" }, ` ${seat.balance} chips`)
        : null,
    ),
    label ? h("p", { class: "label" }, label) : null,
    h("div", { class: "hands" }, seat.hands.map((x) => drawHand(state, seat, x, x.hand === active))),
  );
}

/** The chip buttons: made anew only when the chips change, so a button
 * keeps the keyboard's focus while the table moves on. */
function drawChips(chips, online) {
  const row = $("chips");
  const amounts = chips.map((chip) => chip.amount).join(",");
  if (row.dataset.amounts !== amounts) {
    row.dataset.amounts = amounts;
    row.replaceChildren(
      ...chips.map((chip, index) =>
        h("button", {
          type: "button", class: "chip", "data-amount": chip.amount,
          "aria-keyshortcuts": String(index + 1),
          "aria-label": `Bet ${chip.amount}`,
        }, String(chip.amount), h("kbd", {}, String(index + 1))),
      ),
    );
  }
  chips.forEach((chip, index) => {
    row.children[index].disabled = !chip.enabled || !online;
  });
}

function show(id, visible) {
  $(id).hidden = !visible;
}

/** The table: dealer, seats, and which controls show and work. */
export function drawTable(state, ui, now = Date.now()) {
  const casino = state.game === "casino";
  const dealer = $("dealer");
  const cards = state.dealer.cards.map(faceUp);
  if (state.dealer.hole) cards.splice(1, 0, faceDown());
  dealer.querySelector(".cards").replaceChildren(...cards);
  dealer.querySelector(".points").textContent =
    state.dealer.cards.length && !state.dealer.hole
      ? state.dealer.blackjack ? "blackjack" : String(state.dealer.points ?? "")
      : "";
  const clock = dealer.querySelector(".timer");
  clock.replaceChildren();
  if (state.phase === "betting" && state.bettingUntil > now) {
    clock.append(timer(state.bettingUntil, "Betting closes in"));
  } else if (state.insuranceOffer && state.mode === "seated") {
    clock.append(
      `Insurance costs ${state.insuranceOffer.amount}. `,
      timer(state.insuranceOffer.until, "Answer within"),
    );
  } else if (state.nextRoundAt && state.nextRoundAt > now && !state.phase?.startsWith("play")) {
    clock.append(timer(state.nextRoundAt, "Next round in"));
  }

  const seats = Object.values(state.seats).sort((a, b) => a.seat - b.seat);
  $("seats").replaceChildren(...seats.map((seat) => drawSeat(state, seat)));

  const seated = state.mode === "seated";
  const watching = state.mode === "watching";
  const can = moves(state);
  const down = ui.connection === "gave-up";
  // Only the moves of the moment show: bets while betting is open, the
  // insurance answers while it is offered, the rest while hands are played.
  const betting = casino && state.phase === "betting";
  const insuring = state.insuranceOffer !== null;
  for (const button of document.querySelectorAll("#moves button")) {
    const move = button.dataset.move;
    const timely =
      move === "rebet" ? betting
      : move === "insure" || move === "decline" ? insuring
      : (casino || move === "hit" || move === "stand") && !betting && !insuring;
    button.hidden = !seated || !timely;
    button.disabled = !(move === "rebet" ? can.bet : can[move]) || !ui.online;
  }
  drawChips(can.chips, ui.online);
  show("chips", seated && betting);
  show("rebuy", seated && casino && can.rebuy);
  $("rebuy").disabled = !ui.online;
  show("reconnect", down);
  show("take-seat", watching);
  show("history-button", seated);
  $("history-button").disabled = !ui.online;
  $("leave").firstChild.textContent = watching ? "Back to lobby " : "Leave ";

  const where = state.table
    ? `${watching ? "Watching table" : "Table"} ${state.table} · ${state.game}${
        casino ? ` · ${rulesText(state.rules)}` : ""
      }`
    : "";
  $("where").textContent = where;
  const balance = $("balance");
  balance.hidden = !(seated && casino && state.balance !== null);
  balance.textContent = `${state.balance} chips`;
  drawHistory(state, ui);
}

function drawHistory(state, ui) {
  show("history", ui.historyOpen);
  if (!ui.historyOpen) return;
  const rounds = state.history || [];
  $("history-rounds").replaceChildren(
    ...(rounds.length
      ? rounds.map((r) =>
          h(
            "li",
            {},
            `Table ${r.table}, round ${r.round}: `,
            r.hands.map((x) => `${x.cards.join(" ")} (${x.points}) ${x.result}`).join("; "),
            ` against ${r.dealer.join(" ")}`,
            r.game === "casino" ? ` · net ${r.net > 0 ? "+" : ""}${r.net}` : "",
            r.status === "refunded" ? " · refunded" : "",
          ),
        )
      : [h("li", {}, "No rounds yet")]),
  );
}

/** Which screen shows, and the status line. */
export function drawScreen(ui) {
  for (const screen of ["lobby", "signin", "table"]) show(screen, ui.screen === screen);
  $("status").textContent = ui.status;
  $("signin-error").textContent = ui.signinError;
  $("signin-title").textContent = ui.chosen ? `Sit at table ${ui.chosen}` : "Take a seat";
}
