//! The `sohoa` binary: a thin shell over [`sohoa::cli`].

fn main() -> std::process::ExitCode {
    sohoa::cli::main()
}
