//! vitrin-server: the store's side of vitrin. `http` serves events in and catalog, rules,
//! profiles and metrics out over `db` (SQLite); `builder` turns session logs, stored
//! events and order imports into the catalog and the visitors' profiles. With feature
//! `plans`: `eventlog` keeps the accepted events as Parquet; `plans` runs the builder's
//! aggregations over it as DataFusion plans, in process or on a Ballista cluster
//! (`cluster`); `logsink` is the server's hook either way.

pub mod builder;
#[cfg(feature = "plans")]
pub mod cluster;
pub mod conn;
pub mod db;
#[cfg(feature = "plans")]
pub mod eventlog;
pub mod http;
pub mod ingest;
pub mod logsink;
pub mod metrics;
#[cfg(feature = "plans")]
pub mod plans;
pub mod results;
pub mod stats;
pub mod token;
