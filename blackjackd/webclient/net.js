/**
 * The WebSocket to the game server: one JSON message a frame, and coming
 * back by itself after a drop. Knows nothing of the game.
 *
 * `new Connection(table, handlers)` opens `/websocket?table=N` on the
 * page's own host (`wss:` under https). While `keep` is true, a connection
 * that closes is opened again after a growing wait: half a second, doubling
 * up to 10 s, spread at random (so many clients don't come back at once),
 * for about two minutes.
 */

const FIRST_DELAY = 500;
const MAX_DELAY = 10000;
const GIVE_UP_AFTER = 120000;

/** The game's WebSocket address for table `table`, on this page's server. */
export function socketUrl(table, location = window.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const query = table ? `?table=${encodeURIComponent(table)}` : "";
  return `${scheme}//${location.host}/websocket${query}`;
}

/** The wait before reconnect attempt `attempt` (from 0): exponential, with
 * jitter between half and all of it. */
export function backoff(attempt, random = Math.random) {
  const full = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** attempt);
  return Math.round(full * (0.5 + random() / 2));
}

export class Connection {
  /**
   * handlers: onOpen(), onMessage(message), onDrop(delayMs) when a
   * reconnect is scheduled, onGiveUp() when it isn't, onClose(code, reason).
   */
  constructor(table, handlers) {
    this.table = table;
    this.handlers = handlers;
    this.keep = true;
    this.attempt = 0;
    this.droppedAt = null;
    this.socket = null;
    this.timer = null;
    /** Milliseconds of trying again before giving up. */
    this.patience = GIVE_UP_AFTER;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    this.timer = null;
    const socket = new WebSocket(socketUrl(this.table));
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      this.droppedAt = null;
      this.patience = GIVE_UP_AFTER;
      this.handlers.onOpen?.();
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && typeof message.type === "string") this.handlers.onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.handlers.onClose?.(event.code, event.reason);
      if (this.keep) this.retry();
    });
  }

  retry() {
    const now = Date.now();
    if (this.droppedAt === null) this.droppedAt = now;
    if (now - this.droppedAt > this.patience) {
      this.keep = false;
      this.handlers.onGiveUp?.();
      return;
    }
    const delay = backoff(this.attempt++);
    this.handlers.onDrop?.(delay);
    this.timer = setTimeout(() => this.open(), delay);
  }

  /** Try again now, after giving up or while waiting to. */
  now() {
    this.keep = true;
    this.droppedAt = null;
    this.attempt = 0;
    if (!this.socket) this.open();
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(message) {
    if (this.isOpen) this.socket.send(JSON.stringify(message));
  }

  /** Close this socket, and connect again after the usual wait. */
  again() {
    const socket = this.socket;
    if (socket) socket.close(1000);
  }

  /** Close for good: no reconnecting. */
  close() {
    this.keep = false;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000);
  }
}
