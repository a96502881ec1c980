//! `vitrin-server <subcommand>`: one function per subcommand, arguments parsed by hand.

use std::path::PathBuf;
use std::process::ExitCode;
use vitrin_server::builder::{self, model::Params, model::MAX_EMBEDDING_DIM, Options};
use vitrin_server::http;
#[cfg(feature = "plans")]
use vitrin_server::{cluster, eventlog, plans};

/// What `log`, `scheduler`, `executor` and `build --log` say in a build without them.
#[cfg(not(feature = "plans"))]
const NO_PLANS: &str = "this vitrin-server was built without the event log and DataFusion plans: cargo build -p vitrin-server --features plans";

const USAGE: &str = "usage: vitrin-server <command>

commands:
  build [--sessions FILE.csv[.gz]] [--db FILE] [--orders FILE.csv[.gz]] [--base FEED.json]
        --out catalog.json
        [--profiles-out FILE.jsonl] [--holdout-last-fraction F --validation-out FILE.jsonl]
        [--list-len N] [--window N] [--decay X] [--backward X] [--damping X]
        [--trend-half-life X] [--embedding-dim N] [--fit-fraction F] [--fit-cases N]
      Builds the catalog (popularity, related.similar = viewed next, related.boughtWith =
      bought in one order, embedding with --embedding-dim N ≤ 64) from any of: a session
      log (session_id,item_id,position); the server's database (stored views and
      purchases); an orders export (visitorId,orderId,productId,quantity,price,at),
      stored into --db when given so profiles span channels. --base: the store's catalog
      (titles, categories, prices) that the learned fields are laid over; without it
      every learned item gets placeholders. --profiles-out writes every
      stored visitor's profile, one per line. With a holdout, the last F of the log's
      sessions stay out of the model and their prefixes go to --validation-out.
      The ranking weights (`blend` in the catalog) are fitted on the log's own last
      sessions: the last F (default 0.1; 0: the engine's defaults) of the model's
      sessions wait outside a first model, and up to N (default 5000) of their prefixes
      are replayed through the engine for each weight tried.
  build --log DIR|URL [--cluster df://HOST:PORT [--job-timeout SECONDS]] [--partitions N]
        --out catalog.json
        [--base FEED.json] [--profiles-out FILE.jsonl]
        [--holdout-last-fraction F --validation-out FILE.jsonl] [model and fit flags as above]
      The same build as DataFusion plans over the Parquet event log (see `log`): in
      this process, or on the Ballista cluster whose scheduler is at --cluster.
      --partitions: partitions per plan in process (default: the cores).
      --job-timeout: the longest one plan may run (default on a cluster: 1800) before
      the build fails; a task that dies on an executor otherwise leaves its job waiting.
      (`log`, `scheduler`, `executor`, `build --log` and `serve --log` need a build
      with --features plans.)
  log export --db FILE --to DIR|URL
  log import-sessions --sessions FILE.csv[.gz] --to DIR|URL
      Writes the database's stored events, or a session log, into the Parquet event
      log (files per day under DIR/day=YYYY-MM-DD/; a directory, file:// or s3://
      URL with credentials from AWS_* variables).
  scheduler [--host ADDR] --port N
  executor --scheduler HOST:PORT [--host ADDR] --port N --grpc-port N [--slots N]
        [--work-dir DIR]
      Ballista's scheduler and executor, for `build --cluster df://HOST:PORT`.
  serve --db FILE --catalog FILE --port N --token T [--rules FILE] [--host ADDR]
        [--cors ORIGIN…] [--rate R] [--secret S] [--read-token T] [--visitor-rate N]
        [--max-connections N] [--header-timeout SECONDS] [--body-timeout SECONDS]
        [--idle-timeout SECONDS]
        [--drain SECONDS] [--log DIR|URL] [--build-every MINUTES --build-base FEED.json [--embedding-dim N]]
      Serves the HTTP API of server/openapi.yaml on ADDR:N (127.0.0.1 unless --host;
      port 0 picks a free one; prints `listening on http://ADDR:PORT`). The SQLite
      database is created on first start; the catalog file is re-read when it changes;
      --rules is published when the database holds no rules yet. PUT /v1/rules and
      GET /v1/metrics need `Authorization: Bearer T` (T ≥ 16 characters; or
      VITRIN_TOKEN); --read-token: a second token for GET /v1/metrics only. Visitor
      tokens are signed with --secret (≥ 32 bytes; or VITRIN_SECRET), else with a secret
      made on first start and kept in the database. CORS answers only the listed origins
      (`*` for any), and browsers may write only from those and the server's own origin.
      --rate: requests per second per client address (default 20, bursts of 5 s worth).
      --visitor-rate: events per minute per visitor (default 120, bursts of 1000).
      --max-connections (default 1024; past it: 503), --header-timeout (10; also how
      long a kept-alive connection waits for its next request), --body-timeout (20),
      --idle-timeout (60: no byte either way mid-request), --drain: on SIGTERM, seconds
      requests in flight may take (10). --build-every: runs the builder on the
      database every MINUTES, laying what it learns over FEED.json (the store's
      catalog) into the served catalog file, which the server then follows. --log:
      accepted events are also written to the Parquet event log (every minute, and
      at shutdown).
  token (--db FILE | --secret S) --visitor ID [--days N]
      Prints a visitor token for ID valid N days (default 30): what the store's backend
      hands its logged-in customer's page (sync `visitorId` + `token`). The secret is
      --secret (or VITRIN_SECRET), else the one the server keeps in --db.
  binary --catalog FILE.json
      Writes the binary catalog of a JSON catalog beside it (FILE.bin), as `build`
      does with its output: the same catalog, which a page reads with no JSON parsing
      (`create({ catalog: bytes })`). Prints its size.
  events --db FILE [--visitor ID]
      Prints the stored events, one JSON object per line: {visitorId, id, source,
      event}, oldest first per visitor (an export for a warehouse, or a look at what
      arrived).
  help
      Shows this text.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build(&args[1..]),
        Some("serve") => serve(&args[1..]),
        Some("events") => events(&args[1..]),
        Some("token") => token(&args[1..]),
        Some("binary") => binary(&args[1..]),
        Some("log") => log(&args[1..]),
        Some("scheduler") => scheduler(&args[1..]),
        Some("executor") => executor(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vitrin-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: &[String]) -> Result<(), String> {
    let (
        mut sessions,
        mut db,
        mut orders,
        mut out,
        mut profiles_out,
        mut validation_out,
        mut holdout,
    ) = (None, None, None, None, None, None, 0.0);
    let (mut base, mut log, mut cluster, mut partitions, mut job_timeout) =
        (None, None, None::<String>, None::<usize>, None::<u64>);
    let mut params = Params::default();
    let (mut fit, mut fit_cases) = (builder::FIT_FRACTION, builder::FIT_CASES);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--sessions" => sessions = Some(PathBuf::from(value()?)),
            "--db" => db = Some(PathBuf::from(value()?)),
            "--orders" => orders = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--base" => base = Some(PathBuf::from(value()?)),
            "--log" => log = Some(value()?.clone()),
            "--cluster" => cluster = Some(value()?.clone()),
            "--partitions" => partitions = Some(number(flag, value()?)?),
            "--job-timeout" => job_timeout = Some(number(flag, value()?)?),
            "--profiles-out" => profiles_out = Some(PathBuf::from(value()?)),
            "--validation-out" => validation_out = Some(PathBuf::from(value()?)),
            "--holdout-last-fraction" => holdout = number(flag, value()?)?,
            "--list-len" => params.list_len = number(flag, value()?)?,
            "--window" => params.window = number(flag, value()?)?,
            "--decay" => params.decay = number(flag, value()?)?,
            "--backward" => params.backward = number(flag, value()?)?,
            "--damping" => params.damping = number(flag, value()?)?,
            "--trend-half-life" => params.trend_half_life = number(flag, value()?)?,
            "--embedding-dim" => params.embedding_dim = number(flag, value()?)?,
            "--fit-fraction" => fit = number(flag, value()?)?,
            "--fit-cases" => fit_cases = number(flag, value()?)?,
            other => return Err(format!("build: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    if log.is_some() && (sessions.is_some() || db.is_some() || orders.is_some()) {
        return Err("--log is the whole input: bring a session log, a database or orders into it with `vitrin-server log`".into());
    }
    if log.is_none() && (cluster.is_some() || partitions.is_some() || job_timeout.is_some()) {
        return Err(
            "--cluster, --partitions and --job-timeout run the plans over the event log: they need --log".into(),
        );
    }
    if job_timeout == Some(0) {
        return Err("--job-timeout is in seconds and must be positive".into());
    }
    if sessions.is_none() && db.is_none() && orders.is_none() && log.is_none() {
        return Err(
            "build needs --sessions FILE, --db FILE, --orders FILE or --log DIR|URL".into(),
        );
    }
    let out = out.ok_or("build needs --out FILE")?;
    if (validation_out.is_some() || holdout > 0.0) && sessions.is_none() && log.is_none() {
        return Err("a holdout splits the session log: it needs --sessions".into());
    }
    if validation_out.is_some() && holdout == 0.0 {
        return Err("--validation-out needs --holdout-last-fraction".into());
    }
    if params.trend_half_life <= 0.0 {
        return Err("--trend-half-life must be positive".into());
    }
    if params.embedding_dim > MAX_EMBEDDING_DIM {
        return Err(format!("--embedding-dim is at most {MAX_EMBEDDING_DIM}"));
    }
    let report = match log {
        #[cfg(feature = "plans")]
        Some(log) => {
            let opts = plans::Options {
                log,
                cluster,
                partitions,
                job_timeout: job_timeout.map(std::time::Duration::from_secs),
                out: out.clone(),
                base,
                profiles_out: profiles_out.clone(),
                holdout,
                validation_out,
                params,
                fit,
                fit_cases,
            };
            plans::build(&opts)
        }
        #[cfg(not(feature = "plans"))]
        Some(_) => {
            let _ = (cluster, partitions, job_timeout, fit, fit_cases);
            return Err(NO_PLANS.into());
        }
        None => builder::build(&Options {
            sessions,
            db,
            orders,
            out: out.clone(),
            base,
            profiles_out: profiles_out.clone(),
            holdout,
            validation_out,
            params,
            fit,
            fit_cases,
        }),
    }
    .map_err(|e| format!("build: {e}"))?;
    println!("{report}");
    println!("wrote {}", out.display());
    if let Some(p) = profiles_out {
        println!("wrote {}", p.display());
    }
    Ok(())
}

fn serve(args: &[String]) -> Result<(), String> {
    let (mut db, mut catalog, mut rules, mut port, mut token) = (None, None, None, None, None);
    let (mut host, mut cors, mut rate) = (
        "127.0.0.1".parse().expect("an address"),
        Vec::new(),
        20.0f64,
    );
    let (mut build_every, mut build_base, mut params) = (None::<f64>, None, Params::default());
    let (mut secret, mut read_token, mut visitor_rate, mut limits) =
        (None, None, 120.0f64, vitrin_server::conn::Limits::default());
    let seconds = |flag: &str, text: &str| -> Result<std::time::Duration, String> {
        let s: f64 = number(flag, text)?;
        if !(s.is_finite() && s > 0.0) {
            return Err(format!("{flag} must be a positive number of seconds"));
        }
        Ok(std::time::Duration::from_secs_f64(s))
    };
    let mut log = None;
    let mut it = args.iter().peekable();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--catalog" => catalog = Some(PathBuf::from(value()?)),
            "--rules" => rules = Some(PathBuf::from(value()?)),
            "--host" => host = number(flag, value()?)?,
            "--port" => port = Some(number(flag, value()?)?),
            "--token" => token = Some(value()?.clone()),
            "--rate" => rate = number(flag, value()?)?,
            "--build-every" => build_every = Some(number(flag, value()?)?),
            "--build-base" => build_base = Some(PathBuf::from(value()?)),
            "--log" => log = Some(value()?.clone()),
            "--embedding-dim" => params.embedding_dim = number(flag, value()?)?,
            "--secret" => secret = Some(value()?.clone()),
            "--read-token" => read_token = Some(value()?.clone()),
            "--visitor-rate" => visitor_rate = number(flag, value()?)?,
            "--max-connections" => limits.connections = number(flag, value()?)?,
            "--header-timeout" => limits.header = seconds(flag, value()?)?,
            "--body-timeout" => limits.body = seconds(flag, value()?)?,
            "--idle-timeout" => limits.idle = seconds(flag, value()?)?,
            "--drain" => limits.drain = seconds(flag, value()?)?,
            "--cors" => {
                cors.push(value()?.clone());
                while let Some(origin) = it.next_if(|a| !a.starts_with("--")) {
                    cors.push(origin.clone());
                }
            }
            other => return Err(format!("serve: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let token: String = token
        .or_else(|| std::env::var("VITRIN_TOKEN").ok())
        .ok_or("serve needs --token T (or VITRIN_TOKEN)")?;
    if token.len() < 16 {
        return Err("the token must be at least 16 characters".into());
    }
    if !rate.is_finite() || rate <= 0.0 {
        return Err("--rate must be positive".into());
    }
    if !visitor_rate.is_finite() || visitor_rate <= 0.0 {
        return Err("--visitor-rate must be positive".into());
    }
    if limits.connections == 0 {
        return Err("--max-connections must be at least 1".into());
    }
    if read_token.as_ref().is_some_and(|t| t.len() < 16) {
        return Err("the read token must be at least 16 characters".into());
    }
    let cfg = http::Config {
        rules,
        host,
        port: port.ok_or("serve needs --port N (0 picks a free one)")?,
        cors,
        rate,
        log,
        secret: secret_arg(secret)?,
        read_token,
        visitor_rate,
        limits,
        ..http::Config::new(
            db.ok_or("serve needs --db FILE")?,
            catalog.ok_or("serve needs --catalog FILE")?,
            token,
        )
    };
    if let Some(minutes) = build_every {
        if !(minutes.is_finite() && minutes > 0.0) {
            return Err("--build-every must be a positive number of minutes".into());
        }
        if params.embedding_dim > MAX_EMBEDDING_DIM {
            return Err(format!("--embedding-dim is at most {MAX_EMBEDDING_DIM}"));
        }
        let base =
            build_base.ok_or("--build-every needs --build-base FEED.json, the store's catalog")?;
        let opts = Options {
            db: Some(cfg.db.clone()),
            base: Some(base),
            params,
            sessions: None,
            ..Options::sessions(PathBuf::new(), cfg.catalog.clone())
        };
        builder::every(
            opts,
            std::time::Duration::from_secs_f64(minutes * 60.0),
            Default::default(),
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let served = runtime.block_on(http::serve(cfg));
    // The drain is over: a database call still running gets a moment, nothing more.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    served
}

/// `--secret` or VITRIN_SECRET, at least `MIN_SECRET` bytes; `None` when neither is set.
fn secret_arg(given: Option<String>) -> Result<Option<Vec<u8>>, String> {
    let Some(secret) = given.or_else(|| std::env::var("VITRIN_SECRET").ok()) else {
        return Ok(None);
    };
    if secret.len() < vitrin_server::token::MIN_SECRET {
        return Err(format!(
            "the secret must be at least {} bytes",
            vitrin_server::token::MIN_SECRET
        ));
    }
    Ok(Some(secret.into_bytes()))
}

fn binary(args: &[String]) -> Result<(), String> {
    let json = match args {
        [flag, path] if flag == "--catalog" => PathBuf::from(path),
        _ => return Err("usage: vitrin-server binary --catalog FILE.json".into()),
    };
    let bytes = builder::write::binary(&json).map_err(|e| e.to_string())?;
    println!(
        "{}: {} bytes, {} gzip",
        builder::write::binary_path(&json).display(),
        bytes.raw,
        bytes.gzip
    );
    Ok(())
}

fn token(args: &[String]) -> Result<(), String> {
    let (mut db, mut secret, mut visitor, mut days) = (
        None,
        None,
        None,
        vitrin_server::token::DEFAULT_SECS as f64 / 86_400.0,
    );
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--secret" => secret = Some(value()?.clone()),
            "--visitor" => visitor = Some(value()?.clone()),
            "--days" => days = number(flag, value()?)?,
            other => return Err(format!("token: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let visitor = visitor.ok_or("token needs --visitor ID")?;
    if !vitrin_server::ingest::visitor_id(&visitor) {
        return Err(format!(
            "a visitor id is 1–{} bytes",
            vitrin_server::ingest::MAX_VISITOR_ID
        ));
    }
    if !(days.is_finite() && days > 0.0) {
        return Err("--days must be positive".into());
    }
    let secret = match (secret_arg(secret)?, db) {
        (Some(s), _) => s,
        (None, Some(path)) => {
            if !path.exists() {
                return Err(format!(
                    "{}: no such database (start the server once, or give --secret)",
                    path.display()
                ));
            }
            let mut db = vitrin_server::db::Db::open(&path)
                .map_err(|e| format!("database {}: {e}", path.display()))?;
            db.secret("token", || vitrin_server::token::random(32))
                .map_err(|e| e.to_string())?
        }
        (None, None) => return Err("token needs --secret S (or VITRIN_SECRET) or --db FILE".into()),
    };
    let expires = (http::now_ms() / 1000.0 + days * 86_400.0) as u64;
    println!("{}", vitrin_server::token::mint(&secret, &visitor, expires));
    Ok(())
}

fn events(args: &[String]) -> Result<(), String> {
    use std::io::Write;
    let (mut db, mut visitor) = (None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--visitor" => visitor = Some(value()?.clone()),
            other => return Err(format!("events: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let path = db.ok_or("events needs --db FILE")?;
    if !path.exists() {
        return Err(format!("{}: no such database", path.display()));
    }
    let db = vitrin_server::db::Db::open(&path)
        .map_err(|e| format!("database {}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = None;
    db.each_stored(visitor.as_deref(), |visitor, id, source, body| {
        let line = format!(
            "{{\"visitorId\":{},\"id\":{},\"source\":{},\"event\":{body}}}",
            serde_json::Value::from(visitor),
            serde_json::Value::from(id),
            serde_json::Value::from(source)
        );
        if let Err(e) = writeln!(out, "{line}") {
            failed.get_or_insert(e);
        }
    })
    .map_err(|e| format!("database {}: {e}", path.display()))?;
    match failed {
        Some(e) => Err(e.to_string()),
        None => out.flush().map_err(|e| e.to_string()),
    }
}

#[cfg(not(feature = "plans"))]
fn log(_: &[String]) -> Result<(), String> {
    Err(NO_PLANS.into())
}

#[cfg(not(feature = "plans"))]
fn scheduler(_: &[String]) -> Result<(), String> {
    Err(NO_PLANS.into())
}

#[cfg(not(feature = "plans"))]
fn executor(_: &[String]) -> Result<(), String> {
    Err(NO_PLANS.into())
}

#[cfg(feature = "plans")]
fn log(args: &[String]) -> Result<(), String> {
    let (mut db, mut sessions, mut to) = (None, None, None);
    let what = args.first().map(String::as_str);
    let mut it = args.iter().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" if what == Some("export") => db = Some(PathBuf::from(value()?)),
            "--sessions" if what == Some("import-sessions") => {
                sessions = Some(PathBuf::from(value()?))
            }
            "--to" => to = Some(value()?.clone()),
            other => return Err(format!("log: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let to = to.ok_or("log needs --to DIR|URL")?;
    let location = eventlog::Location::parse(&to).map_err(|e| e.to_string())?;
    let start = std::time::Instant::now();
    match what {
        Some("export") => {
            let path = db.ok_or("log export needs --db FILE")?;
            if !path.exists() {
                return Err(format!("{}: no such database", path.display()));
            }
            let db = vitrin_server::db::Db::open(&path)
                .map_err(|e| format!("database {}: {e}", path.display()))?;
            let rows = eventlog::export(&db, location.clone()).map_err(|e| e.to_string())?;
            println!(
                "wrote {rows} rows to {} in {:.2} s",
                location.url,
                start.elapsed().as_secs_f64()
            );
        }
        Some("import-sessions") => {
            let path = sessions.ok_or("log import-sessions needs --sessions FILE")?;
            let (n, rows) =
                eventlog::import_sessions(&path, location.clone()).map_err(|e| e.to_string())?;
            println!(
                "wrote {n} sessions, {rows} rows to {} in {:.2} s",
                location.url,
                start.elapsed().as_secs_f64()
            );
        }
        _ => {
            return Err(format!(
                "log needs `export` or `import-sessions`\n\n{USAGE}"
            ))
        }
    }
    Ok(())
}

#[cfg(feature = "plans")]
fn scheduler(args: &[String]) -> Result<(), String> {
    let (mut host, mut port) = ("127.0.0.1".to_string(), None::<u16>);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--host" => host = value()?.clone(),
            "--port" => port = Some(number(flag, value()?)?),
            other => return Err(format!("scheduler: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let port = port.ok_or("scheduler needs --port N")?;
    let bind = format!("{host}:{port}")
        .parse()
        .map_err(|e| format!("scheduler address {host}:{port}: {e}"))?;
    cluster::scheduler(bind)
}

#[cfg(feature = "plans")]
fn executor(args: &[String]) -> Result<(), String> {
    let (mut scheduler, mut host, mut port, mut grpc_port, mut slots, mut work_dir) =
        (None, "127.0.0.1".to_string(), None, None, None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--scheduler" => scheduler = Some(value()?.clone()),
            "--host" => host = value()?.clone(),
            "--port" => port = Some(number(flag, value()?)?),
            "--grpc-port" => grpc_port = Some(number(flag, value()?)?),
            "--slots" => slots = Some(number(flag, value()?)?),
            "--work-dir" => work_dir = Some(value()?.clone()),
            other => return Err(format!("executor: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    cluster::executor(cluster::Executor {
        scheduler: scheduler.ok_or("executor needs --scheduler HOST:PORT")?,
        host,
        port: port.ok_or("executor needs --port N")?,
        grpc_port: grpc_port.ok_or("executor needs --grpc-port N")?,
        slots,
        work_dir,
    })
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag}: `{text}` is not a valid number"))
}
