//! `psephos-server`: `serve` runs the service, `demo` a whole scripted
//! round, `token` creates officer tokens, `loadgen` measures casting
//! (specs/server-api.md §10, §12, §13).

use clap::{Parser, Subcommand};
use psephos_server::app::App;
use psephos_server::config::Settings;
use psephos_server::demo::DemoArgs;
use psephos_server::loadgen::LoadArgs;
use psephos_server::store::TokenKind;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "psephos-server", version, about = "Psephos ballot server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service.
    Serve {
        #[command(flatten)]
        settings: Settings,
    },
    /// Run a complete demo round on the embedded store and keep serving.
    Demo(DemoArgs),
    /// Create an officer token (printed once; only its hash is stored).
    Token {
        #[command(flatten)]
        settings: Settings,
    },
    /// Measure sustained cast throughput and latency on loopback.
    Loadgen(LoadArgs),
}

fn logging(default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve { settings } => {
            logging("info");
            let config = settings.resolve()?;
            let listen = config.listen;
            let app = App::open(config).await?;
            let running = psephos_server::server::start(app, listen).await?;
            println!("psephos-server listening on {}", running.url());
            let stop = running.shutdown_handle();
            tokio::spawn(async move {
                psephos_server::server::signal().await;
                let _ = stop.send(true);
            });
            running.wait().await;
        }
        Command::Demo(args) => {
            logging("warn");
            let exit = args.exit;
            let outcome = psephos_server::demo::run(args).await?;
            if exit {
                outcome.running.stop().await;
            } else {
                println!(
                    "Serving on {} — round {} (officer token {}); Ctrl-C to stop.",
                    outcome.running.url(),
                    outcome.round,
                    outcome.officer_token
                );
                let stop = outcome.running.shutdown_handle();
                tokio::spawn(async move {
                    psephos_server::server::signal().await;
                    let _ = stop.send(true);
                });
                outcome.running.wait().await;
            }
        }
        Command::Token { settings } => {
            logging("warn");
            let app = App::open(settings.resolve()?).await?;
            let token = app.create_token(TokenKind::Officer, None, None).await?;
            println!("{token}");
        }
        Command::Loadgen(args) => {
            logging("warn");
            let report = psephos_server::loadgen::run(args).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    Ok(())
}
