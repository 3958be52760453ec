//! The host functions compiled code calls, with their addresses and signatures.

use cranelift_codegen::ir::types;

use crate::native;

/// The host functions compiled code calls, each with its signature.
#[derive(Clone, Copy)]
pub(super) enum Host {
    Field,
    ListLength,
    ListElement,
    AsBool,
    AsInt,
    Bindable,
    MakeInt,
    Apply,
    Test,
    CollectStart,
    CollectPush,
    CollectFinish,
    RecordFailure,
    Presence,
    Compare,
}

impl Host {
    pub(super) fn address(self) -> i64 {
        match self {
            Host::Field => native::field as *const () as i64,
            Host::ListLength => native::list_length as *const () as i64,
            Host::ListElement => native::list_element as *const () as i64,
            Host::AsBool => native::as_bool as *const () as i64,
            Host::AsInt => native::as_int as *const () as i64,
            Host::Bindable => native::bindable as *const () as i64,
            Host::MakeInt => native::make_int as *const () as i64,
            Host::Apply => native::apply as *const () as i64,
            Host::Test => native::test as *const () as i64,
            Host::CollectStart => native::collect_start as *const () as i64,
            Host::CollectPush => native::collect_push as *const () as i64,
            Host::CollectFinish => native::collect_finish as *const () as i64,
            Host::RecordFailure => native::record_failure as *const () as i64,
            Host::Presence => native::presence as *const () as i64,
            Host::Compare => native::compare as *const () as i64,
        }
    }

    /// Parameter and result types; pointers and sizes are 64 bits, outcomes 32.
    pub(super) fn shape(self) -> (&'static [types::Type], &'static [types::Type]) {
        use types::{I32, I64};
        match self {
            Host::Field => (&[I64, I32], &[I64]),
            Host::ListLength => (&[I64], &[I64]),
            Host::ListElement => (&[I64, I64], &[I64]),
            Host::AsBool | Host::Bindable => (&[I64], &[I32]),
            Host::AsInt => (&[I64, I64], &[I32]),
            Host::MakeInt => (&[I64, I64], &[I64]),
            Host::Apply => (&[I64, I64, I64, I64, I64], &[I64]),
            Host::Test => (&[I64, I64, I64, I64], &[I32]),
            Host::CollectStart => (&[I64], &[I64]),
            Host::CollectPush => (&[I64, I64, I64], &[I32]),
            Host::CollectFinish => (&[I64, I64], &[I64]),
            Host::RecordFailure => (&[I64, I64, I64], &[]),
            Host::Presence => (&[I64], &[I32]),
            Host::Compare => (&[I64, I64, I32], &[I32]),
        }
    }
}
