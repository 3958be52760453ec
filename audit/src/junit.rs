//! The examples' results as JUnit XML, which CI tools read: one test suite per rule set, one
//! test case per example, a failure element with every reason an example failed.

use clearance_runtime::testing::ExampleResult;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// The document for `results`, in the order given.
pub fn junit(results: &[ExampleResult]) -> std::io::Result<String> {
    let mut suites: Vec<(&str, &str, Vec<&ExampleResult>)> = Vec::new();
    for result in results {
        match suites
            .iter_mut()
            .find(|(name, path, _)| *name == result.ruleset && *path == result.path)
        {
            Some((_, _, members)) => members.push(result),
            None => suites.push((&result.ruleset, &result.path, vec![result])),
        }
    }
    let failures = results.iter().filter(|result| !result.passed()).count();
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attribute(("name", "clearance test"))
        .with_attribute(("tests", results.len().to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .write_inner_content(|writer| {
            for (name, path, members) in &suites {
                let suite_failures = members.iter().filter(|result| !result.passed()).count();
                writer
                    .create_element("testsuite")
                    .with_attribute(("name", *name))
                    .with_attribute(("file", *path))
                    .with_attribute(("tests", members.len().to_string().as_str()))
                    .with_attribute(("failures", suite_failures.to_string().as_str()))
                    .write_inner_content(|writer| {
                        for result in members {
                            test_case(writer, result)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    String::from_utf8(bytes).map_err(std::io::Error::other)
}

fn test_case(writer: &mut Writer<Vec<u8>>, result: &ExampleResult) -> std::io::Result<()> {
    let line = result.line.to_string();
    let element = writer
        .create_element("testcase")
        .with_attribute(("name", result.description.as_str()))
        .with_attribute(("classname", result.ruleset.as_str()))
        .with_attribute(("file", result.path.as_str()))
        .with_attribute(("line", line.as_str()));
    if result.passed() {
        element.write_empty()?;
        return Ok(());
    }
    let first = result
        .failures
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    element.write_inner_content(|writer| {
        writer
            .create_element("failure")
            .with_attribute(("message", first))
            .write_text_content(BytesText::new(&result.failures.join("\n")))?;
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn failures_are_escaped_and_grouped_by_rule_set() {
        let result = |ruleset: &str, description: &str, failures: &[&str]| ExampleResult {
            ruleset: ruleset.to_string(),
            path: format!("rules/{ruleset}.clr"),
            line: 3,
            description: description.to_string(),
            failures: failures.iter().map(|failure| failure.to_string()).collect(),
        };
        let xml = junit(&[
            result("a", "mass <= 10 & \"ok\"", &[]),
            result(
                "b",
                "fails",
                &["expected `R` to pass, but it fails once: 5 kg < 6 kg"],
            ),
            result("a", "second", &[]),
        ])
        .unwrap();
        assert!(
            xml.contains(r#"<testsuites name="clearance test" tests="3" failures="1">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="mass &lt;= 10 &amp; &quot;ok&quot;" classname="a""#),
            "{xml}"
        );
        assert!(
            xml.contains("but it fails once: 5 kg &lt; 6 kg</failure>"),
            "{xml}"
        );
        assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
        assert!(
            xml.contains(r#"<testsuite name="a" file="rules/a.clr" tests="2" failures="0">"#),
            "{xml}"
        );
    }
}
