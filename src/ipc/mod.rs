//! How front ends talk to the running app: the command line (`twofold code github`) and the browser connector ask
//! the app that holds the vault, through a local socket that only the same user can open ([`socket`]), in a small
//! versioned protocol ([`protocol`]). When no app runs, the command line opens the vault itself and answers its own
//! request with the same code ([`answer`]).

mod answer;
pub mod protocol;
pub mod socket;

pub use answer::{CopyFailed, Host, answer};
pub use protocol::{AccountInfo, Answer, ErrorKind, NewEntry, Request};
