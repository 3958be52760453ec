//! The Clearance runtime.
