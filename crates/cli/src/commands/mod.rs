//! One module per command group. Every command that reads or changes data goes through
//! `peil_service::Service` (actor and role, guard, k gate, audit); none opens the store itself.

pub mod allow;
pub mod audit;
pub mod bench;
pub mod catalog;
pub mod check;
pub mod demo;
pub mod docs;
pub mod dsr;
pub mod eval;
pub mod import;
pub mod keys;
pub mod oidc;
pub mod query;
pub mod retention;
pub mod serve;
pub mod watch;
