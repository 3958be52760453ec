//! Auditor tools over checked rule libraries. [`diff`]: what changed between two versions of
//! a library, or between the rules in force on two dates.

pub mod diff;
