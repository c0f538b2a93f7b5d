//! How WebKitGTK's processes start on Linux: settings the app puts in its environment first thing in `main`,
//! before GTK or WebKit read it. WebKit's web and network processes inherit the environment, so the settings
//! reach them too.

use crate::lookup_order::{LOOKUP_ORDER, is_library_file};

/// How the web view draws, unless the user set any of these variables (then all are left alone):
/// - no accelerated compositing and no DMA-BUF renderer: the window is a list of text with stepped animations,
///   which gains nothing from GPU layers. Measured under Xvfb with 50 accounts, compositing cost 291 MB PSS and
///   4.8 % of a core at idle against 226 MB and 1.5 %; the DMA-BUF renderer's set-up cost another 5 MB.
/// - no OpenGL in the app's own process: GTK would probe GLX visuals at start-up, and WebKit would start EGL only
///   to look up the GPU's render node, which software drawing never opens (so a node that is not a GPU is named).
///   Each loads the GL driver; with Mesa that is LLVM, 25 MB and about 40 ms of start-up.
/// - no JavaScript JIT: the UI's scripts are small and run on events, so the interpreter is fast enough, and the
///   web process is 7 MB smaller without the JIT's code and threads.
const PLAIN_RENDERING: [(&str, &str); 5] = [
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("GDK_GL", "disable"),
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/dev/null"),
    ("JSC_useJIT", "0"),
];

/// Applies [`PLAIN_RENDERING`], and has WebKit's processes preload the libraries of [`LOOKUP_ORDER`] unless the user
/// preloads libraries of their own (an empty `LD_PRELOAD` turns the list off). This process has finished linking
/// by now, so the list only reaches the processes it starts. Only libraries that this process has loaded already,
/// and so the web process loads too, are named, by the path they were loaded from.
pub fn prepare_environment() {
    let plain = PLAIN_RENDERING.iter().all(|(name, _)| std::env::var_os(name).is_none());
    let preload = if std::env::var_os("LD_PRELOAD").is_none() {
        std::fs::read_to_string("/proc/self/maps").ok().map(|maps| preload_list(&maps)).filter(|list| !list.is_empty())
    } else {
        None
    };
    // SAFETY: this runs first in `main`, before any thread exists that could read the environment.
    unsafe {
        if plain {
            for (name, value) in PLAIN_RENDERING {
                std::env::set_var(name, value);
            }
        }
        if let Some(list) = preload {
            std::env::set_var("LD_PRELOAD", list);
        }
    }
}

/// The `LD_PRELOAD` value for [`LOOKUP_ORDER`]: the paths, from `/proc/self/maps`, of the libraries in that list
/// that this process has loaded, in that order, separated by colons. Empty when none is loaded.
fn preload_list(maps: &str) -> String {
    // Plain string work: the maps have a thousand lines, and sorting them as paths took 0.7 ms of start-up.
    let loaded: Vec<&str> = maps.lines().filter_map(|line| line.split_whitespace().nth(5)).collect();
    let mut list = Vec::new();
    for stem in LOOKUP_ORDER {
        let found = loaded
            .iter()
            .find(|path| path.starts_with('/') && is_library_file(path.rsplit('/').next().unwrap_or(path), stem));
        // A path with the list's separator in it cannot be listed; the others still help.
        if let Some(path) = found.filter(|path| !path.contains(':')) {
            list.push(*path);
        }
    }
    list.join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "\
55d0c0000000-55d0c0100000 r--p 00000000 fe:01 1 /usr/bin/twofold
7f0000000000-7f0000100000 r-xp 00000000 fe:01 2 /usr/lib/x86_64-linux-gnu/libcairo.so.2.11600.0
7f0000100000-7f0000200000 r-xp 00000000 fe:01 3 /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000200000-7f0000300000 r--p 00010000 fe:01 3 /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000280000-7f0000290000 r-xp 00000000 fe:01 6 /usr/lib/x86_64-linux-gnu/libmount.so.1.1.0
7f0000290000-7f00002a0000 r-xp 00000000 fe:01 7 /usr/lib/x86_64-linux-gnu/libm.so.6
7f0000300000-7f0000400000 r-xp 00000000 fe:01 4 /usr/lib/x86_64-linux-gnu/libflite_cmu_time_awb.so.2.2
7f0000400000-7f0000500000 r-xp 00000000 fe:01 5 /usr/lib/x86_64-linux-gnu/libflite.so.2.2
7f0000500000-7f0000600000 rw-p 00000000 00:00 0
7f0000600000-7f0000700000 r--p 00000000 00:00 0 [vdso]
";

    #[test]
    fn preload_names_loaded_libraries_in_lookup_order_by_path() {
        assert_eq!(
            preload_list(MAPS),
            "/usr/lib/x86_64-linux-gnu/libflite_cmu_time_awb.so.2.2:/usr/lib/x86_64-linux-gnu/libm.so.6:\
             /usr/lib/x86_64-linux-gnu/libc.so.6"
        );
    }

    #[test]
    fn preload_is_empty_when_no_listed_library_is_loaded() {
        assert_eq!(preload_list("7f0000000000-7f0000100000 r-xp 00000000 fe:01 2 /usr/lib/libcairo.so.2\n"), "");
    }
}
