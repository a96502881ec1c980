//! vitrin-server: the store's side of vitrin. `builder` turns the shop's session logs into
//! the catalog the engine ranks with; the HTTP server that serves it will live beside it.

pub mod builder;
