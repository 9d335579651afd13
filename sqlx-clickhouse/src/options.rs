//! [`ClickHouseConnectOptions`]: how to reach the server, from any URL the driver's `Client`
//! accepts.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use clickhouse_connect::migrate::{ApplyOptions, LockOptions};
use clickhouse_connect::{Client, ClientBuilder};
use log::LevelFilter;
use sqlx_core::connection::{ConnectOptions, LogSettings};
use sqlx_core::error::Error;
use url::Url;

use crate::ClickHouseConnection;
use crate::error::to_sqlx;

/// Options for connecting: every URL the driver's `Client` takes (`http://`, `https://`,
/// `tcp://`, `clickhouse://`, `tcps://`, with user, password, database, settings and the
/// client's own parameters such as `compression`), plus:
///
/// - `transactions=experimental`: let `begin()` use the server's experimental transactions
///   (by default `begin()` is an error; see [`ClickHouseTransactionManager`](crate::ClickHouseTransactionManager)).
/// - `migrations_cluster=NAME`: sqlx's `Migrator` keeps its history and lock tables `ON CLUSTER
///   NAME`, replicated, so every host sees one history (see [`migrations`](Self::migrations)).
///
/// The connections of one set of options share one driver `Client` (and its native connection
/// pool or HTTP connections); sqlx's pool decides how many are open. Over HTTP each sqlx
/// connection is a server session of its own. `Debug` and [`to_url_lossy`](ConnectOptions::to_url_lossy)
/// never show the password.
#[derive(Clone)]
pub struct ClickHouseConnectOptions {
    url: Url,
    builder: ClientBuilder,
    pub(crate) transactions: bool,
    pub(crate) log_settings: LogSettings,
    pub(crate) migrate: ApplyOptions,
    pub(crate) migrate_lock: LockOptions,
    client: Arc<OnceLock<Client>>,
}

impl std::fmt::Debug for ClickHouseConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClickHouseConnectOptions")
            .field("url", &self.to_url_lossy().as_str())
            .field("transactions", &self.transactions)
            .field("migrate", &self.migrate)
            .field("migrate_lock", &self.migrate_lock)
            .finish_non_exhaustive()
    }
}

impl ClickHouseConnectOptions {
    /// The options for `url`.
    pub fn new(url: &str) -> Result<Self, Error> {
        url.parse()
    }

    /// The database to use instead of the URL's.
    pub fn database(mut self, database: &str) -> Self {
        self.url.set_path(&format!("/{database}"));
        self.builder = self.builder.database(database);
        self.client = Arc::default();
        self
    }

    /// The same server, with no database named (the user's default).
    pub fn without_database(mut self) -> Self {
        self.url.set_path("/");
        self.builder = ClientBuilder::default()
            .dsn(self.url.as_str())
            .unwrap_or(self.builder);
        self.client = Arc::default();
        self
    }

    /// The database the URL names, if any.
    pub fn get_database(&self) -> Option<&str> {
        Some(self.url.path().trim_start_matches('/')).filter(|d| !d.is_empty())
    }

    /// Whether `begin()` uses the server's experimental transactions.
    pub fn experimental_transactions(mut self, enabled: bool) -> Self {
        self.transactions = enabled;
        self
    }

    /// How sqlx's `Migrator` applies migrations on these connections: cluster, mutation and
    /// `ON CLUSTER` waits, retries, progress events (the driver's migrations runner's
    /// [`ApplyOptions`]; the bookkeeping is the same, so either runner can continue the other's
    /// work).
    pub fn migrations(mut self, options: ApplyOptions) -> Self {
        self.migrate = options;
        self
    }

    /// How sqlx's `Migrator` takes its lock (lease, how long to wait for another runner).
    pub fn migrations_lock(mut self, options: LockOptions) -> Self {
        self.migrate_lock = options;
        self
    }

    /// The driver's client for these options (built once, shared by clones).
    pub fn client(&self) -> Result<Client, Error> {
        if let Some(client) = self.client.get() {
            return Ok(client.clone());
        }
        // sqlx's pool decides how many connections are open: the driver's pool never limits it.
        let client = self
            .builder
            .clone()
            .pool_size(4096)
            .build()
            .map_err(to_sqlx)?;
        Ok(self.client.get_or_init(|| client).clone())
    }
}

impl FromStr for ClickHouseConnectOptions {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let url = Url::parse(s).map_err(|e| Error::Configuration(Box::new(e)))?;
        Self::from_url(&url)
    }
}

impl ConnectOptions for ClickHouseConnectOptions {
    type Connection = ClickHouseConnection;

    fn from_url(url: &Url) -> Result<Self, Error> {
        let mut url = url.clone();
        let mut transactions = false;
        let mut migrate = ApplyOptions::default();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, v)| match k.as_ref() {
                "transactions" => {
                    transactions = v == "experimental";
                    false
                }
                "migrations_cluster" => {
                    migrate = std::mem::take(&mut migrate).cluster(v.as_ref());
                    false
                }
                _ => true,
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if pairs.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(&pairs);
        }
        let builder = ClientBuilder::default()
            .dsn(url.as_str())
            .map_err(to_sqlx)?;
        Ok(ClickHouseConnectOptions {
            url,
            builder,
            transactions,
            log_settings: LogSettings::default(),
            migrate,
            migrate_lock: LockOptions::default(),
            client: Arc::default(),
        })
    }

    fn to_url_lossy(&self) -> Url {
        let mut url = self.url.clone();
        let _ = url.set_password(None);
        if self.transactions {
            url.query_pairs_mut()
                .append_pair("transactions", "experimental");
        }
        if let Some(cluster) = self.migrate.cluster_name() {
            url.query_pairs_mut()
                .append_pair("migrations_cluster", cluster);
        }
        url
    }

    async fn connect(&self) -> Result<ClickHouseConnection, Error> {
        let client = self.client()?;
        let inner = client.connection().await.map_err(to_sqlx)?;
        Ok(ClickHouseConnection {
            inner,
            client,
            log_settings: self.log_settings.clone(),
            transactions: self.transactions,
            depth: 0,
            rollback_pending: false,
            last_answer: std::time::Instant::now(),
            migrate: self.migrate.clone(),
            migrate_lock: self.migrate_lock.clone(),
            lease: None,
        })
    }

    fn log_statements(mut self, level: LevelFilter) -> Self {
        self.log_settings.log_statements(level);
        self
    }

    fn log_slow_statements(mut self, level: LevelFilter, duration: Duration) -> Self {
        self.log_settings.log_slow_statements(level, duration);
        self
    }
}
