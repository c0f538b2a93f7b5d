//! Locks that outlive a panic. A thread that panics while holding a [`Mutex`] poisons it; Twofold's locks guard
//! state that stays consistent at every instant a panic could strike (each change is applied whole or not at
//! all), so the next user takes the lock as it is instead of panicking too.

use std::sync::{Condvar, Mutex, MutexGuard};

/// Locks `mutex`, taking it over if a panicking thread left it poisoned.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits on `condvar` with `guard`, as [`lock`] does for a poisoned lock.
pub fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar.wait(guard).unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_poisoned_by_a_panic_is_taken_as_it_is() {
        let mutex = std::sync::Arc::new(Mutex::new(1));
        let held = std::sync::Arc::clone(&mutex);
        let _ = std::thread::spawn(move || {
            let _guard = lock(&held);
            panic!("a worker fails while holding the lock");
        })
        .join();
        assert!(mutex.is_poisoned());
        *lock(&mutex) += 1;
        assert_eq!(*lock(&mutex), 2);
    }
}
