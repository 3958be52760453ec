//! `clearance doc`: the rule book as a static site (clearance-audit makes the pages; this
//! writes them).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clearance_audit::doc::{DataText, Library, SourceText, site};

/// Marks a directory as a site this command made, so that it may clear it before writing.
const MARKER: &str = ".clearance-doc";

pub fn doc(paths: &[PathBuf], out: &Path) -> ExitCode {
    let (loaded, rule_set) = match crate::load_checked(paths) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let program = rule_set.program();
    let db = loaded.project.db();
    let files: Vec<SourceText> = loaded
        .project
        .files()
        .iter()
        .map(|file| SourceText {
            path: file.path(db).clone(),
            text: file.text(db).clone(),
        })
        .collect();
    let mut data = Vec::new();
    for name in program.data_files() {
        let path = Path::new(name);
        match std::fs::read(path) {
            Ok(bytes) => data.push(DataText {
                name: name.to_string(),
                shown_as: crate::load::hash_name(path),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            }),
            Err(error) => return crate::usage_error(&format!("cannot read `{name}`: {error}")),
        }
    }
    let pages = site(&Library {
        program,
        files: &files,
        selected: &loaded.selected,
        data: &data,
        engine_version: env!("CARGO_PKG_VERSION"),
    });
    if let Err(message) = prepare(out) {
        return crate::usage_error(&message);
    }
    for page in &pages {
        let path = out.join(&page.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &page.contents));
        if let Err(error) = written {
            return crate::usage_error(&format!("cannot write `{}`: {error}", path.display()));
        }
    }
    let rules: usize = program
        .rulesets
        .iter()
        .filter(|ruleset| loaded.is_selected(&ruleset.path))
        .map(|ruleset| ruleset.rules.len())
        .sum();
    println!(
        "wrote {} files to `{}`: {rules} rules, {} requirements; open `{}`",
        pages.len(),
        out.display(),
        program.requirements.len(),
        out.join("index.html").display()
    );
    ExitCode::SUCCESS
}

/// Makes `out` ready for a new site: created when missing; a site made before is cleared, so
/// that no page of a removed rule set stays; any other non-empty directory is refused.
fn prepare(out: &Path) -> Result<(), String> {
    let shown = out.display();
    if out.exists() {
        let mut entries =
            std::fs::read_dir(out).map_err(|error| format!("cannot read `{shown}`: {error}"))?;
        let empty = entries.next().is_none();
        if !empty {
            if !out.join(MARKER).exists() {
                return Err(format!(
                    "`{shown}` is not empty and holds no site made by `clearance doc`; give a new or empty directory"
                ));
            }
            for made in ["en", "fr", "assets", "index.html"] {
                let path = out.join(made);
                let removed = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else if path.exists() {
                    std::fs::remove_file(&path)
                } else {
                    Ok(())
                };
                removed.map_err(|error| format!("cannot clear `{}`: {error}", path.display()))?;
            }
        }
    }
    std::fs::create_dir_all(out).map_err(|error| format!("cannot create `{shown}`: {error}"))?;
    std::fs::write(
        out.join(MARKER),
        "This directory holds a site made by `clearance doc`, which clears it before writing again.\n",
    )
    .map_err(|error| format!("cannot write in `{shown}`: {error}"))
}
