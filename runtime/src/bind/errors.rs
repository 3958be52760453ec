//! Problems with a record's data, in English and French.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BindErrorKind {
    Malformed,
    WrongType,
    MissingField,
    UnknownField,
    DuplicateField,
    UnknownCode,
    /// A code of an open code list's shape that the list does not hold: a warning, and the
    /// code is kept.
    UnlistedCode,
    OutOfRange,
    InvalidValue,
}

/// A message in English and French.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Said {
    pub en: String,
    pub fr: String,
}

/// `said!("english {}", "français {}", args...)`: both texts from the same arguments.
macro_rules! said {
    ($en:literal, $fr:literal $(, $arg:expr)* $(,)?) => {
        Said {
            en: format!($en $(, $arg)*),
            fr: format!($fr $(, $arg)*),
        }
    };
}
pub(crate) use said;

/// One problem with a record's data, at a JSON path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BindError {
    pub path: String,
    pub kind: BindErrorKind,
    pub message: String,
    #[serde(skip)]
    pub message_fr: String,
}

impl BindError {
    pub fn new(path: impl Into<String>, kind: BindErrorKind, said: Said) -> BindError {
        BindError {
            path: path.into(),
            kind,
            message: said.en,
            message_fr: said.fr,
        }
    }

    /// Whether the problem only warns: the value is kept and the record still binds.
    pub fn is_warning(&self) -> bool {
        self.kind == BindErrorKind::UnlistedCode
    }
}

/// `; did you mean `x`?` after a message about an unknown key, in both languages; empty when
/// no key is close.
pub fn key_hint(candidate: Option<&str>) -> Said {
    match candidate {
        Some(candidate) => said!(
            "; did you mean `{candidate}`?",
            " ; vouliez-vous dire `{candidate}` ?"
        ),
        None => Said::default(),
    }
}
