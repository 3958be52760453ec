//! Auditor tools over checked rule libraries. [`diff`]: what changed between two versions of
//! a library, or between the rules in force on two dates. [`coverage`]: what the examples
//! exercise, as text and as LCOV. [`junit`]: the examples' results as JUnit XML.

pub mod coverage;
pub mod diff;
pub mod doc;
pub mod junit;
