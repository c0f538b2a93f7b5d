//! The browser connector's core: what the desktop app and the native-messaging host share to fill a code into
//! the web page that asks for it.
//!
//! - [`site`]: which website asks (an origin, reduced with the Public Suffix List), which accounts' websites it
//!   matches, and which hosts only look like one.
//! - [`native`]: the browser's native-messaging framing, on the host's standard input and output, and which
//!   extension started the host.
//! - [`messages`]: what the extension and Twofold send each other.
//! - [`connector`]: the pairings being offered and the user's decision, and the checks on every signed request.
//! - [`answer`]: how the app answers the extension, asking the user through its window ([`answer::Desk`]).
//! - [`fill`]: which account's code a page gets: filled, asked about first, or nothing, and why.
//! - [`hosts`]: where each browser looks for the native-messaging host, and the host manifest written there.
//! - [`pairing`]: the key agreement that pairs an extension, the code both sides show, and the signature of
//!   every message after.

pub mod answer;
pub mod connector;
pub mod fill;
pub mod hosts;
pub mod messages;
pub mod native;
pub mod pairing;
pub mod site;
#[cfg(test)]
pub(crate) mod testing;
