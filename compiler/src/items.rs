//! The item tree: parse queries over the syntax layer.
//!
//! `parsed_file` re-runs whenever a file's text changes; `item_syntax` picks one item out of
//! it and, because item trees hold only item-relative spans, returns an equal value for every
//! item the edit did not touch. Salsa then backdates it, and nothing downstream re-runs.

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::{Db, ItemId, ItemKey, SourceFile};
use crate::diagnostics::{Diagnostic, DiagnosticId};
use crate::syntax::ast::{HeaderItem, Item, ItemData, ItemKind, Span};
use crate::syntax::{StrayText, SyntaxError, parse_item, split_items};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedItem {
    pub key: ItemKey,
    /// Where the item starts in its file; spans inside the item are relative to it.
    pub offset: u32,
    pub len: u32,
    pub item: Arc<Item>,
    pub errors: Vec<SyntaxError>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedFile {
    pub items: Vec<ParsedItem>,
    pub stray: Vec<StrayText>,
    /// Each item's position in `items`, by key: finding an item costs the same in a file of
    /// ten items as in one of a hundred thousand.
    positions: HashMap<ItemKey, usize>,
}

impl ParsedFile {
    pub fn find(&self, key: &ItemKey) -> Option<&ParsedItem> {
        self.items.get(*self.positions.get(key)?)
    }

    /// The item whose text holds `offset`, its end included (where the cursor stands after the
    /// last word of a file); none before the first item.
    pub fn item_at(&self, offset: usize) -> Option<&ParsedItem> {
        // Items are in file order: the last one starting at or before the offset.
        let position = self
            .items
            .partition_point(|item| item.offset as usize <= offset);
        let item = self.items.get(position.checked_sub(1)?)?;
        (offset <= item.offset as usize + item.len as usize).then_some(item)
    }
}

/// The text of one item, interned: an item whose text an edit left as it was is the same
/// value, so its parse is not run again.
#[salsa::interned(debug)]
pub struct ItemText<'db> {
    pub kind: ItemKind,
    #[returns(ref)]
    pub text: String,
}

/// The tree of one item's text, with item-relative spans: the same wherever the item stands.
#[salsa::tracked(returns(ref))]
pub fn item_parse<'db>(db: &'db dyn Db, item: ItemText<'db>) -> (Arc<Item>, Vec<SyntaxError>) {
    let parse = parse_item(item.text(db), *item.kind(db));
    (Arc::new(parse.item), parse.errors)
}

/// A file's items. The file is split on tokens at every edit; each item is parsed only when
/// its text is new (`item_parse`), so a keystroke parses the item it lands in.
#[salsa::tracked(returns(ref))]
pub fn parsed_file(db: &dyn Db, file: SourceFile) -> ParsedFile {
    let text = file.text(db);
    let split = split_items(text);
    let mut occurrences: HashMap<(ItemKind, String), u32> = HashMap::new();
    let items: Vec<ParsedItem> = split
        .items
        .into_iter()
        .map(|raw| {
            let counter = occurrences.entry((raw.kind, raw.name.clone())).or_insert(0);
            let occurrence = *counter;
            *counter += 1;
            // Looked up by `&str`: an item text already interned is not copied again.
            let item_text = ItemText::new(db, raw.kind, &text[raw.start..raw.end]);
            let (item, errors) = item_parse(db, item_text);
            ParsedItem {
                key: ItemKey {
                    kind: raw.kind,
                    name: raw.name,
                    occurrence,
                },
                offset: u32::try_from(raw.start).unwrap_or(u32::MAX),
                len: u32::try_from(raw.end - raw.start).unwrap_or(u32::MAX),
                item: Arc::clone(item),
                errors: errors.clone(),
            }
        })
        .collect();

    let positions = items
        .iter()
        .enumerate()
        .map(|(position, item): (usize, &ParsedItem)| (item.key.clone(), position))
        .collect();
    ParsedFile {
        items,
        stray: split.stray,
        positions,
    }
}

/// The keys of a file's items, in order. Equal across edits that change no item's name, so
/// queries that only need to know which items exist are not re-run by body edits.
#[salsa::tracked(returns(ref))]
pub fn file_items(db: &dyn Db, file: SourceFile) -> Vec<ItemKey> {
    parsed_file(db, file)
        .items
        .iter()
        .map(|item| item.key.clone())
        .collect()
}

/// The syntax tree of one item.
#[salsa::tracked(returns(clone))]
pub fn item_syntax<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Option<Arc<Item>> {
    parsed_file(db, item.file(db))
        .find(item.key(db))
        .map(|parsed| Arc::clone(&parsed.item))
}

/// The ids of a file's items, in order.
pub fn file_item_ids(db: &dyn Db, file: SourceFile) -> Vec<ItemId<'_>> {
    file_items(db, file)
        .iter()
        .map(|key| ItemId::new(db, file, key.clone()))
        .collect()
}

/// The header (`ruleset` or `module`) of a file, if its first item is one.
#[salsa::tracked(returns(clone))]
pub fn file_header(db: &dyn Db, file: SourceFile) -> Option<Arc<HeaderItem>> {
    let parsed = parsed_file(db, file);
    let first = parsed.items.first()?;
    match &first.item.data {
        ItemData::Header(header) => Some(Arc::new(header.clone())),
        _ => None,
    }
}

/// Syntax errors and header problems of one file, with file-absolute spans.
#[salsa::tracked(returns(ref))]
pub fn file_syntax_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let parsed = parsed_file(db, file);
    let mut diagnostics = Vec::new();
    for stray in &parsed.stray {
        diagnostics.push(
            Diagnostic::new(
                DiagnosticId::StrayText,
                Span::new(stray.start, stray.end),
                text!("stray-text--text-part-any-item"),
            )
            .with_primary_label(text!("label--expected-item-here"))
            .with_help(text!("help--items-start-beginning-line")),
        );
    }
    for item in &parsed.items {
        for error in &item.errors {
            diagnostics.push(
                Diagnostic::new(DiagnosticId::SyntaxError, error.span, error.message.clone())
                    .with_primary_label(error.label.clone())
                    .with_optional_help(error.help.clone())
                    .shifted(item.offset),
            );
        }
    }
    let is_header =
        |item: &ParsedItem| matches!(item.key.kind, ItemKind::Ruleset | ItemKind::Module);
    match parsed.items.first() {
        Some(first) if is_header(first) => {}
        Some(first) => diagnostics.push(
            Diagnostic::new(
                DiagnosticId::MissingHeader,
                Span::new(
                    first.offset as usize,
                    first.offset as usize + first.key.kind.keyword().len(),
                ),
                text!("missing-header--file-does-start-ruleset"),
            )
            .with_primary_label(text!("label--first-item-file"))
            .with_help(text!("help--start-file-module-my")),
        ),
        None => {}
    }
    for item in parsed.items.iter().skip(1).filter(|item| is_header(item)) {
        diagnostics.push(
            Diagnostic::new(
                DiagnosticId::MisplacedHeader,
                Span::new(
                    item.offset as usize,
                    item.offset as usize + item.key.kind.keyword().len(),
                ),
                text!(
                    "misplaced-header--file-has-one-header",
                    kind = item.key.kind.keyword()
                ),
            )
            .with_help(text!("help--split-file-two-remove")),
        );
    }
    diagnostics
}
