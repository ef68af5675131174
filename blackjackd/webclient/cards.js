/**
 * Cards, drawn by the page itself as inline SVG: vector shapes scale to any
 * size and stay crisp. A face-down card carries nothing of the card it
 * hides: the client never knows it.
 */

const SVG = "http://www.w3.org/2000/svg";

const SUITS = {
  S: { symbol: "\u2660", name: "spades", red: false },
  H: { symbol: "\u2665", name: "hearts", red: true },
  D: { symbol: "\u2666", name: "diamonds", red: true },
  C: { symbol: "\u2663", name: "clubs", red: false },
};
const RANK_TEXT = { T: "10" };
const RANK_NAMES = { A: "ace", J: "jack", Q: "queen", K: "king", T: "10" };

function svg(tag, attributes = {}, text = "") {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  if (text) node.textContent = text;
  return node;
}

/** The card's name in words, for screen readers: "10 of diamonds". */
export function cardName(card) {
  const suit = SUITS[card[1]];
  const rank = RANK_NAMES[card[0]] || card[0];
  return suit ? `${rank} of ${suit.name}` : card;
}

/** A face-up card ("TD", "AS"...) as an SVG element. */
export function faceUp(card) {
  const suit = SUITS[card[1]] || { symbol: "?", red: false };
  const rank = RANK_TEXT[card[0]] || card[0];
  const root = svg("svg", {
    viewBox: "0 0 60 84",
    class: `card ${suit.red ? "red" : "black"}`,
    role: "img",
    "aria-label": cardName(card),
    "data-card": card,
  });
  root.append(
    svg("rect", { class: "face", x: 1, y: 1, width: 58, height: 82, rx: 6 }),
    svg("text", { class: "rank", x: 6, y: 20 }, rank),
    svg("text", { class: "pip", x: 6, y: 34 }, suit.symbol),
    svg("text", { class: "middle", x: 30, y: 60, "text-anchor": "middle" }, suit.symbol),
  );
  return root;
}

/** The dealer's hole card: a back, and nothing else. */
export function faceDown() {
  const root = svg("svg", {
    viewBox: "0 0 60 84",
    class: "card down",
    role: "img",
    "aria-label": "face-down card",
    "data-card": "back",
  });
  root.append(
    svg("rect", { class: "back", x: 1, y: 1, width: 58, height: 82, rx: 6 }),
    svg("path", {
      class: "lattice",
      d: "M6 6 L54 78 M54 6 L6 78 M6 42 L30 6 L54 42 L30 78 Z",
    }),
  );
  return root;
}
