//! The server's hook into the Parquet event log (`serve --log`): accepted batches go to
//! `eventlog::Appender` in a build with feature `plans`; without it `--log` is refused at
//! start with how to get it.

use crate::db::{NewEvent, Source};

pub struct LogSink(#[cfg(feature = "plans")] crate::eventlog::Appender);

impl LogSink {
    /// Starts appending to `location` (a directory or an `s3://` URL).
    pub fn open(location: &str) -> Result<LogSink, String> {
        #[cfg(feature = "plans")]
        {
            crate::eventlog::Location::parse(location)
                .and_then(crate::eventlog::Appender::start)
                .map(LogSink)
                .map_err(|e| e.to_string())
        }
        #[cfg(not(feature = "plans"))]
        {
            Err(format!("--log {location}: this vitrin-server was built without the Parquet event log (cargo build -p vitrin-server --features plans)"))
        }
    }

    /// Queues a visitor's accepted events.
    pub fn append(&self, visitor: &str, events: Vec<NewEvent>, source: Source, received: f64) {
        #[cfg(feature = "plans")]
        self.0.append(visitor, events, source, received);
        #[cfg(not(feature = "plans"))]
        let _ = (visitor, events, source, received);
    }
}
