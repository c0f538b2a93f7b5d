//! The process keeps its secrets to itself: no core file when it crashes (the keys, codes and passwords in its
//! memory would be written to disk, where other tools and reports pick them up), and on Linux no other process of
//! the user may attach a debugger to read its memory (`PR_SET_DUMPABLE` 0, which also keeps `/proc/<pid>/mem` from
//! being read). Windows writes no dump of a desktop app unless the user set one up.

/// Turns core dumps off for this process, and on Linux makes it non-dumpable. A system that refuses leaves the
/// process as it was: Twofold still runs.
pub fn no_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let _ = setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) });
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
}
