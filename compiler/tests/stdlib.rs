//! The standard library checks clean: no error and no warning.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::diagnostics::Language;
use clearance_compiler::diagnostics::render::render_human;
use clearance_compiler::project::Project;

#[test]
fn the_standard_library_has_no_diagnostics() {
    let project = Project::default();
    let diagnostics = project.diagnostics(|_| true);
    let rendered = render_human(&diagnostics, &project.sources(), false, Language::English);
    assert!(diagnostics.is_empty(), "{rendered}");
}
