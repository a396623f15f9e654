//! The `nightshift` command line; all the work is in the library.

fn main() -> std::process::ExitCode {
    nightshift::cli::main()
}
