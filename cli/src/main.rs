//! `clearance`: check, run, test and trace customs rule sets.

mod load;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use clearance_compiler::diagnostics::render::{render_human, render_json};

#[derive(Parser)]
#[command(
    name = "clearance",
    version,
    about = "A rule language for customs compliance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check rule files and report every problem found.
    ///
    /// Exit status: 0 when no error was found (warnings allowed), 1 when errors were found,
    /// 2 on a usage error (such as a path that does not exist).
    Check {
        /// Files or directories of `.clr` files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { paths, format } => check(&paths, format),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn check(paths: &[PathBuf], format: CheckFormat) -> ExitCode {
    let loaded = match load::load(paths) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    let diagnostics = loaded.project.diagnostics(|path| loaded.is_selected(path));
    let sources = loaded.project.sources();
    let errors = diagnostics
        .iter()
        .filter(|d| d.diagnostic.is_error())
        .count();
    let warnings = diagnostics.len() - errors;
    match format {
        CheckFormat::Human => {
            let color = std::io::stderr().is_terminal();
            eprint!("{}", render_human(&diagnostics, &sources, color));
            eprintln!(
                "checked {} file{}: {errors} error{}, {warnings} warning{}",
                loaded.selected.len(),
                if loaded.selected.len() == 1 { "" } else { "s" },
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            );
        }
        CheckFormat::Json => {
            let json = render_json(&diagnostics, &sources);
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
