//! The browser extension (`browser/`) in real browsers (see `session.rs`): which fields get the Twofold button, and
//! what a click says when the browser is not paired. The whole flow with the app, pairing and filling, is in the
//! end-to-end suite.
//!
//! Needs `chromium`, `chromium-driver`, `firefox-esr` and `geckodriver` (a crate); the README's test command
//! installs them. Without them the tests are skipped with a note, or fail in strict mode.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

#[path = "../common/mod.rs"]
mod common;
mod session;

use fantoccini::Locator;
use serde_json::json;
use session::{Kind, Session, serve};

/// The sign-in page's second step, as services write it: a user name and password (already filled), the code field
/// in several of the ways pages mark it, and fields that ask for other codes.
const SIGN_IN: &str = r#"<!doctype html>
<html><head><title>Sign in</title></head><body>
<form>
  <label>Username <input id="user" name="username" value="alice"></label>
  <label>Password <input id="pass" type="password" name="password"></label>
  <p><input id="otp" autocomplete="one-time-code" inputmode="numeric"></p>
  <p><label>Authentication code <input id="auth" name="app_otp"></label></p>
  <p><label>Postal code <input id="postal" name="postal"></label></p>
  <p><label>Coupon code <input id="coupon" name="coupon"></label></p>
  <p><input id="search" type="search" placeholder="Search"></p>
  <div id="split">
    <input maxlength="1" inputmode="numeric"><input maxlength="1" inputmode="numeric">
    <input maxlength="1" inputmode="numeric"><input maxlength="1" inputmode="numeric">
    <input maxlength="1" inputmode="numeric"><input maxlength="1" inputmode="numeric">
  </div>
</form>
</body></html>"#;

/// For each Twofold button on the page, the id of the field under it (`split` for the row of boxes).
const BUTTONS_OVER: &str = r#"
  return [...document.querySelectorAll("twofold-fill")].map((host) => {
    const mark = host.getBoundingClientRect();
    const x = mark.left + mark.width / 2, y = mark.top + mark.height / 2;
    const under = [...document.querySelectorAll("input")].find((input) => {
      const box = input.getBoundingClientRect();
      return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
    });
    return under ? (under.id || under.parentElement.id) : "nothing";
  }).sort();
"#;

async fn marks_code_fields_only_and_says_when_not_paired(kind: Kind) {
    let Some(session) = Session::start(kind).await else { return };
    let port = serve(&[("/login", SIGN_IN)]);
    session.client.goto(&format!("http://github.test:{port}/login")).await.expect("the sign-in page opens");
    let over = session.wait_for(BUTTONS_OVER, "the Twofold buttons").await;
    assert_eq!(over, json!(["auth", "otp", "split"]), "a button in each code field, none in the others");

    // Not paired: a click says what to do, and fills nothing.
    let button = session.client.find(Locator::Css("twofold-fill")).await.expect("a button");
    button.click().await.expect("the button takes a click");
    let said = session
        .wait_for(
            r#"return [...document.querySelectorAll("twofold-fill")].map((h) => h.shadowRoot.querySelector("p").textContent).join("");"#,
            "a sentence",
        )
        .await;
    assert!(said.as_str().unwrap().starts_with("This browser is not paired with Twofold yet."), "{said}");
    let values = session.eval(r#"return [...document.querySelectorAll("input")].map((i) => i.value).join("");"#).await;
    assert_eq!(values, "alice", "nothing filled");
    session.client.close().await.expect("the browser closes");
}

#[tokio::test]
async fn in_chromium_the_extension_marks_code_fields_only_and_says_when_not_paired() {
    marks_code_fields_only_and_says_when_not_paired(Kind::Chromium).await;
}

#[tokio::test]
async fn in_firefox_the_extension_marks_code_fields_only_and_says_when_not_paired() {
    marks_code_fields_only_and_says_when_not_paired(Kind::Firefox).await;
}
