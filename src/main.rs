//! The `nightshift` command line; all the work is in the library.

/// The static musl build allocates with mimalloc: musl's own allocator makes it 2.3x slower
/// (docs/install.md). Other builds keep the system's.
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod huge_pages;

/// Linux with glibc: the system's allocator, asking huge pages for large blocks.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static ALLOCATOR: huge_pages::HugePages = huge_pages::HugePages;

fn main() -> std::process::ExitCode {
    nightshift::cli::main()
}
