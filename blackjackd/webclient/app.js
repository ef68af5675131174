/**
 * The web client's wiring: the lobby, signing in, the connection (net.js),
 * the model (model.js) and the drawing (view.js), buttons and keys.
 *
 * The resume token lives in sessionStorage, so a reload (or a dropped
 * connection) puts the player back in their seat; a token the server no
 * longer knows falls back to signing in by name. The password is never
 * stored: it stays in this page's memory only.
 */

import { Connection } from "./net.js";
import { activeHand, initialState, moves, rebetAmount, reduce } from "./model.js";
import { drawLobby, drawScreen, drawTable, tick } from "./view.js";

const LOBBY_REFRESH = 3000;
/** After "shutdown", how long to keep trying: a restart may take minutes. */
const RESTART_PATIENCE = 600000;
const TICK = 250;
const store = window.sessionStorage;
const KEYS = { token: "blackjackd.token", table: "blackjackd.table", name: "blackjackd.name", watch: "blackjackd.watch" };

let state = initialState();
const ui = {
  screen: "lobby",
  tables: null,
  chosen: null, // the table the sign-in form is for
  signinError: "",
  status: "",
  online: false,
  connection: "idle", // "open", "reconnecting", "gave-up"
  historyOpen: false,
};
let connection = null;
let password = ""; // in memory only
let signingIn = null; // "token" or "name" while an auth is unanswered
let tableMoved = false; // the last close said the table moved (4002)
let toldToWait = false; // a sign-in was answered 503 (try again), not seated since
let watchAsked = false;

const $ = (id) => document.getElementById(id);

function words(text) {
  const t = String(text || "").trim();
  return t ? t[0].toUpperCase() + t.slice(1) : "Something went wrong";
}

function draw() {
  drawScreen(ui);
  if (ui.screen === "lobby") drawLobby(ui.tables);
  drawTable(state, ui);
  tick();
}

function say(text) {
  ui.status = text;
}

// ---- the lobby ----------------------------------------------------------

async function refreshLobby() {
  if (ui.screen !== "lobby") return;
  try {
    const answer = await fetch("/tables", { cache: "no-store" });
    if (!answer.ok) throw new Error(answer.statusText);
    ui.tables = (await answer.json()).tables;
  } catch {
    say("Can't reach the server for the list of tables: trying again");
  }
  draw();
}

function toLobby(text) {
  if (connection) connection.close();
  connection = null;
  state = initialState();
  signingIn = null;
  watchAsked = false;
  toldToWait = false;
  for (const name of [KEYS.token, KEYS.table, KEYS.watch]) store.removeItem(name);
  ui.screen = "lobby";
  ui.online = false;
  ui.connection = "idle";
  ui.historyOpen = false;
  if (text !== undefined) say(text);
  draw();
  refreshLobby();
}

// ---- the connection ------------------------------------------------------

function connect(table) {
  if (connection) connection.close();
  ui.connection = "connecting";
  connection = new Connection(table, { onOpen, onMessage, onClose, onDrop, onGiveUp });
}

function send(message) {
  connection?.send(message);
}

function signIn(table) {
  const name = ui.name;
  const data = { username: name, table };
  if (password) data.password = password;
  signingIn = "name";
  send({ type: "auth", data });
}

function onOpen() {
  ui.online = true;
  ui.connection = "open";
  watchAsked = false;
  const watching = state.mode === "watching" || store.getItem(KEYS.watch);
  if (watching && !store.getItem(KEYS.token)) {
    watchAsked = true;
    send({ type: "watch", data: { table: Number(connection.table) } });
  }
  draw();
}

function onMessage(message) {
  const before = state.notices;
  if (message.type === "id") toldToWait = false;
  if (message.type === "auth") {
    if (watchAsked || state.mode === "watching") return;
    const token = store.getItem(KEYS.token);
    if (token) {
      signingIn = "token";
      send({ type: "auth", data: { token } });
    } else if (ui.name) {
      signIn(Number(connection.table));
    }
    return;
  }
  if (message.type === "error") return onError(message);
  state = reduce(state, message, Date.now());
  switch (message.type) {
    case "id":
      signingIn = null;
      store.setItem(KEYS.token, message.token || "");
      store.setItem(KEYS.table, String(message.table));
      store.setItem(KEYS.name, message.username);
      store.removeItem(KEYS.watch);
      ui.name = message.username;
      ui.screen = "table";
      ui.signinError = "";
      break;
    case "watching":
      watchAsked = false;
      store.setItem(KEYS.watch, String(message.table));
      if (ui.screen !== "signin") ui.screen = "table";
      break;
    case "left":
      if (state.mode === null) {
        // Stood up by the table: it closes the connection; don't come back.
        const why = state.notice;
        return toLobby(why);
      }
      break;
    case "history":
      ui.historyOpen = true;
      break;
    default:
      break;
  }
  if (state.notices !== before) say(state.notice);
  draw();
}

function onError(error) {
  const text = words(error.message);
  const code = error.status_code;
  if (code === 503 && (signingIn === "token" || (signingIn === "name" && state.mode !== "watching"))) {
    // The server stops, or the table moves between a cluster's servers:
    // sign in again (a token stays good) after a wait.
    signingIn = null;
    toldToWait = true;
    say(text);
    connection.again();
  } else if (signingIn === "token" && code === 401) {
    // The seat is gone (or the server restarted): sign in by name again.
    store.removeItem(KEYS.token);
    state = initialState();
    if (ui.name) {
      say(`Your seat was not kept: signing in again as ${ui.name}`);
      signIn(Number(store.getItem(KEYS.table) || connection.table));
    } else {
      return toLobby("Your seat was not kept: choose a table");
    }
  } else if (signingIn === "name") {
    signingIn = null;
    ui.signinError = text;
    if (state.mode === "watching") {
      ui.screen = "signin"; // still watching: the form stays, saying why
    } else {
      connection?.close();
      connection = null;
      ui.online = false;
      ui.screen = "signin";
      ui.chosen = ui.chosen || Number(store.getItem(KEYS.table)) || null;
    }
    say(text);
  } else if (watchAsked) {
    return toLobby(text);
  } else {
    say(text);
  }
  draw();
}

function onClose(code, reason) {
  ui.online = false;
  tableMoved = code === 4002;
  if (code === 4001) {
    return toLobby("You signed in elsewhere: the seat went with you");
  } else if (state.mode === null && !store.getItem(KEYS.token) && !toldToWait) {
    // Never seated or watching: nothing to come back to.
    connection.keep = false;
    const why = reason ? words(reason) : "The server closed the connection";
    if (ui.screen === "signin") ui.signinError = ui.signinError || why;
    say(why);
  }
  draw();
}

function onDrop(delay) {
  ui.connection = "reconnecting";
  const seconds = Math.max(1, Math.round(delay / 1000));
  if (state.serverStopping) {
    // A restart may take a while: keep trying for longer than after a drop.
    connection.patience = RESTART_PATIENCE;
    say(`The server is restarting, reconnecting in ${seconds} s`);
  } else if (tableMoved) {
    say(`The table moved to another server, following it in ${seconds} s`);
  } else if (toldToWait) {
    say(`Trying again in ${seconds} s`);
  } else {
    say(`Connection lost, reconnecting in ${seconds} s`);
  }
  draw();
}

function onGiveUp() {
  ui.connection = "gave-up";
  say("Can't reach the server. Press Reconnect (R) to try again");
  draw();
}

// ---- moves ------------------------------------------------------------------

function act(move) {
  const can = moves(state);
  const casino = state.game === "casino";
  const index = activeHand(state);
  const hand = casino && index !== null ? { hand: index } : {};
  if (move === "hit" || move === "stand" || move === "double" || move === "split" || move === "surrender") {
    if (can[move]) send({ type: move, ...hand });
  } else if (move === "insure" || move === "decline") {
    if (can[move]) send({ type: "insurance", take: move === "insure" });
  } else if (move === "rebet") {
    if (can.bet) bet(rebetAmount(state));
  }
}

function bet(amount) {
  if (moves(state).bet && amount) send({ type: "bet", amount });
}

function rebuyOrReconnect() {
  if (ui.connection === "gave-up" && connection) {
    ui.connection = "reconnecting";
    connection.now();
  } else if (moves(state).rebuy) {
    send({ type: "rebuy" });
  }
}

function history() {
  if (ui.historyOpen) {
    ui.historyOpen = false;
    draw();
  } else if (state.mode === "seated") {
    send({ type: "history", data: { limit: 10 } });
  }
}

// ---- the page's controls ------------------------------------------------------

function chooseTable(table) {
  ui.chosen = table;
  ui.signinError = "";
  ui.screen = "signin";
  $("name").value = ui.name || store.getItem(KEYS.name) || "";
  draw();
  $("name").focus();
}

function watch(table) {
  state = initialState();
  store.setItem(KEYS.watch, String(table));
  ui.screen = "table";
  say(`Watching table ${table}`);
  connect(table);
  draw();
}

function submitSignIn(event) {
  event.preventDefault();
  const name = $("name").value.trim();
  if (!name) {
    ui.signinError = "Type a name first";
    return draw();
  }
  ui.name = name;
  password = $("password").value;
  $("password").value = "";
  ui.signinError = "";
  say(`Taking a seat at table ${ui.chosen}…`);
  if (state.mode === "watching" && connection?.isOpen) {
    signIn(ui.chosen);
  } else {
    state = initialState();
    store.removeItem(KEYS.token);
    store.removeItem(KEYS.watch);
    connect(ui.chosen);
  }
  draw();
}

function backFromSignIn() {
  if (state.mode === "watching") {
    ui.screen = "table";
    draw();
  } else {
    toLobby("");
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button || button.disabled) return;
  if (button.classList.contains("sit")) chooseTable(Number(button.dataset.table));
  else if (button.classList.contains("watch")) watch(Number(button.dataset.table));
  else if (button.classList.contains("chip")) bet(Number(button.dataset.amount));
  else if (button.dataset.move) act(button.dataset.move);
  else if (button.id === "rebuy" || button.id === "reconnect") rebuyOrReconnect();
  else if (button.id === "history-button" || button.id === "history-close") history();
  else if (button.id === "take-seat") chooseTable(state.table);
  else if (button.id === "leave") toLobby(state.mode === "watching" ? "" : "You left the table");
  else if (button.id === "signin-back") backFromSignIn();
});
$("signin-form").addEventListener("submit", submitSignIn);

const MOVE_KEYS = { h: "hit", s: "stand", d: "double", p: "split", u: "surrender", i: "insure", n: "decline", b: "rebet" };

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest?.("input, textarea, select")) return;
  if (ui.screen !== "table") return;
  const key = event.key.toLowerCase();
  if (ui.historyOpen && (key === "escape" || key === "y")) return history();
  if (key in MOVE_KEYS) act(MOVE_KEYS[key]);
  else if (key >= "1" && key <= "5") {
    const chip = moves(state).chips[Number(key) - 1];
    if (chip?.enabled) bet(chip.amount);
  } else if (key === "r") rebuyOrReconnect();
  else if (key === "y") history();
  else if (key === "q") toLobby(state.mode === "watching" ? "" : "You left the table");
  else return;
  event.preventDefault();
});

// ---- start ----------------------------------------------------------------------

function start() {
  ui.name = store.getItem(KEYS.name) || "";
  const token = store.getItem(KEYS.token);
  const table = store.getItem(KEYS.table);
  const watching = store.getItem(KEYS.watch);
  if (token && table) {
    ui.screen = "table";
    ui.chosen = Number(table);
    say("Coming back to your seat…");
    connect(Number(table));
  } else if (watching) {
    watch(Number(watching));
  }
  draw();
  refreshLobby();
  setInterval(refreshLobby, LOBBY_REFRESH);
  setInterval(tick, TICK);
}

start();
