//! `clearance fmt`: rule files rewritten in the canonical layout, or checked against it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clearance_compiler::diagnostics::Language;
use clearance_compiler::syntax::format::{FormatError, format_file};

use crate::load;

/// Formats every file under `paths` (or standard input, for `-`, to standard output).
pub fn fmt(paths: &[PathBuf], check: bool, language: Language) -> ExitCode {
    if paths.iter().any(|path| path.as_os_str() == "-") {
        if paths.len() > 1 {
            return crate::usage_error("`-` (standard input) cannot be given with other paths");
        }
        return fmt_stdin(check, language);
    }
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return crate::usage_error(&format!("`{}` does not exist", path.display()));
        }
        match load::rule_files(path) {
            Ok(found) => files.extend(found),
            Err(error) => {
                return crate::usage_error(&format!("cannot read `{}`: {error}", path.display()));
            }
        }
    }
    let mut unformatted = 0usize;
    let mut refused = 0usize;
    let mut changed = 0usize;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(error) => {
                return crate::usage_error(&format!("cannot read `{}`: {error}", file.display()));
            }
        };
        let formatted = match format_file(&text) {
            Ok(formatted) => formatted,
            Err(error) => {
                report_refusal(file, &text, &error, language);
                refused += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check {
            let line = first_different_line(&text, &formatted);
            eprintln!("{}:{line}: not in the canonical layout", file.display());
            unformatted += 1;
        } else if let Err(error) = std::fs::write(file, formatted) {
            return crate::usage_error(&format!("cannot write `{}`: {error}", file.display()));
        } else {
            changed += 1;
        }
    }
    if check {
        eprintln!(
            "{} files checked: {unformatted} not formatted, {refused} not parsed",
            files.len()
        );
        if unformatted > 0 {
            eprintln!("help: run `clearance fmt` on them to write the canonical layout");
        }
    } else {
        eprintln!(
            "{} files: {changed} reformatted, {refused} not parsed",
            files.len()
        );
    }
    if unformatted + refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn fmt_stdin(check: bool, language: Language) -> ExitCode {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        return crate::usage_error(&format!("cannot read standard input: {error}"));
    }
    let path = Path::new("<stdin>");
    match format_file(&text) {
        Ok(formatted) if check => {
            if formatted == text {
                ExitCode::SUCCESS
            } else {
                let line = first_different_line(&text, &formatted);
                eprintln!("{}:{line}: not in the canonical layout", path.display());
                ExitCode::from(1)
            }
        }
        Ok(formatted) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(formatted.as_bytes()).is_err() || stdout.flush().is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            report_refusal(path, &text, &error, language);
            ExitCode::from(1)
        }
    }
}

fn report_refusal(path: &Path, text: &str, error: &FormatError, language: Language) {
    match error {
        FormatError::Syntax(errors) => {
            for (offset, message) in errors {
                let (line, column) = line_and_column(text, *offset);
                eprintln!(
                    "error: {}:{line}:{column}: {}",
                    path.display(),
                    message.render(language)
                );
            }
            eprintln!(
                "{}: not formatted: a file is formatted once it parses (see `clearance check`)",
                path.display()
            );
        }
        FormatError::MeaningChanged => eprintln!(
            "error: {}: not formatted: the layout would change what the file means (a bug of \
the formatter; please report it with the file)",
            path.display()
        ),
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn first_different_line(original: &str, formatted: &str) -> usize {
    original
        .lines()
        .zip(formatted.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| original.lines().count().min(formatted.lines().count()))
        + 1
}
