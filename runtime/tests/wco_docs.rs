//! `docs/wco-xml.md` shows the reader's own tables: the message kinds and the mapping of data
//! elements to fields. This test keeps the two equal; on a difference it prints the tables to
//! paste.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_runtime::input::wco::{mapping_table, message_kinds_table};

#[test]
fn the_documentation_shows_the_reader_s_tables() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/wco-xml.md");
    let docs = std::fs::read_to_string(&path).unwrap();
    for table in [message_kinds_table(), mapping_table()] {
        assert!(
            docs.contains(&table),
            "docs/wco-xml.md does not hold this table of the reader:\n\n{table}"
        );
    }
}
