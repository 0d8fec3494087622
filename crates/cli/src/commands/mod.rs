//! One module per command group.

pub mod actor;
pub mod allow;
pub mod bench;
pub mod catalog;
pub mod check;
pub mod demo;
pub mod eval;
pub mod import;
pub mod keys;
pub mod query;

/// The actor recorded in change notes until users and roles arrive.
pub const LOCAL_OPERATOR: &str = "local-operator";
