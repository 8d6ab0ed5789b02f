//! The search stage's subcommands: `sohoa index`, `sohoa search` and `sohoa serve`, each an
//! `…Args` struct and an entry function named after it that returns the exit status (see
//! [`crate::command`]). Their exit statuses: 0 done, 1 some records failed (`index`), 2 the
//! index could not be made, read or served.

use super::index::index_dir;
use super::query::{Request, Searcher, default_index, render_text};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `sohoa index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// The `sohoa run` output folder to index.
    pub dir: PathBuf,
    /// Index folder [default: DIR/.index].
    #[arg(long, value_name = "IDX")]
    pub index: Option<PathBuf>,
}

/// Runs `sohoa index`: prints a one-line summary and each failure; returns the exit status
/// (0, 1 when some records failed, 2 when the index could not be made).
pub fn index(args: IndexArgs) -> ExitCode {
    ExitCode::from(match index_dir(&args.dir, args.index.as_deref()) {
        Ok(report) => {
            for (path, reason) in &report.failed {
                eprintln!("sohoa index: {}: {reason}", path.display());
            }
            println!("{report}");
            u8::from(!report.failed.is_empty())
        }
        Err(e) => {
            eprintln!("sohoa index: {e}");
            2
        }
    })
}

/// Arguments of `sohoa search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words (diacritics optional), "quoted phrases", -excluded words.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Index folder [default: $SOHOA_INDEX, else out/.index].
    #[arg(long, value_name = "IDX")]
    pub index: Option<PathBuf>,
    /// Document type, name or code (`Báo cáo`, `bao cao`, `BC`).
    #[arg(long = "type", value_name = "TYPE")]
    pub doc_type: Option<String>,
    /// Issuer, part of its name (`tuyen giao`).
    #[arg(long)]
    pub issuer: Option<String>,
    /// `party` or `state`.
    #[arg(long)]
    pub system: Option<String>,
    /// Year of issue.
    #[arg(long)]
    pub year: Option<u64>,
    /// Issued on or after (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Issued on or before (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Results to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print the response as JSON (for scripts).
    #[arg(long)]
    pub json: bool,
}

/// Runs `sohoa search`; returns the exit status (0 found or not, 2 on an error).
pub fn search(args: SearchArgs) -> ExitCode {
    ExitCode::from(search_status(args))
}

/// Runs the search and prints it; returns the exit status.
fn search_status(args: SearchArgs) -> u8 {
    let index = args.index.clone().unwrap_or_else(default_index);
    let mut request = Request::new(&args.query.join(" "));
    request.doc_type = args.doc_type;
    request.issuer = args.issuer;
    request.system = args.system;
    request.year = args.year;
    request.from = args.from;
    request.to = args.to;
    request.limit = args.limit;
    let result = Searcher::open(&index).and_then(|s| s.search(&request));
    let response = match result {
        Ok(response) => response,
        Err(e) => {
            eprintln!("sohoa search: {e}");
            return 2;
        }
    };
    let out = if args.json {
        match serde_json::to_string_pretty(&response) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("sohoa search: {e}");
                return 2;
            }
        }
    } else {
        render_text(&response, stdout_is_terminal())
    };
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    0
}

fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

/// Arguments of `sohoa serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Index folder [default: $SOHOA_INDEX, else out/.index].
    #[arg(long, value_name = "IDX")]
    pub index: Option<PathBuf>,
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

/// Runs `sohoa serve`; returns the exit status (2 when it cannot start).
pub fn serve(args: ServeArgs) -> ExitCode {
    ExitCode::from(serve_status(args))
}

/// Serves until stopped; returns the exit status.
fn serve_status(args: ServeArgs) -> u8 {
    let index = args.index.clone().unwrap_or_else(default_index);
    let searcher = match Searcher::open(&index) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sohoa serve: {e}");
            return 2;
        }
    };
    if !args.addr.ip().is_loopback() {
        eprintln!(
            "sohoa serve: warning: listening on {}, reachable from other machines",
            args.addr
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sohoa serve: {e}");
            return 2;
        }
    };
    match runtime.block_on(super::serve::serve(searcher, args.addr)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("sohoa serve: {e}");
            2
        }
    }
}
