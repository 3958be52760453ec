//! A small element tree over quick-xml: namespaces resolved, text unescaped, each element with
//! the line it starts on. Messages are small (a declaration is tens of kilobytes), so a file is
//! read whole and kept as a tree while it is mapped.

use std::borrow::Cow;

use std::sync::Arc;

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use crate::data::{ReadError, line_and_column};

/// An XML element with its namespace, local name, attributes (by local name), text and
/// children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// Shared between the elements of a document: a file names few namespaces.
    pub namespace: Arc<str>,
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
    /// The line of the start tag, from 1.
    pub line: usize,
}

/// How deeply elements may nest; WCO declarations nest about eight levels.
const MAX_DEPTH: usize = 128;

impl Element {
    /// The children with local name `name`.
    pub fn all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a Element> + use<'a, 'n> {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The first child with local name `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.all(name).next()
    }

    /// The first element at a `/`-separated path of local names below this one.
    pub fn at(&self, path: &str) -> Option<&Element> {
        path.split('/')
            .try_fold(self, |element, name| element.child(name))
    }

    /// Every element at a path: each step may match several children.
    pub fn every<'a>(&'a self, path: &str) -> Vec<&'a Element> {
        let mut current = vec![self];
        for name in path.split('/') {
            current = current
                .into_iter()
                .flat_map(|element| element.all(name))
                .collect();
        }
        current
    }

    /// The trimmed text at a path, when there is some.
    pub fn text_at(&self, path: &str) -> Option<&str> {
        self.at(path)
            .map(|element| element.text.trim())
            .filter(|text| !text.is_empty())
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

fn error_at(bytes: &[u8], offset: u64, message: String) -> ReadError {
    let offset = usize::try_from(offset)
        .unwrap_or(bytes.len())
        .min(bytes.len());
    let (line, column) = line_and_column(bytes, offset);
    ReadError {
        line,
        column,
        message,
    }
}

/// The namespace of an element, from the document's few, allocated once each.
fn namespace_of(resolved: &ResolveResult<'_>, known: &mut Vec<Arc<str>>) -> Arc<str> {
    let name = match resolved {
        ResolveResult::Bound(namespace) => namespace.into_inner(),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => "",
    };
    if let Some(namespace) = known.iter().find(|namespace| &***namespace == name) {
        return Arc::clone(namespace);
    }
    let namespace: Arc<str> = Arc::from(name);
    known.push(Arc::clone(&namespace));
    namespace
}

/// Parses a whole XML document into its root element. A document that is not well-formed
/// gives the parser's message and the line and column where it stopped.
pub fn parse(bytes: &[u8]) -> Result<Element, ReadError> {
    let mut reader = NsReader::from_reader(bytes);
    let config = reader.config_mut();
    config.check_end_names = true;
    // A comment may not hold `--`; quick-xml only checks it when asked.
    config.check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut namespaces: Vec<Arc<str>> = Vec::new();
    let mut lines = LineCounter {
        bytes,
        offset: 0,
        line: 1,
    };
    loop {
        let position = reader.buffer_position();
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(pair) => pair,
            Err(error) => {
                return Err(error_at(
                    bytes,
                    reader.error_position(),
                    format!("the file is not well-formed XML: {error}"),
                ));
            }
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(error_at(
                    bytes,
                    position,
                    "the file is not well-formed XML: there is a second root element".to_string(),
                ));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error_at(
                        bytes,
                        position,
                        format!("the XML nests elements more than {MAX_DEPTH} deep"),
                    ));
                }
                let mut element = Element {
                    namespace: namespace_of(&resolved, &mut namespaces),
                    name: local_name(start.local_name().as_ref()),
                    line: lines.line_at(usize::try_from(position).unwrap_or(0)),
                    ..Element::default()
                };
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|error| {
                        error_at(
                            bytes,
                            position,
                            format!("the file is not well-formed XML: {error}"),
                        )
                    })?;
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|error| {
                            error_at(
                                bytes,
                                position,
                                format!("the file is not well-formed XML: {error}"),
                            )
                        })?;
                    element.attributes.push((
                        local_name(attribute.key.local_name().as_ref()),
                        value.into_owned(),
                    ));
                }
                if matches!(event, Event::Empty(_)) {
                    close(element, &mut stack, &mut root);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => match stack.pop() {
                Some(element) => close(element, &mut stack, &mut root),
                None => {
                    return Err(error_at(
                        bytes,
                        position,
                        "the file is not well-formed XML: an end tag closes nothing".to_string(),
                    ));
                }
            },
            Event::Text(text) => {
                let content = text.xml10_content();
                // Indentation between elements is not data: keeping it would cost an
                // allocation per element, and values are trimmed when read.
                let blank = content.trim().is_empty();
                if let Some(element) = stack.last_mut() {
                    if !blank || !element.text.is_empty() {
                        element.text.push_str(&content);
                    }
                } else if !blank {
                    return Err(error_at(
                        bytes,
                        position,
                        "the file is not well-formed XML: there is text outside the root element"
                            .to_string(),
                    ));
                }
            }
            Event::CData(data) => {
                if let Some(element) = stack.last_mut() {
                    element.text.push_str(&data.into_inner());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved: Option<Cow<'_, str>> = if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(|c| Cow::Owned(c.to_string()))
                } else {
                    quick_xml::escape::resolve_predefined_entity(&reference).map(Cow::Borrowed)
                };
                let Some(resolved) = resolved else {
                    return Err(error_at(
                        bytes,
                        position,
                        format!(
                            "the file is not well-formed XML: `&{};` is not a known entity",
                            &*reference
                        ),
                    ));
                };
                if let Some(element) = stack.last_mut() {
                    element.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(error_at(
            bytes,
            u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            format!(
                "the file is not well-formed XML: the element `{}` opened at line {} is not closed",
                open.name, open.line
            ),
        ));
    }
    root.ok_or_else(|| error_at(bytes, 0, "the file holds no XML element".to_string()))
}

/// Lines of increasing offsets, counted once: each element's line costs the bytes since the
/// previous one, not a scan from the start of the file.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let between = self.bytes.get(self.offset..offset).unwrap_or_default();
        self.line += between.iter().filter(|byte| **byte == b'\n').count();
        self.offset = offset;
        self.line
    }
}

fn local_name(name: &str) -> String {
    name.to_string()
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_text_and_lines() {
        let root = parse(
            b"<?xml version=\"1.0\"?>\n<md:A xmlns:md=\"urn:a\" xmlns=\"urn:b\">\n  <B x=\"1 &amp; 2\">t &lt; u<!-- c --></B>\n  <C/>\n</md:A>",
        )
        .unwrap();
        assert_eq!((&*root.namespace, root.name.as_str()), ("urn:a", "A"));
        let b = root.child("B").unwrap();
        assert_eq!(&*b.namespace, "urn:b");
        assert_eq!(b.text, "t < u");
        assert_eq!(b.attribute("x"), Some("1 & 2"));
        assert_eq!(b.line, 3);
        assert_eq!(root.child("C").unwrap().line, 4);
    }

    #[test]
    fn malformed_documents_say_where() {
        let error = parse(b"<a>\n  <b>\n</a>").unwrap_err();
        assert_eq!(error.line, 3, "{error}");
        assert!(error.message.contains("not well-formed"), "{error}");
        let error = parse(b"<a>\n<b>").unwrap_err();
        assert!(error.message.contains("not closed"), "{error}");
        let error = parse(b"").unwrap_err();
        assert!(error.message.contains("no XML element"), "{error}");
        let error = parse(b"<a/><b/>").unwrap_err();
        assert!(error.message.contains("second root"), "{error}");
    }
}
