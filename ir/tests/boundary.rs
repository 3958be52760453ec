//! The IR crate is what every backend runs and what the runtime will stand on alone: it must not
//! pull in the parser, the incremental database or the diagnostics renderer.

#[test]
fn the_ir_depends_on_no_parser_database_or_renderer() {
    let manifest = include_str!("../Cargo.toml");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap_or_default();
    let names: Vec<&str> = dependencies
        .lines()
        .filter_map(|line| line.split(['.', '=']).next())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    assert_eq!(names, ["rust_decimal", "jiff", "serde"], "{dependencies}");
}
