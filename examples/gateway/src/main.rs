//! `gateway`: the rampart reference gateway. `cargo run --release -p gateway` starts it on
//! 127.0.0.1:8080 with embedded defaults; `gateway mock` and `gateway passthrough` serve the
//! load benchmark's mock provider and bare baseline.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

/// The rampart reference gateway.
#[derive(Debug, Parser)]
#[command(
    name = "gateway",
    version,
    about = "A secure OpenAI-compatible LLM gateway composed from the rampart crates",
    after_help = "Examples:\n  gateway                          # 127.0.0.1:8080, data in ./gateway-data\n  gateway --config gateway.toml    # settings from a TOML file (RAMPART_* env overrides it)\n  gateway mock --bind 127.0.0.1:9001\n  gateway passthrough --bind 127.0.0.1:9002 --upstream http://127.0.0.1:9001"
)]
struct Cli {
    /// TOML configuration file (also `RAMPART_CONFIG`).
    #[arg(long, env = "RAMPART_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve only the mock provider over HTTP (OpenAI-compatible, under /v1).
    Mock {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9001")]
        bind: SocketAddr,
    },
    /// Serve a bare axum pass-through to an upstream (the benchmark's baseline).
    Passthrough {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9002")]
        bind: SocketAddr,
        /// Upstream origin, e.g. http://127.0.0.1:9001.
        #[arg(long)]
        upstream: String,
    },
}

/// Ctrl-C, or SIGTERM on Unix (a container stop): both shut down cleanly.
async fn ctrl_c() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = interrupt => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}

async fn serve_plain(bind: SocketAddr, router: axum::Router, what: &str) -> ExitCode {
    match TcpListener::bind(bind).await {
        Ok(listener) => {
            println!("{what} listening on http://{bind}");
            match gateway::serve(listener, router, ctrl_c(), gateway::ServeOptions::default()).await
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("error: binding {bind}: {e}");
            ExitCode::from(2)
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Mock { bind }) => {
            return serve_plain(bind, gateway::MockProvider::new().router(), "mock provider").await;
        }
        Some(Command::Passthrough { bind, upstream }) => {
            return serve_plain(
                bind,
                gateway::passthrough::router(&upstream),
                "pass-through",
            )
            .await;
        }
        None => {}
    }
    let config = match gateway::Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    gateway::init_tracing(&config.log);
    let running = match gateway::start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("the gateway did not start");
            return ExitCode::from(2);
        }
    };
    println!("{}", gateway::banner(&running));
    ctrl_c().await;
    println!("shutting down");
    match running.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
