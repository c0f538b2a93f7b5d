//! The app lock's clock: locks Twofold after a time without use. One thread sleeps until the moment the lock is
//! due (nothing runs while the user works, or while no lock is set), and calls back then. The page reports use,
//! at most every few seconds, through the `note_use` command; opening or unlocking counts as use too.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use twofold::sync::lock;

/// When Twofold locks itself.
pub struct IdleLock {
    inner: Mutex<Inner>,
    changed: Condvar,
}

struct Inner {
    last_use: Instant,
    after: Option<Duration>,
}

impl IdleLock {
    /// A clock that locks after `after` without use, or never with `None`; not running until [`Self::start`].
    pub fn new(after: Option<Duration>) -> Arc<Self> {
        Arc::new(IdleLock { inner: Mutex::new(Inner { last_use: Instant::now(), after }), changed: Condvar::new() })
    }

    /// The user did something: the wait starts again.
    pub fn used(&self) {
        lock(&self.inner).last_use = Instant::now();
        self.changed.notify_all();
    }

    /// Locks after `after` without use from now on, or never with `None`.
    pub fn configure(&self, after: Option<Duration>) {
        let mut inner = lock(&self.inner);
        inner.after = after;
        inner.last_use = Instant::now();
        self.changed.notify_all();
    }

    /// Starts the thread that calls `on_idle` each time the time without use runs out. `on_idle` is called with
    /// no lock held, and the wait then starts again (a Twofold already locked stays so).
    pub fn start(self: &Arc<Self>, on_idle: impl Fn() + Send + 'static) {
        let clock = Arc::clone(self);
        std::thread::spawn(move || {
            loop {
                clock.wait_until_idle();
                on_idle();
            }
        });
    }

    /// Returns once the time without use has run out.
    fn wait_until_idle(&self) {
        let mut inner = lock(&self.inner);
        loop {
            inner = match inner.after {
                None => self.changed.wait(inner).unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(after) => {
                    let due = inner.last_use + after;
                    let now = Instant::now();
                    if now >= due {
                        inner.last_use = now;
                        return;
                    }
                    self.changed.wait_timeout(inner, due - now).unwrap_or_else(std::sync::PoisonError::into_inner).0
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn it_calls_back_after_the_time_without_use_and_use_postpones_it() {
        let clock = IdleLock::new(None);
        let (tx, rx) = mpsc::channel();
        clock.start(move || tx.send(Instant::now()).unwrap());
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err(), "no lock set: never");

        let set_at = Instant::now();
        clock.configure(Some(Duration::from_millis(400)));
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(200));
            clock.used();
        }
        let locked_at = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(locked_at - set_at >= Duration::from_millis(1200), "use kept postponing it");
        clock.configure(None);
        assert!(rx.recv_timeout(Duration::from_millis(600)).is_err(), "turned off: never again");
    }
}
