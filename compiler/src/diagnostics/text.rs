//! The words of diagnostics, in English and in French.
//!
//! A diagnostic does not hold sentences: it holds [`Text`]s, each a key of the message
//! catalogues and the values to put in it. The catalogues are Project Fluent files, one per
//! language (`compiler/locales/en.ftl`, `compiler/locales/fr.ftl`): the wording of every
//! situation is kept there and nowhere else, and a renderer chooses the language when it
//! shows the diagnostic. Tests check that both catalogues hold the same keys with the same
//! arguments, and that every key the compiler uses is in them.

use std::fmt;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The English catalogue, as written.
pub const ENGLISH_CATALOGUE: &str = include_str!("../../locales/en.ftl");
/// The French catalogue, as written.
pub const FRENCH_CATALOGUE: &str = include_str!("../../locales/fr.ftl");

/// A language diagnostics are shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Language {
    #[default]
    English,
    French,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::French];

    /// The language of a tag such as `en`, `fr` or `fr-CA`.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next().unwrap_or(tag);
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Language::English),
            "fr" => Some(Language::French),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::French => "fr",
        }
    }

    pub fn catalogue_source(self) -> &'static str {
        match self {
            Language::English => ENGLISH_CATALOGUE,
            Language::French => FRENCH_CATALOGUE,
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        match self {
            Language::English => &ENGLISH,
            Language::French => &FRENCH,
        }
    }
}

static ENGLISH: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle(Language::English));
static FRENCH: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(Language::French));

fn bundle(language: Language) -> FluentBundle<FluentResource> {
    let tag = language
        .tag()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // Fluent wraps every argument in Unicode isolation marks by default; terminals and JSON
    // readers would show them as stray characters around names.
    bundle.set_use_isolating(false);
    // A catalogue that does not parse keeps the messages it could read; the catalogue tests
    // fail on any error, so a broken one never ships.
    let resource = match FluentResource::try_new(language.catalogue_source().to_string()) {
        Ok(resource) => resource,
        Err((resource, _)) => resource,
    };
    let _ = bundle.add_resource(resource);
    bundle
}

/// A value put into a text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Arg {
    /// Written as it is: a name, a type, a number, a piece of the user's source.
    Plain(String),
    /// A count, which the catalogues may use to choose a plural form.
    Count(i64),
    /// Texts shown one after the other, separated by commas, each in the language of the
    /// whole.
    Texts(Vec<Text>),
}

impl Arg {
    pub fn plain(value: &dyn fmt::Display) -> Arg {
        Arg::Plain(value.to_string())
    }

    pub fn count(count: usize) -> Arg {
        Arg::Count(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// A sentence of a diagnostic: a catalogue key and the values it needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Text {
    key: &'static str,
    args: Box<[(&'static str, Arg)]>,
}

impl Text {
    pub fn new(key: &'static str, args: Vec<(&'static str, Arg)>) -> Text {
        Text {
            key,
            args: args.into_boxed_slice(),
        }
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    /// The value of the argument `name`, when it is plain text.
    pub fn plain_arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find_map(|(arg_name, value)| match value {
            Arg::Plain(text) if *arg_name == name => Some(text.as_str()),
            _ => None,
        })
    }

    /// The text in `language`. A key the catalogue lacks shows as the key itself, which the
    /// catalogue tests rule out.
    pub fn render(&self, language: Language) -> String {
        match self.render_checked(language) {
            Ok(text) | Err((text, _)) => text,
        }
    }

    /// The text in `language`, or what went wrong: a key the catalogue lacks, an argument
    /// the message names but the text does not give.
    pub fn render_checked(&self, language: Language) -> Result<String, (String, Vec<String>)> {
        let bundle = language.bundle();
        let Some(pattern) = bundle
            .get_message(self.key)
            .and_then(|message| message.value())
        else {
            return Err((
                self.key.to_string(),
                vec![format!(
                    "`{}` is not in the {} catalogue",
                    self.key,
                    language.tag()
                )],
            ));
        };
        let mut args = FluentArgs::new();
        let mut problems = Vec::new();
        for (name, value) in self.args.iter() {
            let value = match value {
                Arg::Plain(text) => FluentValue::from(text.clone()),
                Arg::Count(count) => FluentValue::from(*count),
                Arg::Texts(texts) => FluentValue::from(
                    texts
                        .iter()
                        .map(|text| match text.render_checked(language) {
                            Ok(text) => text,
                            Err((text, mut inner)) => {
                                problems.append(&mut inner);
                                text
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            };
            args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned();
        problems.extend(
            errors
                .iter()
                .map(|error| format!("`{}`: {error}", self.key)),
        );
        if problems.is_empty() {
            Ok(text)
        } else {
            Err((text, problems))
        }
    }

    pub fn english(&self) -> String {
        self.render(Language::English)
    }
}

/// English, for logs, panics in tests and `{}` in messages built from diagnostics.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}
