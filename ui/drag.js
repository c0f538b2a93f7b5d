// Reordering the list with the pointer. Pointer events, not the page's drag and drop: on Windows the shell's
// file-drop handler turns that off, and pointer events behave the same on every system. A touch is left to scroll
// the list; the account dialog's Move buttons and Alt+↑/↓ reorder too.

/** The list's lookups: accountOf(row) (undefined for a row no longer listed), indexOf(id), moveTo(id, index). */
let list = null;
/** The drag in progress: {account, row, pointerId, x, y, moving, target}. */
let drag = null;
/** How far (px) the pointer moves before a press becomes a drag rather than a click. */
const DRAG_THRESHOLD = 6;
/** Within this many pixels of the window's top or bottom edge, a drag scrolls the list. */
const SCROLL_EDGE = 48;

/** Lets the rows of `element` be dragged to a new place; `lookups` are the list's (see `list` above). */
export function initDrag(element, lookups) {
  list = lookups;
  element.addEventListener("pointerdown", startDrag);
  window.addEventListener("pointermove", onPointerMove);
  window.addEventListener("pointerup", (event) => endDrag(event, true));
  window.addEventListener("pointercancel", (event) => endDrag(event, false));
  // Another window took the pointer (Alt+Tab mid-drag, say): the drag ends where it began.
  window.addEventListener("blur", () => drag && endDrag({ pointerId: drag.pointerId }, false));
}

function startDrag(event) {
  const row = event.target.closest?.(".account");
  const account = row && list.accountOf(row);
  if (!account || event.button !== 0 || event.pointerType === "touch" || event.target.closest("button")) return;
  if (drag) endDrag({ pointerId: drag.pointerId }, false);
  drag = { account, row, pointerId: event.pointerId, x: event.clientX, y: event.clientY, moving: false, target: null };
}

function onPointerMove(event) {
  if (!drag || event.pointerId !== drag.pointerId) return;
  if (!(event.buttons & 1)) {
    // The button was released where the page did not see it: nothing moves.
    endDrag(event, false);
    return;
  }
  if (!drag.moving) {
    if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) return;
    drag.moving = true;
    drag.row.setPointerCapture(event.pointerId);
    drag.row.addEventListener("lostpointercapture", (lost) => endDrag(lost, false), { once: true });
    drag.row.classList.add("dragging");
    document.body.classList.add("reordering");
    window.getSelection()?.removeAllRanges();
  }
  const over = document.elementFromPoint(event.clientX, event.clientY)?.closest(".account");
  setDropTarget(over && over !== drag.row && sameGroup(over) ? over : null);
  if (event.clientY < SCROLL_EDGE) window.scrollBy(0, -24);
  else if (event.clientY > window.innerHeight - SCROLL_EDGE) window.scrollBy(0, 24);
}

/** Favourites are shown first: a row moves among its own group only. */
function sameGroup(row) {
  return list.accountOf(row)?.favorite === drag.account.favorite;
}

/** Marks where the dragged row would land: above the target when moving up, below it when moving down. */
function setDropTarget(row) {
  drag.target?.classList.remove("drop-above", "drop-below");
  drag.target = row;
  if (!row) return;
  row.classList.add(list.indexOf(row.dataset.id) < list.indexOf(drag.row.dataset.id) ? "drop-above" : "drop-below");
}

function endDrag(event, drop) {
  if (!drag || event.pointerId !== drag.pointerId) return;
  const { account, row, moving, target } = drag;
  setDropTarget(null);
  drag = null;
  row.classList.remove("dragging");
  document.body.classList.remove("reordering");
  if (!moving) return;
  // The click that ends a drag is not a click on a row (which would copy its code).
  const swallow = (click) => click.stopPropagation();
  window.addEventListener("click", swallow, { capture: true, once: true });
  setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
  const to = target ? list.indexOf(target.dataset.id) : -1;
  if (drop && to >= 0) list.moveTo(account.id, to);
}
