//! `vitrin-server <subcommand>`: one function per subcommand, arguments parsed by hand.

use std::path::PathBuf;
use std::process::ExitCode;
use vitrin_server::builder::{self, model::Params, Options};

const USAGE: &str = "usage: vitrin-server <command>

commands:
  build --sessions FILE.csv[.gz] --out catalog.json
        [--holdout-last-fraction F --validation-out FILE.jsonl]
        [--list-len N] [--window N] [--decay X] [--backward X] [--damping X] [--trend-half-life X]
      Builds the catalog (popularity, related.similar = viewed next) from a session log
      (session_id,item_id,position). With a holdout, the last F of the sessions stay out
      of the model and their prefixes go to --validation-out for tuning.
  help
      Shows this text.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => build(&args[1..]),
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
    let (mut sessions, mut out, mut validation_out, mut holdout) = (None, None, None, 0.0);
    let mut params = Params::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--sessions" => sessions = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--validation-out" => validation_out = Some(PathBuf::from(value()?)),
            "--holdout-last-fraction" => holdout = number(flag, value()?)?,
            "--list-len" => params.list_len = number(flag, value()?)?,
            "--window" => params.window = number(flag, value()?)?,
            "--decay" => params.decay = number(flag, value()?)?,
            "--backward" => params.backward = number(flag, value()?)?,
            "--damping" => params.damping = number(flag, value()?)?,
            "--trend-half-life" => params.trend_half_life = number(flag, value()?)?,
            other => return Err(format!("build: unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let sessions = sessions.ok_or("build needs --sessions FILE")?;
    let out = out.ok_or("build needs --out FILE")?;
    if validation_out.is_some() && holdout == 0.0 {
        return Err("--validation-out needs --holdout-last-fraction".into());
    }
    if params.trend_half_life <= 0.0 {
        return Err("--trend-half-life must be positive".into());
    }
    let opts = Options { sessions: sessions.clone(), out: out.clone(), holdout, validation_out, params };
    let report = builder::build(&opts).map_err(|e| format!("build from {}: {e}", sessions.display()))?;
    println!("{report}");
    println!("wrote {}", out.display());
    Ok(())
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("{flag}: `{text}` is not a valid number"))
}
