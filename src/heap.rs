//! Handing freed heap back to the operating system: the one place with `unsafe` code.

/// A fixtures document this large leaves enough freed heap behind to be worth handing back.
pub const LARGE_DOCUMENT_BYTES: usize = 1 << 20;

/// Hands freed heap back to the operating system; called once large fixtures are stored. glibc
/// keeps freed memory for reuse, and the parsed document of large fixtures is several times the
/// size of the records built from it: without this, a server loaded with 1,000,000 identities would
/// keep gigabytes it no longer uses. Called after the records are stored, not before, so that
/// storing them reuses the freed pages instead of faulting in new ones. Other platforms'
/// allocators need no help.
pub fn release_free() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it takes no pointer.
    unsafe {
        libc::malloc_trim(0);
    }
}
