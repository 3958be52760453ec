//! The Clearance runtime: values, the reference interpreter, data binding and findings.
//!
//! [`RuleSet`] is the embedding API: compile rule files once, share the result between
//! threads, and evaluate records one by one or in batches. See `examples/embed.rs`.

pub mod backend;
pub mod bind;
pub mod calendar;
pub mod coverage;
pub mod data;
pub mod data_files;
pub mod decision_log;
pub mod engine;
pub mod findings;
pub mod input;
pub mod interp;
pub mod ops;
mod rule_run;
pub mod testing;
pub mod value;

pub use backend::{Decision, RuleDecider};
pub use data_files::{DataError, DataFile};
pub use engine::{CompileErrors, RuleReport, RuleSet, RuleStatus};
pub use findings::{Finding, RecordResult, Summary, Verdict};
