//! Reading rule files and the data they name, for the commands: `clearance-library` finds the
//! library's root and its files, and loads them, as the language server and the validation
//! server do.

pub use clearance_library::{Loaded, hash_name, load, rule_files, rule_set_with_data};
