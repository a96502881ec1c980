//! The builder as DataFusion plans against the hand-written builder, which stays the
//! reference: the same events (in SQLite for one, exported to the Parquet log for the
//! other) give the same catalog and profiles; a session log with a holdout gives the same
//! catalog and validation prefixes. Then the server's Parquet appender: what `POST
//! /v1/events` accepts reaches the log, once.
#![cfg(feature = "plans")]

mod common;

use common::{assert_same_catalog, read_json, read_lines, shop, temp, Rng};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use vitrin_server::builder::{self, model::Params};
use vitrin_server::db::Db;
use vitrin_server::{eventlog, plans};

fn plan_options(log: &Path, out: PathBuf) -> plans::Options {
    plans::Options {
        log: log.display().to_string(),
        cluster: None,
        out,
        base: None,
        profiles_out: None,
        holdout: 0.0,
        validation_out: None,
        params: Params {
            embedding_dim: 8,
            list_len: 5,
            ..Params::default()
        },
        fit: builder::FIT_FRACTION,
        fit_cases: builder::FIT_CASES,
        partitions: Some(3),
        job_timeout: None,
    }
}

#[test]
fn the_plans_build_the_same_catalog_and_profiles_as_the_hand_written_builder() {
    let dir = temp("same");
    let db_path = shop(&dir);
    let reference = builder::Options {
        db: Some(db_path.clone()),
        sessions: None,
        profiles_out: Some(dir.join("profiles.jsonl")),
        params: Params {
            embedding_dim: 8,
            list_len: 5,
            ..Params::default()
        },
        ..builder::Options::sessions(PathBuf::new(), dir.join("catalog.json"))
    };
    let want = builder::build(&reference).unwrap();
    assert!(want.event_sessions > 60 && want.orders > 80, "{want:?}");

    let log = dir.join("log");
    let rows = eventlog::export(
        &Db::open(&db_path).unwrap(),
        eventlog::Location::parse(log.to_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert!(
        rows > want.rows,
        "a row per purchase line: {rows} vs {} events",
        want.rows
    );
    // Files per day, hive style.
    let days: Vec<String> = std::fs::read_dir(&log)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        days.len() > 30 && days.iter().all(|d| d.starts_with("day=20")),
        "{days:?}"
    );

    let opts = plans::Options {
        profiles_out: Some(dir.join("plan-profiles.jsonl")),
        ..plan_options(&log, dir.join("plan-catalog.json"))
    };
    let got = plans::build(&opts).unwrap();
    assert_eq!(
        (got.items, got.event_sessions, got.orders, got.profiles),
        (want.items, want.event_sessions, want.orders, want.profiles)
    );
    assert_eq!(got.rows, rows);
    let catalog = read_json(&dir.join("plan-catalog.json"));
    assert_same_catalog(&catalog, &read_json(&dir.join("catalog.json")));
    // Related lists were learned, not left empty.
    let products = catalog["products"].as_array().unwrap();
    assert!(
        products
            .iter()
            .filter(|p| !p["related"]["similar"].as_array().unwrap().is_empty())
            .count()
            > 30
    );
    assert!(products.iter().any(|p| p["related"]["boughtWith"]
        .as_array()
        .is_some_and(|l| !l.is_empty())));
    assert_eq!(
        read_lines(&dir.join("plan-profiles.jsonl")),
        read_lines(&dir.join("profiles.jsonl"))
    );

    // A retried append writes rows twice; the plans count them once.
    eventlog::export(
        &Db::open(&db_path).unwrap(),
        eventlog::Location::parse(log.to_str().unwrap()).unwrap(),
    )
    .unwrap();
    let again = plans::build(&opts).unwrap();
    assert_eq!(again.rows, 2 * rows);
    assert_same_catalog(
        &read_json(&dir.join("plan-catalog.json")),
        &read_json(&dir.join("catalog.json")),
    );
    assert_eq!(
        read_lines(&dir.join("plan-profiles.jsonl")),
        read_lines(&dir.join("profiles.jsonl"))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_session_log_with_a_holdout_gives_the_same_catalog_and_validation_prefixes() {
    let dir = temp("sessions");
    let mut rng = Rng(42);
    let mut csv = String::from("session_id,item_id,position\n");
    for s in 0..300 {
        let len = 1 + rng.below(9);
        // Positions written out of order: the reader sorts them.
        for k in (0..len).rev() {
            csv.push_str(&format!(
                "{},{},{k}\n",
                s % 250,
                100 + rng.below(50) + if k % 2 == 0 { 0 } else { rng.below(30) }
            ));
        }
    }
    let sessions = dir.join("sessions.csv");
    std::fs::write(&sessions, csv).unwrap();
    let params = Params {
        list_len: 6,
        ..Params::default()
    };
    let reference = builder::Options {
        holdout: 0.2,
        validation_out: Some(dir.join("validation.jsonl")),
        params: params.clone(),
        ..builder::Options::sessions(sessions.clone(), dir.join("catalog.json"))
    };
    let want = builder::build(&reference).unwrap();

    let log = dir.join("log");
    let (n, rows) = eventlog::import_sessions(
        &sessions,
        eventlog::Location::parse(log.to_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!((n, rows), (300, want.rows));
    let opts = plans::Options {
        holdout: 0.2,
        validation_out: Some(dir.join("plan-validation.jsonl")),
        params,
        ..plan_options(&log, dir.join("plan-catalog.json"))
    };
    let got = plans::build(&opts).unwrap();
    assert_eq!(
        (
            got.model_sessions,
            got.holdout_sessions,
            got.items,
            got.validation_prefixes
        ),
        (
            want.model_sessions,
            want.holdout_sessions,
            want.items,
            want.validation_prefixes
        )
    );
    assert_same_catalog(
        &read_json(&dir.join("plan-catalog.json")),
        &read_json(&dir.join("catalog.json")),
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("plan-validation.jsonl")).unwrap(),
        std::fs::read_to_string(dir.join("validation.jsonl")).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_appends_what_it_accepts_to_the_log_once() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;
    use vitrin_server::http::{router, App, Config};
    let dir = temp("serve");
    let product = |id: &str| json!({"id": id, "title": id, "category": "c", "price": 1});
    std::fs::write(
        dir.join("catalog.json"),
        json!({"products": [product("a"), product("b")]}).to_string(),
    )
    .unwrap();
    let log = dir.join("log");
    const SECRET: &[u8] = b"test-secret-0123456789-0123456789";
    let cfg = Config {
        rate: 1000.0,
        secret: Some(SECRET.to_vec()),
        log: Some(log.display().to_string()),
        ..Config::new(
            dir.join("vitrin.db"),
            dir.join("catalog.json"),
            "test-token-0123456789".into(),
        )
    };
    let app = std::sync::Arc::new(App::open(&cfg).unwrap());
    let r = router(app, &cfg.cors);
    let day = 86_400_000.0;
    // Event times inside the window the server accepts: three days ago and the day after.
    let now = vitrin_server::http::now_ms();
    let t0 = (now / day).floor() * day - 3.0 * day + 3_600_000.0;
    let post = |mut body: Value| {
        let visitor = body["visitorId"].as_str().unwrap().to_string();
        body["token"] = json!(vitrin_server::token::mint(
            SECRET,
            &visitor,
            (now / 1000.0) as u64 + 3600
        ));
        Request::post("/v1/events")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let first = json!({"visitorId": "v1", "events": [
        {"id": "e1", "type": "view", "productId": "a", "at": t0},
        {"id": "e2", "type": "purchase", "orderId": "o1", "items": [{"productId": "a", "quantity": 1}, {"productId": "b", "quantity": 2, "price": 3}], "at": t0 + day}]});
    for body in [
        first.clone(),
        first,
        json!({"visitorId": "v2", "events": [{"id": "e1", "type": "search", "query": "x", "at": t0}]}),
    ] {
        assert!(r
            .clone()
            .oneshot(post(body))
            .await
            .unwrap()
            .status()
            .is_success());
    }
    // Stopping the server writes what the appender holds.
    drop(r);
    let ctx = datafusion::prelude::SessionContext::new();
    plans::register(
        &ctx,
        &eventlog::Location::parse(log.to_str().unwrap()).unwrap(),
    )
    .await
    .unwrap();
    let rows = ctx
        .sql("SELECT visitor_id, id, type, line, product_id, quantity, price, order_id, source, day FROM events ORDER BY visitor_id, id, line")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let text = datafusion::arrow::util::pretty::pretty_format_batches(&rows)
        .unwrap()
        .to_string();
    let (d0, d1) = (eventlog::day(t0), eventlog::day(t0 + day));
    let want = format!("\
+------------+----+----------+------+------------+----------+-------+----------+--------+------------+
| visitor_id | id | type     | line | product_id | quantity | price | order_id | source | day        |
+------------+----+----------+------+------------+----------+-------+----------+--------+------------+
| v1         | e1 | view     | 0    | a          |          |       |          | web    | {d0} |
| v1         | e2 | purchase | 0    | a          | 1        |       | o1       | web    | {d1} |
| v1         | e2 | purchase | 1    | b          | 2        | 3.0   | o1       | web    | {d1} |
| v2         | e1 | search   | 0    |            |          |       |          | web    | {d0} |
+------------+----+----------+------+------------+----------+-------+----------+--------+------------+");
    assert_eq!(text, want);
    std::fs::remove_dir_all(&dir).unwrap();
}
