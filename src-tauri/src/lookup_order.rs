//! The libraries where the dynamic linker ends most of its lookups when a WebKitGTK process starts, shared by the
//! program (`linux_webview.rs`, at run time) and its build script (`build.rs`, at link time).

/// The libraries in which WebKitGTK's processes find most of the symbols the dynamic linker binds when they
/// start, most bindings first. Counted with `LD_DEBUG=bindings` in the web process of WebKitGTK 2.50 on Debian 12:
/// 72,000 bindings, 31,000 of them into the speech synthesiser's voice data, which refers to its own symbols.
///
/// The linker looks each symbol up in the loaded libraries in turn, in breadth-first order of their dependencies,
/// until one defines it. These libraries come 15th to 90th in that order, so most lookups pass over dozens of
/// libraries. Preloaded, they come first, and most lookups stop after a few: a program that only links WebKitGTK
/// starts with 31 instead of 42–62 ms of CPU on the 2-core machine the launch is measured on.
///
/// WebKit's processes preload them (`linux_webview.rs`), and the program links those it does not use itself
/// (`build.rs`). Where two of them define the same symbol, they keep their relative order, so every symbol binds
/// to the same definition as without the list: `libm` and `libc` both define `frexp`, `ldexp` and `modf`,
/// and `libm` comes first in either order. (Checked by comparing all the bindings of the web and network processes
/// with and without the list.)
pub const LOOKUP_ORDER: [&str; 13] = [
    "libflite_cmu_time_awb",
    "libjavascriptcoregtk-4.1",
    "libm",
    "libc",
    "libepoxy",
    "libglib-2.0",
    "libstdc++",
    "libsqlite3",
    "libwebkit2gtk-4.1",
    "libgobject-2.0",
    "libyuv",
    "libgio-2.0",
    "libicuuc",
];

/// Whether `file_name` is a file of the library `stem`: `<stem>.so`, or that with a numeric version
/// (`libicuuc.so.72`, `libflite_cmu_time_awb.so.2.2`), and not another library that shares the stem's start
/// (`libm` is not `libmount.so.1`).
pub fn is_library_file(file_name: &str, stem: &str) -> bool {
    file_name.strip_prefix(stem).and_then(|rest| rest.strip_prefix(".so")).is_some_and(|version| {
        version.is_empty()
            || version.strip_prefix('.').is_some_and(|numbers| {
                numbers.split('.').all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::is_library_file;

    #[test]
    fn library_files_are_the_stem_with_so_and_a_numeric_version() {
        assert!(is_library_file("libicuuc.so.72", "libicuuc"));
        assert!(is_library_file("libflite_cmu_time_awb.so.2.2", "libflite_cmu_time_awb"));
        assert!(is_library_file("libm.so", "libm"));
        assert!(!is_library_file("libmount.so.1", "libm"));
        assert!(!is_library_file("libm.so.6.bak", "libm"));
        assert!(!is_library_file("libicuuc.so.", "libicuuc"));
    }
}
