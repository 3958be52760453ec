//! The files the server writes for the editor to open, read-only, in a cache directory named
//! by their contents' hash: the embedded standard library and the diagnostics reference.

use std::path::PathBuf;

use tower_lsp_server::ls_types::Uri;

pub(super) struct Reference {
    pub(super) uri: Uri,
    pub(super) page: String,
}

/// The cache directory of the files written for editors to open.
fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("clearance")
}

/// Writes the diagnostics reference (`docs/diagnostics.md`, as this binary knows its ids),
/// read-only, under a name given by its hash.
pub(super) fn write_reference() -> Option<Reference> {
    let page = clearance_compiler::diagnostics::reference_page();
    let dir = cache_dir().join(format!("docs-{}", short_hash(&[page.as_bytes()])));
    let target = dir.join("diagnostics.md");
    write_read_only(&target, &page)?;
    let uri = Uri::from_file_path(target.canonicalize().unwrap_or(target))?;
    Some(Reference { uri, page })
}

/// Writes the embedded standard library, read-only, to a cache directory named by its hash,
/// so that "go to definition" can open it. `None` when no directory can be written.
pub(super) fn write_stdlib() -> Option<PathBuf> {
    let parts: Vec<&[u8]> = clearance_compiler::project::STDLIB
        .iter()
        .flat_map(|(path, text)| [path.as_bytes(), text.as_bytes()])
        .collect();
    let dir = cache_dir().join(format!("stdlib-{}", short_hash(&parts)));
    for (path, text) in clearance_compiler::project::STDLIB {
        write_read_only(
            &dir.join(path.strip_prefix("stdlib/").unwrap_or(path)),
            text,
        )?;
    }
    Some(dir.canonicalize().unwrap_or(dir))
}

/// The first 8 bytes, in hex, of the SHA-256 of the parts, each followed by a zero byte.
fn short_hash(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
        hasher.update([0]);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Writes `text` to `target`, read-only, unless it is there already (its name holds the hash
/// of what it holds).
fn write_read_only(target: &std::path::Path, text: &str) -> Option<()> {
    if target.exists() {
        return Some(());
    }
    std::fs::create_dir_all(target.parent()?).ok()?;
    std::fs::write(target, text).ok()?;
    let mut permissions = std::fs::metadata(target).ok()?.permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(target, permissions).ok()
}
