//! Decision logs: what a run decided about each record, in a form an auditor keeps and a
//! replay checks again (`clearance run --decision-log`, `clearance replay`).
//!
//! A log is NDJSON, one [`Decision`] per record, in input order. A decision names the record
//! by a hash of its bytes, the rules by the library's hash and each rule set's name, version
//! and hash, the engine by its version, and gives the as-of date, the verdict, the rule counts
//! and each finding by its rule, its paths and a digest of its whole content. It holds no
//! value read from the record (names, addresses and EORIs are personal data) unless the
//! operator asks for the records to be embedded: then the record itself and its full result
//! go into the log too, so that the log alone can be replayed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::Node;
use crate::findings::{Finding, RecordResult, RuleCounts, RulesetRef, Verdict};
use crate::input::{RawContent, RawRecord};

/// The engine's version, as decisions name it.
pub const ENGINE_VERSION: &str = clearance_compiler::hashes::ENGINE_VERSION;

/// One record's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The record's position in the run's input, from 1.
    pub record: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// SHA-256 of the record as read ([`record_hash`]).
    pub record_hash: String,
    pub engine: String,
    /// The library's hash: the rules, the data files they read and the engine's version.
    pub rules_hash: String,
    /// The rule sets that evaluated the record.
    #[serde(default)]
    pub rulesets: Vec<RulesetRef>,
    pub as_of: String,
    /// Whether the run let records choose their own as-of date (`--allow-record-as-of`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub record_as_of_allowed: bool,
    pub verdict: Verdict,
    pub rules: RuleCounts,
    pub findings: Vec<LoggedFinding>,
    /// The record and its full result, when the operator asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<Embedded>,
}

/// A finding as a decision log keeps it: what identifies it, and a digest of the rest.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LoggedFinding {
    pub ruleset: String,
    pub rule: String,
    pub severity: String,
    pub paths: Vec<String>,
    /// SHA-256 of the finding's JSON without its provenance (which the decision gives once):
    /// its messages, values, fix, citations and error.
    pub digest: String,
}

/// A record and its result, embedded in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Embedded {
    /// The record as read ([`encode_record`]).
    pub record: serde_json::Value,
    /// The result as `clearance run --format ndjson` writes it.
    pub result: serde_json::Value,
}

/// What the decisions of a run share: whether records chose their as-of date, and whether the
/// records are embedded.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogOptions {
    pub record_as_of_allowed: bool,
    pub embed_records: bool,
}

impl Decision {
    /// The decision a result records about the record it came from.
    pub fn of(record: &RawRecord, result: &RecordResult, options: LogOptions) -> Decision {
        let mut findings: Vec<LoggedFinding> = result.findings.iter().map(logged_finding).collect();
        findings.sort();
        Decision {
            record: result.record,
            source: result.source.clone(),
            line: result.line,
            id: result.id.clone(),
            record_hash: record_hash(&record.content),
            engine: ENGINE_VERSION.to_string(),
            rules_hash: result.rules_hash.to_string(),
            rulesets: result
                .rulesets
                .iter()
                .map(|ruleset| RulesetRef::clone(ruleset))
                .collect(),
            as_of: result.as_of.clone(),
            record_as_of_allowed: options.record_as_of_allowed,
            verdict: result.verdict,
            rules: result.rules,
            findings,
            embedded: options.embed_records.then(|| Embedded {
                record: encode_record(&record.content),
                result: serde_json::to_value(result).unwrap_or(serde_json::Value::Null),
            }),
        }
    }

    /// Every way `now`, the decision replayed on the same record, differs from this one.
    pub fn differences(&self, now: &Decision) -> Vec<Difference> {
        let mut differences = Vec::new();
        if self.record_hash != now.record_hash {
            differences.push(Difference::RecordHash {
                logged: self.record_hash.clone(),
                now: now.record_hash.clone(),
            });
        }
        if self.engine != now.engine {
            differences.push(Difference::Engine {
                logged: self.engine.clone(),
                now: now.engine.clone(),
            });
        }
        if self.rules_hash != now.rules_hash {
            differences.push(Difference::RulesHash {
                logged: self.rules_hash.clone(),
                now: now.rules_hash.clone(),
            });
        }
        let mut names: Vec<&str> = self
            .rulesets
            .iter()
            .chain(&now.rulesets)
            .map(|ruleset| ruleset.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let find = |rulesets: &[RulesetRef]| {
                rulesets
                    .iter()
                    .find(|ruleset| ruleset.name == name)
                    .map(|ruleset| (ruleset.version.clone(), ruleset.hash.clone()))
            };
            let (logged, replayed) = (find(&self.rulesets), find(&now.rulesets));
            if logged != replayed {
                differences.push(Difference::Ruleset {
                    name: name.to_string(),
                    logged: logged.map(|(version, hash)| RulesetVersion { version, hash }),
                    now: replayed.map(|(version, hash)| RulesetVersion { version, hash }),
                });
            }
        }
        if self.verdict != now.verdict {
            differences.push(Difference::Verdict {
                logged: self.verdict,
                now: now.verdict,
            });
        }
        if self.rules != now.rules {
            differences.push(Difference::RuleCounts {
                logged: self.rules,
                now: now.rules,
            });
        }
        differences.extend(finding_differences(&self.findings, &now.findings));
        differences
    }
}

/// A rule set's version and hash, as a difference names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RulesetVersion {
    pub version: String,
    pub hash: String,
}

/// One way a replayed decision differs from the logged one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Difference {
    /// No input record has the logged hash, and the log does not embed the record.
    RecordMissing,
    /// The record replayed is not the one logged (an embedded record that was altered).
    RecordHash {
        logged: String,
        now: String,
    },
    /// Another version of the engine replayed the decision.
    Engine {
        logged: String,
        now: String,
    },
    /// The rules, their data files or the engine are not those of the decision.
    RulesHash {
        logged: String,
        now: String,
    },
    /// A rule set evaluated the record in another version, or only on one side.
    Ruleset {
        name: String,
        logged: Option<RulesetVersion>,
        now: Option<RulesetVersion>,
    },
    Verdict {
        logged: Verdict,
        now: Verdict,
    },
    RuleCounts {
        logged: RuleCounts,
        now: RuleCounts,
    },
    /// A finding of the log that the replay does not give.
    FindingRemoved {
        finding: LoggedFinding,
    },
    /// A finding the replay gives that the log does not hold.
    FindingAdded {
        finding: LoggedFinding,
    },
    /// The same rule at the same paths, with another content (message, values, fix).
    FindingChanged {
        logged: LoggedFinding,
        now: LoggedFinding,
    },
}

impl Difference {
    /// The difference's kind, as the JSON report tags it.
    pub fn kind(&self) -> &'static str {
        match self {
            Difference::RecordMissing => "record-missing",
            Difference::RecordHash { .. } => "record-hash",
            Difference::Engine { .. } => "engine",
            Difference::RulesHash { .. } => "rules-hash",
            Difference::Ruleset { .. } => "ruleset",
            Difference::Verdict { .. } => "verdict",
            Difference::RuleCounts { .. } => "rule-counts",
            Difference::FindingRemoved { .. } => "finding-removed",
            Difference::FindingAdded { .. } => "finding-added",
            Difference::FindingChanged { .. } => "finding-changed",
        }
    }

    /// Whether the difference is in what was decided (the verdict or a finding) rather than
    /// in how (the record's hash, the engine, the rules' versions and hashes, the counts).
    pub fn is_in_outcome(&self) -> bool {
        matches!(
            self,
            Difference::Verdict { .. }
                | Difference::FindingRemoved { .. }
                | Difference::FindingAdded { .. }
                | Difference::FindingChanged { .. }
        )
    }

    /// The rule a difference is about, for counts per rule.
    pub fn rule(&self) -> Option<&str> {
        match self {
            Difference::FindingRemoved { finding } | Difference::FindingAdded { finding } => {
                Some(&finding.rule)
            }
            Difference::FindingChanged { now, .. } => Some(&now.rule),
            _ => None,
        }
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let finding = |finding: &LoggedFinding| {
            if finding.paths.is_empty() {
                format!(
                    "{} {} ({})",
                    finding.severity, finding.rule, finding.ruleset
                )
            } else {
                format!(
                    "{} {} ({}) at {}",
                    finding.severity,
                    finding.rule,
                    finding.ruleset,
                    finding.paths.join(", ")
                )
            }
        };
        let version = |version: &Option<RulesetVersion>| match version {
            Some(RulesetVersion { version, hash }) => {
                format!("version {version} ({})", short(hash))
            }
            None => "not evaluated".to_string(),
        };
        match self {
            Difference::RecordMissing => write!(
                f,
                "record missing: no input record has the logged hash and the log does not embed it"
            ),
            Difference::RecordHash { logged, now } => write!(
                f,
                "record hash differs: logged {}, the embedded record hashes to {}",
                short(logged),
                short(now)
            ),
            Difference::Engine { logged, now } => {
                write!(f, "engine differs: logged {logged}, now {now}")
            }
            Difference::RulesHash { logged, now } => write!(
                f,
                "rules hash differs: logged {}, now {}",
                short(logged),
                short(now)
            ),
            Difference::Ruleset { name, logged, now } => write!(
                f,
                "rule set `{name}` differs: logged {}, now {}",
                version(logged),
                version(now)
            ),
            Difference::Verdict { logged, now } => write!(
                f,
                "verdict differs: logged {}, now {}",
                logged.as_str(),
                now.as_str()
            ),
            Difference::RuleCounts { logged, now } => write!(
                f,
                "rule counts differ: logged {} evaluated ({} passed, {} failed, {} not applicable), now {} ({} passed, {} failed, {} not applicable)",
                logged.evaluated,
                logged.passed,
                logged.failed,
                logged.not_applicable,
                now.evaluated,
                now.passed,
                now.failed,
                now.not_applicable
            ),
            Difference::FindingRemoved { finding: removed } => {
                write!(f, "finding no longer given: {}", finding(removed))
            }
            Difference::FindingAdded { finding: added } => {
                write!(f, "finding now given: {}", finding(added))
            }
            Difference::FindingChanged { logged, now } if logged.severity != now.severity => {
                write!(
                    f,
                    "finding changed from {} to {}: {}",
                    logged.severity,
                    now.severity,
                    finding(now)
                )
            }
            Difference::FindingChanged { now, .. } => write!(
                f,
                "finding changed (its message, values, fix or citations): {}",
                finding(now)
            ),
        }
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// The findings only one side gives, as multisets; a finding removed and one added with the
/// same rule set, rule and paths are one finding changed.
fn finding_differences(logged: &[LoggedFinding], now: &[LoggedFinding]) -> Vec<Difference> {
    let mut removed: Vec<LoggedFinding> = Vec::new();
    let mut added: Vec<LoggedFinding> = now.to_vec();
    for finding in logged {
        match added.iter().position(|other| other == finding) {
            Some(index) => {
                added.remove(index);
            }
            None => removed.push(finding.clone()),
        }
    }
    let mut differences = Vec::new();
    for finding in removed {
        let same_place = added.iter().position(|other| {
            other.ruleset == finding.ruleset
                && other.rule == finding.rule
                && other.paths == finding.paths
        });
        match same_place {
            Some(index) => differences.push(Difference::FindingChanged {
                logged: finding,
                now: added.remove(index),
            }),
            None => differences.push(Difference::FindingRemoved { finding }),
        }
    }
    differences.extend(
        added
            .into_iter()
            .map(|finding| Difference::FindingAdded { finding }),
    );
    differences
}

fn logged_finding(finding: &Finding) -> LoggedFinding {
    let mut content = serde_json::to_value(finding).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(fields) = &mut content {
        fields.shift_remove("provenance");
    }
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    LoggedFinding {
        ruleset: finding.provenance.ruleset.clone(),
        rule: finding.rule.clone(),
        severity: finding.severity.as_str().to_string(),
        paths: finding.paths.clone(),
        digest: format!("{:x}", Sha256::digest(&bytes)),
    }
}

/// SHA-256 of a record as read: the bytes of a JSON record; an XML declaration's tree in a
/// fixed encoding; what a message that is not a declaration is, or why input could not be
/// read. The same input read again gives the same hash.
pub fn record_hash(content: &RawContent) -> String {
    let mut hasher = Sha256::new();
    match content {
        RawContent::Json(bytes) => {
            hasher.update(b"json\0");
            hasher.update(bytes);
        }
        RawContent::Tree(node) => {
            hasher.update(b"tree\0");
            hash_node(&mut hasher, node);
        }
        RawContent::NotADeclaration(what) => {
            hasher.update(b"not-a-declaration\0");
            hasher.update(what.as_bytes());
        }
        RawContent::Unreadable(message) => {
            hasher.update(b"unreadable\0");
            hasher.update(message.as_bytes());
        }
    }
    format!("{:x}", hasher.finalize())
}

fn hash_text(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

fn hash_node(hasher: &mut Sha256, node: &Node) {
    match node {
        Node::Null => hasher.update(b"n"),
        Node::Bool(true) => hasher.update(b"t"),
        Node::Bool(false) => hasher.update(b"f"),
        Node::Number(text) => {
            hasher.update(b"#");
            hash_text(hasher, text);
        }
        Node::Text(text) => {
            hasher.update(b"\"");
            hash_text(hasher, text);
        }
        Node::List(items) => {
            hasher.update(b"[");
            hasher.update((items.len() as u64).to_le_bytes());
            for item in items {
                hash_node(hasher, item);
            }
        }
        Node::Object(pairs) => {
            hasher.update(b"{");
            hasher.update((pairs.len() as u64).to_le_bytes());
            for (key, value) in pairs {
                hash_text(hasher, key);
                hash_node(hasher, value);
            }
        }
    }
}

/// A record as JSON, for embedding: `{"json": text}` (or `{"json_bytes": [..]}` for bytes that
/// are not UTF-8), `{"tree": ...}` for an XML declaration, `{"not_a_declaration": what}`,
/// `{"unreadable": why}`. [`decode_record`] reads it back to the same record, hash and all.
pub fn encode_record(content: &RawContent) -> serde_json::Value {
    use serde_json::json;
    match content {
        RawContent::Json(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => json!({ "json": text }),
            Err(_) => json!({ "json_bytes": bytes }),
        },
        RawContent::Tree(node) => json!({ "tree": encode_node(node) }),
        RawContent::NotADeclaration(what) => json!({ "not_a_declaration": what }),
        RawContent::Unreadable(message) => json!({ "unreadable": message }),
    }
}

fn encode_node(node: &Node) -> serde_json::Value {
    use serde_json::{Value, json};
    match node {
        Node::Null => Value::Null,
        Node::Bool(value) => Value::Bool(*value),
        Node::Number(text) => json!({ "number": text.as_ref() }),
        Node::Text(text) => Value::String(text.to_string()),
        Node::List(items) => json!({ "list": items.iter().map(encode_node).collect::<Vec<_>>() }),
        Node::Object(pairs) => json!({
            "object": pairs
                .iter()
                .map(|(key, value)| json!([key.as_ref(), encode_node(value)]))
                .collect::<Vec<_>>()
        }),
    }
}

/// The record [`encode_record`] embedded, or what is wrong with the embedding.
pub fn decode_record(value: &serde_json::Value) -> Result<RawContent, String> {
    let serde_json::Value::Object(fields) = value else {
        return Err("an embedded record is an object".to_string());
    };
    let text = |value: &serde_json::Value| value.as_str().map(str::to_string);
    let decoded = match fields.iter().next() {
        Some((kind, value)) if fields.len() == 1 => match kind.as_str() {
            "json" => text(value).map(|text| RawContent::Json(text.into_bytes())),
            "json_bytes" => serde_json::from_value::<Vec<u8>>(value.clone())
                .ok()
                .map(RawContent::Json),
            "tree" => return decode_node(value).map(RawContent::Tree),
            "not_a_declaration" => text(value).map(RawContent::NotADeclaration),
            "unreadable" => text(value).map(RawContent::Unreadable),
            _ => None,
        },
        _ => None,
    };
    decoded.ok_or_else(|| {
        "an embedded record is one of `json`, `json_bytes`, `tree`, `not_a_declaration` and `unreadable`, with its value".to_string()
    })
}

fn decode_node(value: &serde_json::Value) -> Result<Node, String> {
    use serde_json::Value;
    let wrong = || {
        "an embedded tree node is null, a boolean, a text, or an object with one of `number`, `list` and `object`".to_string()
    };
    Ok(match value {
        Value::Null => Node::Null,
        Value::Bool(value) => Node::Bool(*value),
        Value::String(text) => Node::Text(text.as_str().into()),
        Value::Number(_) | Value::Array(_) => return Err(wrong()),
        Value::Object(fields) => match (fields.len(), fields.iter().next()) {
            (1, Some((kind, Value::String(text)))) if kind == "number" => {
                Node::Number(text.as_str().into())
            }
            (1, Some((kind, Value::Array(items)))) if kind == "list" => {
                Node::List(items.iter().map(decode_node).collect::<Result<_, _>>()?)
            }
            (1, Some((kind, Value::Array(pairs)))) if kind == "object" => Node::Object(
                pairs
                    .iter()
                    .map(|pair| match pair.as_array().map(Vec::as_slice) {
                        Some([Value::String(key), value]) => {
                            Ok((key.as_str().into(), decode_node(value)?))
                        }
                        _ => Err(wrong()),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(wrong()),
        },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn finding(rule: &str, paths: &[&str], digest: &str) -> LoggedFinding {
        LoggedFinding {
            ruleset: "cas".to_string(),
            rule: rule.to_string(),
            severity: "error".to_string(),
            paths: paths.iter().map(|path| path.to_string()).collect(),
            digest: digest.to_string(),
        }
    }

    #[test]
    fn every_record_kind_embeds_and_decodes_to_the_same_hash() {
        let tree = Node::object([
            ("id", Node::text("A")),
            (
                "items",
                Node::List(vec![Node::object([
                    ("mass", Node::Number("12.50".into())),
                    ("mass", Node::Null),
                    ("ok", Node::Bool(true)),
                ])]),
            ),
        ]);
        let contents = [
            RawContent::Json(br#"{"a": 1.10}"#.to_vec()),
            RawContent::Json(vec![0xff, b'{']),
            RawContent::Tree(tree),
            RawContent::NotADeclaration("a notification".to_string()),
            RawContent::Unreadable("not JSON (line 3, column 1)".to_string()),
        ];
        for content in &contents {
            let encoded = encode_record(content);
            let text = serde_json::to_string(&encoded).unwrap();
            let decoded = decode_record(&serde_json::from_str(&text).unwrap()).unwrap();
            assert_eq!(record_hash(&decoded), record_hash(content), "{text}");
        }
        let hashes: std::collections::BTreeSet<String> = contents.iter().map(record_hash).collect();
        assert_eq!(
            hashes.len(),
            contents.len(),
            "different records, different hashes"
        );
    }

    #[test]
    fn each_kind_is_the_tag_the_json_report_gives() {
        let text = || "a".to_string();
        let counts = RuleCounts::default();
        let differences = [
            Difference::RecordMissing,
            Difference::RecordHash {
                logged: text(),
                now: text(),
            },
            Difference::Engine {
                logged: text(),
                now: text(),
            },
            Difference::RulesHash {
                logged: text(),
                now: text(),
            },
            Difference::Ruleset {
                name: text(),
                logged: None,
                now: None,
            },
            Difference::Verdict {
                logged: Verdict::Pass,
                now: Verdict::Fail,
            },
            Difference::RuleCounts {
                logged: counts,
                now: counts,
            },
            Difference::FindingRemoved {
                finding: finding("R", &[], "d"),
            },
            Difference::FindingAdded {
                finding: finding("R", &[], "d"),
            },
            Difference::FindingChanged {
                logged: finding("R", &[], "d"),
                now: finding("R", &[], "e"),
            },
        ];
        for difference in &differences {
            let json = serde_json::to_value(difference).unwrap();
            assert_eq!(json["kind"], difference.kind(), "{json}");
        }
    }

    #[test]
    fn a_number_and_the_same_text_hash_apart() {
        let number = RawContent::Tree(Node::Number("1".into()));
        let text = RawContent::Tree(Node::text("1"));
        assert_ne!(record_hash(&number), record_hash(&text));
    }

    #[test]
    fn malformed_embeddings_say_what_an_embedding_is() {
        for bad in [
            serde_json::json!([]),
            serde_json::json!({"json": 3}),
            serde_json::json!({"json": "x", "tree": null}),
            serde_json::json!({"tree": {"number": 3}}),
            serde_json::json!({"tree": {"object": [["k"]]}}),
        ] {
            assert!(decode_record(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_finding_at_the_same_place_with_other_content_is_changed() {
        let logged = vec![
            finding("A", &["x"], "1"),
            finding("B", &["y"], "2"),
            finding("B", &["y"], "2"),
        ];
        let now = vec![
            finding("A", &["x"], "9"),
            finding("B", &["y"], "2"),
            finding("C", &[], "3"),
        ];
        let kinds: Vec<String> = finding_differences(&logged, &now)
            .iter()
            .map(|difference| difference.to_string())
            .collect();
        assert_eq!(
            kinds,
            [
                "finding changed (its message, values, fix or citations): error A (cas) at x",
                "finding no longer given: error B (cas) at y",
                "finding now given: error C (cas)",
            ]
        );
    }
}
