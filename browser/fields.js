// Which fields of a page ask for a one-time code. A content script (no modules there): it defines
// globalThis.TwofoldFields for content.js.
//
// A field is a code field when the page says so (autocomplete="one-time-code"), or when its name, id, placeholder,
// label or accessible name speaks of a one-time, verification, authentication or two-factor code and nothing in
// them speaks of another kind of code (postal, coupon, gift card, captcha, phone, card security). A row of one-
// character boxes (four to eight, side by side) is one code field, filled a digit per box.
(() => {
  const CODE_WORDS =
    /one[\s_-]?time|\botp\b|totp|2fa|two[\s_-]?(factor|step)|\bmfa\b|verification|verify|authenticat|security[\s_-]?code|auth[\s_-]?code|passcode|\bcode\b/i;
  const OTHER_CODES =
    /post(al)?[\s_-]?code|zip|coupon|promo|voucher|gift|discount|captcha|referral|invit|card|cvc|cvv|csc|country|area[\s_-]?code|search|user(name)?\b|e-?mail|password(?![\s_-]?code)/i;
  const TEXT_TYPES = new Set(["text", "tel", "number", "password", ""]);

  /** The words that describe a field: its attributes and its label's text. */
  function hints(input) {
    const parts = [input.name, input.id, input.placeholder, input.getAttribute("aria-label") ?? ""];
    for (const label of input.labels ?? []) parts.push(label.textContent ?? "");
    const labelledBy = input.getAttribute("aria-labelledby");
    if (labelledBy) {
      for (const id of labelledBy.split(/\s+/)) parts.push(input.ownerDocument.getElementById(id)?.textContent ?? "");
    }
    return parts.join(" ").replace(/([a-z])([A-Z])/g, "$1 $2");
  }

  function usable(input) {
    return (
      input instanceof HTMLInputElement &&
      TEXT_TYPES.has(input.type) &&
      !input.disabled &&
      !input.readOnly &&
      input.getClientRects().length > 0
    );
  }

  /** The boxes of a split code field that `input` belongs to, or null. */
  function boxesOf(input) {
    if (input.maxLength !== 1 || !input.parentElement) return null;
    let row = input.parentElement;
    // The boxes may each sit in a wrapper of their own.
    for (let depth = 0; depth < 3 && row; depth++, row = row.parentElement) {
      const boxes = [...row.querySelectorAll("input")].filter((box) => usable(box) && box.maxLength === 1);
      if (boxes.length >= 4 && boxes.length <= 8) return boxes;
    }
    return null;
  }

  /** Whether `input` asks for a one-time code. */
  function isCodeField(input) {
    if (!usable(input)) return false;
    if ((input.autocomplete ?? "").split(/\s+/).includes("one-time-code")) return true;
    const words = hints(input);
    if (OTHER_CODES.test(words)) return false;
    if (CODE_WORDS.test(words)) return true;
    return boxesOf(input) !== null && (input.inputMode === "numeric" || input.type === "tel" || input.type === "number");
  }

  /** The code fields of `root`: each a list of inputs, one input or the boxes of a split field. */
  function findCodeFields(root) {
    const fields = [];
    const seen = new Set();
    for (const input of root.querySelectorAll("input")) {
      if (seen.has(input) || !isCodeField(input)) continue;
      const boxes = boxesOf(input);
      const field = boxes ?? [input];
      for (const box of field) seen.add(box);
      fields.push(field);
    }
    return fields;
  }

  /** Puts `code` into a field as typing would: the value through the input's own setter, then the events. */
  function fill(field, code) {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    const pieces = field.length > 1 ? [...code] : [code];
    field.forEach((input, i) => {
      input.focus();
      setter.call(input, pieces[i] ?? "");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  globalThis.TwofoldFields = { isCodeField, findCodeFields, fill };
})();
