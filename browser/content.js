// Puts a small Twofold button into each field that asks for a one-time code (see fields.js). A click on it, by the
// user (never a script of the page), asks the background script for this page's code; the background script, not
// this one, talks to Twofold, naming this frame's origin. The answer is filled in, or its sentence shown.
(() => {
  const runtime = (globalThis.browser ?? globalThis.chrome).runtime;
  const { findCodeFields, fill } = globalThis.TwofoldFields;
  const marked = new WeakSet();

  /** A button over the right end of the field's first box, in a shadow root the page's styles cannot reach. */
  function addButton(field) {
    const input = field[0];
    const host = document.createElement("twofold-fill");
    const shadow = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = `
      button { all: initial; cursor: pointer; width: 22px; height: 22px; border-radius: 5px; background: #2f6f4f;
               color: #fff; font: bold 12px/22px sans-serif; text-align: center; }
      button:focus-visible { outline: 2px solid #1a73e8; }
      p { all: initial; display: block; max-width: 280px; margin-top: 4px; padding: 6px 8px; border-radius: 6px;
          background: #222; color: #fff; font: 13px/1.4 sans-serif; }
      p:empty { display: none; }`;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "2";
    button.title = "Fill the code from Twofold";
    button.setAttribute("aria-label", "Fill the code from Twofold");
    const note = document.createElement("p");
    note.setAttribute("role", "status");
    shadow.append(style, button, note);
    host.style.cssText = "position: absolute; z-index: 2147483647; margin: 0; padding: 0;";
    document.body.append(host);
    const place = () => {
      const box = (field.length > 1 ? field[field.length - 1] : input).getBoundingClientRect();
      host.style.left = `${window.scrollX + box.right - 26}px`;
      host.style.top = `${window.scrollY + box.top + Math.max(0, (box.height - 22) / 2)}px`;
    };
    place();
    window.addEventListener("resize", place);
    button.addEventListener("click", (event) => {
      if (event.isTrusted) ask(field, note);
    });
    for (const input of field) notes.set(input, { field, note });
  }

  /** The boxes of each marked field, and the note under its button, by input. */
  const notes = new WeakMap();

  /** Asks the background script for this page's code, and fills it or shows why not. */
  async function ask(field, note) {
    note.textContent = "";
    const answer = await runtime.sendMessage({ type: "fill" }).catch(() => null);
    // Filled only into this frame, and only while it shows the site the code was asked for.
    if (answer?.code && answer.origin === location.origin) fill(field, answer.code);
    else note.textContent = answer?.message ?? "Twofold did not answer. Try again.";
  }

  // The extension's keyboard shortcut: the frame whose code field has the keyboard asks. Only the extension itself
  // sends this message, never the page.
  runtime.onMessage.addListener((message, sender) => {
    if (message?.type !== "shortcut" || sender.id !== runtime.id) return;
    const marked = notes.get(document.activeElement);
    if (marked) ask(marked.field, marked.note);
  });

  function scan() {
    for (const field of findCodeFields(document)) {
      if (marked.has(field[0])) continue;
      field.forEach((input) => marked.add(input));
      addButton(field);
    }
  }

  scan();
  // Pages often draw the code step after the password step: look again when the page changes, at most twice a
  // second.
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      scan();
    }, 500);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
