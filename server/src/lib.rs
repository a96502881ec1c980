//! vitrin-server: the store's side of vitrin. `http` serves events in and catalog, rules,
//! profiles and metrics out over `db` (SQLite); `builder` turns session logs, stored
//! events and order imports into the catalog and the visitors' profiles.

pub mod builder;
pub mod conn;
pub mod db;
pub mod http;
pub mod ingest;
pub mod metrics;
pub mod results;
pub mod stats;
pub mod token;
