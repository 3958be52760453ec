//! The rule book as a static site, as an auditor reads it: per rule set and version, each rule
//! beside the source sentences it cites, its requirements linked to the catalogue, its
//! exceptions under its base requirement, its examples with the findings they expect; the
//! tables, code lists, calendars and configuration data; the traceability matrix with its gaps.
//!
//! The site works from `file://`: plain pages with relative links, one style sheet with print
//! rules, and a small search script whose index is a `.js` file (a page opened from a file
//! cannot fetch JSON). Each page exists in English under `en/` and in French under `fr/`; the
//! switch links a page to its other language, so it works without a script too.

mod data;
mod files;
mod library;
mod search;

use std::collections::BTreeMap;

use clearance_compiler::ir::Program;
use clearance_compiler::syntax::ast::Lang;
use clearance_compiler::syntax::{FileSyntax, parse_file};

pub use search::SearchEntry;

/// A file of the library as the program names it, with its text.
#[derive(Clone, Debug)]
pub struct SourceText {
    pub path: String,
    pub text: String,
}

/// A data file a constant reads (`data "config/product-documents.csv"`).
#[derive(Clone, Debug)]
pub struct DataText {
    /// The name the program gives it.
    pub name: String,
    /// Its path from the library's root, as the site shows it.
    pub shown_as: String,
    pub text: String,
}

/// What the site is made of.
pub struct Library<'a> {
    pub program: &'a Program,
    /// Every file of the project, the standard library's included.
    pub files: &'a [SourceText],
    /// The rule set files asked for; modules are documented whichever files were asked for.
    pub selected: &'a [String],
    pub data: &'a [DataText],
    /// The version of the engine, written in each page's footer.
    pub engine_version: &'a str,
}

/// One file of the site: its path under the output directory, with `/` separators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub contents: String,
}

pub const LANGUAGES: [Lang; 2] = [Lang::En, Lang::Fr];

pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Fr => "fr",
    }
}

/// A text of the site's own in the page's language. Both languages sit side by side here, so
/// that neither can be forgotten.
pub(crate) fn tr(lang: Lang, en: &'static str, fr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

/// A file parsed, with what its page is called.
pub(crate) struct DocumentedFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub syntax: FileSyntax,
    /// The module or rule set name its header gives.
    pub module: String,
    /// The rule set this file declares, as an index into the program's rule sets.
    pub ruleset: Option<usize>,
    /// The page's path under a language's folder.
    pub page: String,
}

impl DocumentedFile<'_> {
    /// Whether a definition of the program (named by its module) was written in this file. A
    /// rule set's definitions are named by a module that also holds its version and file
    /// (`ca.cbsa.contingency@2017.11#rules/ca-cbsa/contingency.clr`).
    pub fn defines(&self, module: &str) -> bool {
        module == self.module || module.ends_with(&format!("#{}", self.path))
    }
}

/// Keeps the characters a file name may safely hold everywhere.
pub(crate) fn slug(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || matches!(character, '.' | '-' | '_') {
                character
            } else {
                '_'
            }
        })
        .collect()
}

pub(crate) fn ruleset_page(name: &str, version: &str) -> String {
    format!("rulesets/{}-{}.html", slug(name), slug(version))
}

fn documented_files<'a>(library: &'a Library<'a>) -> Vec<DocumentedFile<'a>> {
    use clearance_compiler::syntax::ast::ItemData;
    let mut documented = Vec::new();
    for file in library.files {
        let syntax = parse_file(&file.text);
        let Some(header) = syntax.items.iter().find_map(|item| match &item.item.data {
            ItemData::Header(header) => Some(header),
            _ => None,
        }) else {
            continue;
        };
        let module = header.name.text.clone();
        let ruleset = library
            .program
            .rulesets
            .iter()
            .position(|ruleset| ruleset.path == file.path);
        let page = match ruleset {
            Some(index) => {
                if !library.selected.contains(&file.path) {
                    continue;
                }
                let ruleset = &library.program.rulesets[index];
                ruleset_page(&ruleset.name, &ruleset.version)
            }
            None => format!("modules/{}.html", slug(&module)),
        };
        documented.push(DocumentedFile {
            path: &file.path,
            text: &file.text,
            syntax,
            module,
            ruleset,
            page,
        });
    }
    // Rule sets by name, then version; modules by name: the order of the index.
    documented.sort_by(|left, right| {
        (left.ruleset.is_none(), &left.module, &left.page).cmp(&(
            right.ruleset.is_none(),
            &right.module,
            &right.page,
        ))
    });
    documented
}

/// The whole site: for each language its index, one page per rule set version and per
/// module, the requirements catalogue and the traceability matrix, and its search index;
/// then the shared style sheet and script, and the page that chooses the language.
pub fn site(library: &Library<'_>) -> Vec<Page> {
    let files = documented_files(library);
    let trace = clearance_compiler::trace::trace(library.program);
    let data: BTreeMap<&str, &DataText> = library
        .data
        .iter()
        .map(|data| (data.name.as_str(), data))
        .collect();
    let mut pages = Vec::new();
    for lang in LANGUAGES {
        let mut entries = Vec::new();
        let context = files::Context {
            library,
            files: &files,
            data: &data,
            trace: &trace,
            lang,
        };
        for file in &files {
            pages.push(Page {
                path: format!("{}/{}", lang_code(lang), file.page),
                contents: files::file_page(&context, file, &mut entries),
            });
        }
        pages.push(Page {
            path: format!("{}/index.html", lang_code(lang)),
            contents: library::index_page(&context),
        });
        pages.push(Page {
            path: format!("{}/requirements.html", lang_code(lang)),
            contents: library::requirements_page(&context, &mut entries),
        });
        pages.push(Page {
            path: format!("{}/traceability.html", lang_code(lang)),
            contents: library::traceability_page(&context),
        });
        pages.push(Page {
            path: format!("{}/search-index.js", lang_code(lang)),
            contents: search::index_script(&entries),
        });
    }
    pages.push(Page {
        path: "index.html".to_string(),
        contents: library::language_page(library),
    });
    pages.push(Page {
        path: "assets/style.css".to_string(),
        contents: include_str!("style.css").to_string(),
    });
    pages.push(Page {
        path: "assets/search.js".to_string(),
        contents: include_str!("search.js").to_string(),
    });
    pages
}
