//! The Clearance compiler: from rule files to a checked, typed IR.
//!
//! Data flows text -> [`syntax`] (tokens, items, trees) -> [`items`] (salsa parse queries) ->
//! name resolution and type checking -> [`ir`]. Every step after parsing is a salsa query
//! over [`db::Db`], keyed per item, so that an edit re-checks only what depends on it.

/// A diagnostic text: a catalogue key and its arguments, `text!("help--did-you-mean",
/// candidate = name)`, each value shown
/// with its `Display`.
#[macro_export]
macro_rules! text {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::diagnostics::text::Text::new(
            $key,
            vec![$((stringify!($name), $crate::diagnostics::text::Arg::plain(&$value))),*],
        )
    };
}

pub use clearance_ir::builtins;
pub mod check;
pub mod db;
pub mod defs;
pub mod diagnostics;
pub mod hashes;
pub use clearance_ir as ir;
pub mod items;
pub mod program;
pub mod project;
pub mod resolve;
pub mod syntax;
pub mod time;
pub mod trace;
pub use clearance_ir::types;

mod stdlib {
    include!(concat!(env!("OUT_DIR"), "/stdlib.rs"));
}
