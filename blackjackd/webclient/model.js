/**
 * The table as the server tells it: `reduce(state, message, now)` returns
 * the state after one server message, and nothing here touches the page or
 * the network. `moves(state)` works out what the player may do now; the
 * drawing code (view.js) reads both.
 *
 * Times: every "seconds" the server sends counts from the message's
 * arrival, so the state keeps deadlines as `now + seconds * 1000`.
 */

/** The chip denominations, and the most chips offered at once. */
const CHIP_VALUES = [1, 5, 10, 25, 50, 100, 500, 1000, 5000];
const MAX_CHIPS = 5;

/** A fresh state: not connected, no table. */
export function initialState() {
  return {
    mode: null, // "seated", "watching" or null
    table: null,
    game: null,
    seatsCount: 0,
    turnTimeout: 0,
    rules: null,
    myId: null,
    username: null,
    account: false,
    balance: null,
    net: null,
    phase: null,
    seats: {}, // by player id: {id, username, seat, hands, state, connected, bet, insurance}
    dealer: { cards: [], hole: false, points: null, blackjack: false },
    turns: {}, // "id:hand" -> deadline (ms)
    bettingUntil: null,
    nextRoundAt: null,
    insuranceOffer: null, // {amount, until}
    lastBet: null,
    history: null,
    serverStopping: false, // told "shutdown": it restarts soon
    notice: "", // what the status line says, and
    notices: 0, // how many were said: a notice may repeat
  };
}

function note(state, text) {
  state.notice = text;
  state.notices += 1;
}

function key(id, hand) {
  return `${id}:${hand ?? 0}`;
}

function hand(index, cards = [], points = 0, bet = 0, status = "playing") {
  return { hand: index, cards, points, bet, status, result: null, payout: null };
}

function seatOf(state, id) {
  if (!(id in state.seats)) {
    state.seats[id] = {
      id,
      username: id === state.myId ? state.username : `#${id}`,
      seat: 99,
      hands: [],
      state: "playing",
      connected: true,
      bet: 0,
      balance: null,
      insurance: 0,
    };
  }
  return state.seats[id];
}

function handOf(seat, index) {
  const at = index ?? 0;
  while (seat.hands.length <= at) seat.hands.push(hand(seat.hands.length));
  return seat.hands[at];
}

/** A seat from `other_players` or a snapshot's seat. */
function seatFrom(state, message) {
  const seat = seatOf(state, message.id);
  seat.username = message.username ?? seat.username;
  seat.seat = message.seat ?? seat.seat;
  seat.state = message.state ?? seat.state;
  seat.connected = message.connected ?? true;
  seat.bet = message.bet ?? seat.bet;
  seat.balance = message.balance ?? seat.balance;
  seat.insurance = message.insurance ?? seat.insurance;
  if (Array.isArray(message.hands)) {
    seat.hands = message.hands.map((h) =>
      hand(h.hand, [...h.cards], h.points, h.bet, h.status),
    );
  } else if (Array.isArray(message.hand) && message.hand.length) {
    const status = ["stood", "bust"].includes(message.state) ? message.state : "playing";
    seat.hands = [hand(0, [...message.hand], message.points, 0, status)];
  } else {
    seat.hands = [];
  }
  return seat;
}

function clearRound(state) {
  for (const seat of Object.values(state.seats)) {
    seat.hands = [];
    seat.insurance = 0;
  }
  state.dealer = { cards: [], hole: false, points: null, blackjack: false };
  state.turns = {};
  state.insuranceOffer = null;
  state.nextRoundAt = null;
  state.net = null;
}

function endTurn(state, id, index) {
  delete state.turns[key(id, index)];
}

function forgetTable(state) {
  const kept = { history: state.history, notices: state.notices };
  Object.assign(state, initialState(), kept);
}

const RESULT_WORDS = { win: "won", lose: "lost", push: "pushed" };

/** The state after `message` from the server, received at `now` (ms). */
export function reduce(previous, message, now) {
  const state = structuredClone(previous);
  const m = message;
  switch (m.type) {
    case "id": {
      state.serverStopping = false;
      const resumed = state.mode === "seated" && state.myId === m.client_id;
      if (!resumed) forgetTable(state);
      state.mode = "seated";
      state.myId = m.client_id;
      state.username = m.username;
      state.table = m.table;
      state.seatsCount = m.seats;
      state.turnTimeout = m.turn_timeout;
      state.game = m.game || "classic";
      state.rules = m.rules || null;
      state.account = Boolean(m.account);
      if (m.balance !== undefined) state.balance = m.balance;
      const me = seatOf(state, m.client_id);
      me.username = m.username;
      me.seat = m.seat;
      note(state, `Seated at table ${m.table}`);
      break;
    }
    case "watching":
      forgetTable(state);
      state.mode = "watching";
      state.table = m.table;
      state.game = m.game;
      state.seatsCount = m.seats;
      state.turnTimeout = m.turn_timeout;
      state.rules = m.rules || null;
      note(state, `Watching table ${m.table}`);
      break;
    case "snapshot":
      clearRound(state);
      state.seats = {};
      for (const seat of m.seats) seatFrom(state, seat);
      if (state.myId !== null && state.mode === "seated") {
        seatOf(state, state.myId).username = state.username;
      }
      state.game = m.game ?? state.game;
      state.phase = m.phase;
      state.dealer.cards = [...m.dealer];
      state.dealer.hole = Boolean(m.hole_card);
      for (const turn of m.turns || []) {
        state.turns[key(turn.id, turn.hand)] = now + turn.seconds * 1000;
      }
      if (m.seconds !== undefined && m.seconds !== null) {
        if (m.phase === "betting") state.bettingUntil = now + m.seconds * 1000;
        else if (m.phase === "between_rounds") state.nextRoundAt = now + m.seconds * 1000;
      }
      if (m.balance !== undefined) state.balance = m.balance;
      if (m.insurance_offer) {
        // The snapshot's offer is its cost; the phase's seconds are its time.
        state.insuranceOffer = { amount: m.insurance_offer, until: now + (m.seconds ?? 0) * 1000 };
      }
      if (state.mode === "seated") note(state, "Back at your seat");
      break;
    case "other_players":
      seatFrom(state, m);
      break;
    case "new_client": {
      const seat = seatOf(state, m.message);
      seat.username = m.username;
      seat.seat = m.seat;
      seat.state = "waiting";
      seat.hands = [];
      break;
    }
    case "wait":
      seatOf(state, state.myId).state = "waiting";
      if (Array.isArray(m.dealer)) state.dealer.cards = [...m.dealer];
      note(state, "You are dealt in at the next round");
      break;
    case "restart":
      clearRound(state);
      state.phase = "playing";
      state.bettingUntil = null;
      for (const seat of Object.values(state.seats)) {
        if (state.game !== "casino" || seat.state === "bet") seat.state = "playing";
        else if (state.game === "casino") seat.state = "waiting";
      }
      break;
    case "hit": {
      if (m.id === "dealer") {
        // With the hole card down, the dealer's next card is the hole
        // card turned over.
        state.dealer.hole = false;
        state.dealer.cards.push(m.card);
        state.dealer.points = m.points;
        break;
      }
      const seat = seatOf(state, m.id);
      const h = handOf(seat, m.hand);
      h.cards.push(m.card);
      h.points = m.points;
      if (seat.bet && !h.bet && seat.hands.length === 1) h.bet = seat.bet;
      if (m.points > 21) {
        h.status = "bust";
        endTurn(state, m.id, m.hand);
      }
      break;
    }
    case "hole_card":
      state.dealer.hole = true;
      break;
    case "deadline": {
      const mine = m.id === state.myId && state.mode === "seated";
      const waiting = Object.keys(state.turns).some((k) => k.startsWith(`${m.id}:`));
      if (mine && !waiting) note(state, "Your turn");
      state.turns[key(m.id, m.hand)] = now + m.seconds * 1000;
      if (state.phase !== "playing") state.phase = "playing";
      state.insuranceOffer = null;
      break;
    }
    case "stand": {
      const h = handOf(seatOf(state, m.id), m.hand);
      h.status = m.reason === "blackjack" ? "blackjack" : "stood";
      endTurn(state, m.id, m.hand);
      break;
    }
    case "bust": {
      handOf(seatOf(state, m.id), m.hand).status = "bust";
      endTurn(state, m.id, m.hand);
      break;
    }
    case "winner":
    case "lose":
    case "push": {
      const result = { winner: "win", lose: "lose", push: "push" }[m.type];
      const h = handOf(seatOf(state, m.id), m.hand);
      h.result = result;
      if (m.payout !== undefined) h.payout = m.payout;
      break;
    }
    case "round_over": {
      state.dealer.cards = [...m.dealer.hand];
      state.dealer.points = m.dealer.points;
      state.dealer.hole = false;
      state.dealer.blackjack = Boolean(m.dealer.blackjack);
      for (const r of m.results) {
        const seat = seatOf(state, r.id);
        seat.username = r.username ?? seat.username;
        const h = handOf(seat, r.index);
        h.cards = [...r.hand];
        h.points = r.points;
        h.result = r.result;
        if (r.bet !== undefined) h.bet = r.bet;
        if (r.payout !== undefined) h.payout = r.payout;
        if (r.surrendered) h.status = "surrendered";
        if (r.balance !== undefined) seat.balance = r.balance;
      }
      state.turns = {};
      state.insuranceOffer = null;
      state.phase = state.game === "casino" ? "between_rounds" : "waiting";
      state.nextRoundAt = now + (m.next_round_in ?? 0) * 1000;
      const mine = m.results.filter((r) => r.id === state.myId);
      if (mine.length) {
        const words = mine.map((r) => `You ${RESULT_WORDS[r.result] || r.result}`);
        note(state, words.join(", "));
      } else {
        note(state, `Dealer has ${m.dealer.points}`);
      }
      break;
    }
    case "left": {
      if (m.id === state.myId) {
        forgetTable(state);
        const idle = m.reason === "idle";
        note(state, idle ? "You were stood up: too many rounds without a move" : "You left the table");
      } else {
        const name = state.seats[m.id]?.username;
        delete state.seats[m.id];
        for (const k of Object.keys(state.turns)) {
          if (k.startsWith(`${m.id}:`)) delete state.turns[k];
        }
        if (name) note(state, `${name} left`);
      }
      break;
    }
    case "away":
      seatOf(state, m.id).connected = false;
      break;
    case "back":
      seatOf(state, m.id).connected = true;
      break;
    case "shuffle":
      note(state, "The dealer shuffles the shoe");
      break;
    case "betting":
      clearRound(state);
      state.phase = "betting";
      state.bettingUntil = now + m.seconds * 1000;
      for (const seat of Object.values(state.seats)) {
        seat.bet = 0;
        seat.state = "betting";
      }
      if (state.mode === "seated") note(state, "Place your bet");
      break;
    case "bet": {
      const seat = seatOf(state, m.id);
      seat.bet = m.amount;
      seat.balance = m.balance;
      seat.state = "bet";
      if (m.id === state.myId) {
        state.balance = m.balance;
        state.lastBet = m.amount;
        note(state, `You bet ${m.amount}`);
      }
      break;
    }
    case "sit_out":
      seatOf(state, m.id).state = "waiting";
      break;
    case "insurance_offer":
      state.phase = "insurance";
      note(state, `Insurance? It costs ${m.amount}`);
      state.insuranceOffer = { amount: m.amount, until: now + m.seconds * 1000 };
      break;
    case "insurance": {
      const seat = seatOf(state, m.id);
      seat.insurance = m.taken ? m.amount : 0;
      seat.balance = m.balance;
      if (m.id === state.myId) {
        state.balance = m.balance;
        state.insuranceOffer = null;
      }
      break;
    }
    case "peek":
      note(state, m.blackjack ? "Dealer has blackjack" : "Dealer peeks: no blackjack");
      break;
    case "insurance_result":
      if (m.id === state.myId) state.balance = m.balance;
      seatOf(state, m.id).balance = m.balance;
      break;
    case "double": {
      const seat = seatOf(state, m.id);
      handOf(seat, m.hand).bet = m.bet;
      handOf(seat, m.hand).doubled = true;
      seat.balance = m.balance;
      if (m.id === state.myId) state.balance = m.balance;
      break;
    }
    case "split": {
      const seat = seatOf(state, m.id);
      for (const h of m.hands) {
        seat.hands[h.hand] = hand(h.hand, [...h.cards], h.points, h.bet, h.status);
      }
      seat.balance = m.balance;
      if (m.id === state.myId) state.balance = m.balance;
      break;
    }
    case "surrender": {
      const seat = seatOf(state, m.id);
      handOf(seat, m.hand).status = "surrendered";
      endTurn(state, m.id, m.hand);
      seat.balance = m.balance;
      if (m.id === state.myId) state.balance = m.balance;
      break;
    }
    case "balance":
      state.balance = m.balance;
      state.net = m.net;
      if (state.myId !== null) seatOf(state, state.myId).balance = m.balance;
      if (m.net > 0) note(state, `You won ${m.net}`);
      else if (m.net < 0) note(state, `You lost ${-m.net}`);
      else note(state, "Even this round");
      break;
    case "rebuy":
      state.balance = m.balance;
      note(state, `Rebuy: ${m.amount} chips added`);
      break;
    case "history":
      state.history = m.rounds;
      break;
    case "shutdown":
      state.serverStopping = true;
      note(state, "The server is stopping: this round finishes, then it restarts");
      break;
    default:
      break; // newer servers may send more: ignore what isn't known
  }
  return state;
}

/** The smallest bet the table takes: its minimum rounded up to the unit. */
export function smallestBet(rules) {
  const unit = rules.bet_unit || 1;
  return Math.ceil(rules.min_bet / unit) * unit;
}

/** The chips offered, as the pygame client offers them: the smallest bet,
 * then up to four denominations spread up to the maximum. */
export function chipValues(rules) {
  if (!rules) return [];
  const unit = rules.bet_unit || 1;
  const lowest = smallestBet(rules);
  if (lowest > rules.max_bet) return [];
  let above = CHIP_VALUES.filter((v) => v > lowest && v <= rules.max_bet && v % unit === 0);
  if (above.length > MAX_CHIPS - 1) {
    const last = above.length - 1;
    const picks = MAX_CHIPS - 1;
    above = Array.from({ length: picks }, (_, i) => above[Math.round((i * last) / (picks - 1))]);
  }
  return [lowest, ...above];
}

const VALUE = { A: 1, T: 10, J: 10, Q: 10, K: 10 };

function cardValue(card) {
  return VALUE[card[0]] || Number(card[0]);
}

/** My seat, or null. */
export function mySeat(state) {
  return state.mode === "seated" && state.myId !== null ? state.seats[state.myId] || null : null;
}

/** The index of my first hand whose turn runs (the hand keys act on), or null. */
export function activeHand(state) {
  const me = mySeat(state);
  if (!me) return null;
  for (const h of me.hands) {
    if (key(me.id, h.hand) in state.turns && h.status === "playing") return h.hand;
  }
  return null;
}

/** What the player may do now: each move true or false, and the chips. */
export function moves(state) {
  const me = mySeat(state);
  const casino = state.game === "casino";
  const none = {
    hit: false, stand: false, double: false, split: false, surrender: false,
    insure: false, decline: false, bet: false, rebuy: false, chips: [],
  };
  if (!me) return none;
  const rules = state.rules || {};
  const balance = state.balance ?? 0;
  const index = activeHand(state);
  const h = index === null ? null : me.hands[index];
  const two = h !== null && h.cards.length === 2;
  const split = me.hands.length > 1;
  const splitAces = split && h !== null && h.cards[0]?.[0] === "A";
  const pair = two && cardValue(h.cards[0]) === cardValue(h.cards[1]);
  const chipsInPlay = me.hands.some((x) => x.bet) || me.bet > 0;
  const betting = casino && state.phase === "betting" && me.state === "betting";
  const lowest = casino && state.rules ? smallestBet(rules) : 0;
  return {
    hit: h !== null,
    stand: h !== null,
    double: casino && two && !splitAces && (!split || rules.das) && balance >= h.bet,
    split:
      casino && pair && me.hands.length < (rules.max_split_hands ?? 4) &&
      (!splitAces || rules.resplit_aces) && balance >= h.bet,
    surrender: casino && two && !split && Boolean(rules.surrender),
    insure: casino && state.insuranceOffer !== null && balance >= state.insuranceOffer.amount,
    decline: casino && state.insuranceOffer !== null,
    bet: betting && balance >= lowest,
    rebuy: casino && balance < lowest && !chipsInPlay && state.phase !== "playing",
    chips: casino ? chipValues(state.rules).map((amount) => ({
      amount, enabled: betting && amount <= balance,
    })) : [],
  };
}

/** What B bets: the last bet again when it is still affordable, else the
 * table's smallest bet. */
export function rebetAmount(state) {
  const rules = state.rules;
  if (!rules) return null;
  const last = state.lastBet;
  const unit = rules.bet_unit || 1;
  if (last && last >= rules.min_bet && last <= rules.max_bet && last % unit === 0 &&
      last <= (state.balance ?? 0)) {
    return last;
  }
  return smallestBet(rules);
}
