//! A Ballista cluster for the builder's plans: `vitrin-server scheduler` and
//! `vitrin-server executor` start Ballista's own scheduler and executor (the library
//! functions behind its `ballista-scheduler` and `ballista-executor` binaries, same
//! version as the DataFusion the plans are written for), so a store installs one binary.
//! The plans use only DataFusion's built-in functions, but Ballista 55's executors leave
//! the array functions (`make_array`: the pairs plan's fan-out) out of the functions they
//! decode tasks with; `executor` adds them. A stock `ballista-executor` rejects that task.

use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use std::net::SocketAddr;
use std::sync::Arc;

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    // Ballista's binaries run with large stacks: planning recurses over deep plans.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 << 20)
        .build()
        .map_err(|e| e.to_string())
}

/// Runs a scheduler on `bind` until the process is stopped.
pub fn scheduler(bind: SocketAddr) -> Result<(), String> {
    runtime()?.block_on(async move {
        let config = SchedulerConfig {
            bind_host: bind.ip().to_string(),
            bind_port: bind.port(),
            external_host: bind.ip().to_string(),
            ..SchedulerConfig::default()
        };
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .map_err(|e| e.to_string())?;
        println!("scheduler listening on df://{bind}");
        start_server(cluster, bind, Arc::new(config))
            .await
            .map_err(|e| e.to_string())
    })
}

pub struct Executor {
    /// The scheduler's `host:port`.
    pub scheduler: String,
    /// Address the executor binds and advertises.
    pub host: String,
    /// Arrow Flight port (shuffle data) and gRPC port (tasks).
    pub port: u16,
    pub grpc_port: u16,
    /// Tasks run at once (default: the machine's cores).
    pub slots: Option<usize>,
    pub work_dir: Option<String>,
}

/// Ballista's functions for decoding tasks, with DataFusion's array functions added.
fn functions() -> BallistaFunctionRegistry {
    let mut registry = BallistaFunctionRegistry::default();
    for f in datafusion::functions_nested::all_default_nested_functions() {
        registry.scalar_functions.insert(f.name().to_string(), f);
    }
    registry
}

/// Runs an executor registered with the scheduler until the process is stopped.
pub fn executor(e: Executor) -> Result<(), String> {
    let (host, port) = e
        .scheduler
        .rsplit_once(':')
        .ok_or_else(|| format!("--scheduler {}: expected HOST:PORT", e.scheduler))?;
    let scheduler_port: u16 = port
        .parse()
        .map_err(|_| format!("--scheduler {}: bad port", e.scheduler))?;
    let mut config = ExecutorProcessConfig {
        bind_host: e.host.clone(),
        external_host: Some(e.host.clone()),
        port: e.port,
        grpc_port: e.grpc_port,
        scheduler_host: host.to_string(),
        scheduler_port,
        // Keep retrying while the scheduler starts.
        scheduler_connect_timeout_seconds: 30,
        work_dir: e.work_dir,
        print_thread_info: false,
        override_function_registry: Some(Arc::new(functions())),
        ..ExecutorProcessConfig::default()
    };
    if let Some(slots) = e.slots {
        config.vcores = slots.max(1);
    }
    runtime()?.block_on(async move {
        println!(
            "executor on {}:{} for scheduler {}",
            e.host, e.port, e.scheduler
        );
        start_executor_process(Arc::new(config))
            .await
            .map_err(|e| e.to_string())
    })
}
