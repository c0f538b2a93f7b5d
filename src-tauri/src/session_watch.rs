//! The moments the desktop says the user stepped away, on Linux: the screen saver turning on or the session locking
//! (the `org.freedesktop.ScreenSaver` and `org.gnome.ScreenSaver` signals on the session bus, logind's `Lock`),
//! and the computer going to sleep (logind's `PrepareForSleep`). The app lock locks then, when it is on.
//!
//! Each bus is watched by one thread that blocks on its signals, so nothing runs in between. A bus that cannot be
//! reached (no logind in a container, no session bus) is simply not watched: the lock by time still works.

use std::sync::Arc;

use zbus::MatchRule;
use zbus::blocking::{Connection, MessageIterator};
use zbus::message::Type;

/// The signals that mean "lock now": (interface, member), each with a boolean argument that must be true, or none.
const SESSION_SIGNALS: &[(&str, &str)] =
    &[("org.freedesktop.ScreenSaver", "ActiveChanged"), ("org.gnome.ScreenSaver", "ActiveChanged")];
const SYSTEM_SIGNALS: &[(&str, &str)] =
    &[("org.freedesktop.login1.Manager", "PrepareForSleep"), ("org.freedesktop.login1.Session", "Lock")];

/// Calls `on_away` each time the screen locks or the computer prepares to sleep, from threads of its own.
pub fn watch(on_away: impl Fn() + Send + Sync + 'static) {
    let on_away: Arc<dyn Fn() + Send + Sync> = Arc::new(on_away);
    for (session, signals) in [(true, SESSION_SIGNALS), (false, SYSTEM_SIGNALS)] {
        let on_away = Arc::clone(&on_away);
        std::thread::spawn(move || {
            let connection = if session { Connection::session() } else { Connection::system() };
            let Ok(connection) = connection else { return };
            let streams: Vec<_> = signals
                .iter()
                .filter_map(|&(interface, member)| {
                    let rule = MatchRule::builder()
                        .msg_type(Type::Signal)
                        .interface(interface)
                        .ok()?
                        .member(member)
                        .ok()?
                        .build();
                    MessageIterator::for_match_rule(rule, &connection, Some(16)).ok()
                })
                .collect();
            // One thread per signal: each iterator blocks on its own.
            for stream in streams {
                let on_away = Arc::clone(&on_away);
                std::thread::spawn(move || {
                    for message in stream.flatten() {
                        // `ActiveChanged(true)` and `PrepareForSleep(true)`: away; their `false` is the return.
                        // `Lock` has no argument.
                        let away = message.body().deserialize::<bool>().unwrap_or(true);
                        if away {
                            on_away();
                        }
                    }
                });
            }
        });
    }
}
