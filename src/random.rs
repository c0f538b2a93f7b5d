//! Random bytes from the operating system, for keys, salts, nonces and ids: the one place Twofold asks for them.

/// `N` bytes from the operating system's random source.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source does not fail on supported platforms; a failure would be unrecoverable anyway.
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("the operating system's random source failed: {e}"));
    bytes
}
