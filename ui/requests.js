// How the views order their requests to Rust: the two rules they share, written once.

/** "The latest answer wins": a counter of turns. An answer that arrives after a newer turn began (the dialog
 *  closed, another camera was picked, the list was drawn again) is stale and dropped. */
export class Latest {
  #turn = 0;

  /** Starts a new turn and returns its check: true until the next turn starts. */
  next() {
    const turn = ++this.#turn;
    return () => turn === this.#turn;
  }

  /** The check of the turn under way, without starting a new one. */
  now() {
    const turn = this.#turn;
    return () => turn === this.#turn;
  }
}

/** "One request at a time": wraps `work` so that a call made while an earlier call with the same key is still on
 *  its way is dropped (resolving to undefined) instead of sent twice. A double click confirms once, a held-down
 *  Delete deletes once. `key` picks what counts as the same (by default, every call). */
export function oneAtATime(work, key = () => "") {
  const busy = new Set();
  return async (...args) => {
    const which = key(...args);
    if (busy.has(which)) return undefined;
    busy.add(which);
    try {
      return await work(...args);
    } finally {
      busy.delete(which);
    }
  };
}

/** A `.catch` handler for a request whose failure the user cannot act on: it is logged with the reason the
 *  request was made, never swallowed. */
export const logFailure = (what) => (error) => console.warn(`Twofold: ${what} failed:`, error?.message ?? error);
