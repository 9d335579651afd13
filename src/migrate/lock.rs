//! The lease lock: one runner at a time, across processes and hosts, and never stuck after a
//! runner dies.
//!
//! ClickHouse has no row locks, no compare-and-set and no advisory locks, so the lock is a
//! protocol over an append-only table (`<history>_lock`, `ReplacingMergeTree(seq)` ordered by
//! `(name, claim)`; the latest row of a claim wins):
//!
//! 1. a runner reads the live claims (not released, `expires_at` after the server's `now()`);
//!    while one exists, it waits (bounded) and reports the holder;
//! 2. when none exists, it appends a claim of its own (owner id, host, pid, `expires_at =
//!    now() + lease`), then reads the live claims again;
//! 3. if its claim is the only live one, the lock is its; otherwise the first live claim (the
//!    oldest, then the smallest id) stays and looks again, and every other runner withdraws its
//!    claim (a `released` row) and waits again, so runners that claimed at the same moment do
//!    not take turns withdrawing forever.
//!
//! Two runners cannot both win: the one whose read came second sees the other's claim, which
//! was appended before the first one's read (reads see every acknowledged insert on a single
//! server; on a cluster the runner's connections use quorum inserts and sequentially consistent
//! reads). While it holds the lock, a runner renews its claim in the background every third of
//! the lease. The holder also keeps its own clock: a claim is surely live until the send time of
//! its last successful write plus the lease minus a second, so when renewals do not get through
//! (a stalled server, a paused process) the runner stops before its next statement instead of
//! going on under a lease another runner may have taken; a renewal that finds the claim expired
//! or released marks the lease lost too. A runner that dies stops
//! renewing: its claim expires after the lease, and the next runner takes over.
//!
//! Expiry uses the server's clock (`now()`, whole seconds), so hosts with skewed clocks agree.

use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::cluster::Environment;
use super::event::{Event, EventCallback, emit};
use super::sql::{TableName, host_name, new_owner_id, next_seq, whole_seconds};
use crate::client::{Client, Connection};
use crate::error::{Error, Result};
use crate::types::quote;

/// The default lock name (one lock per history table).
pub const DEFAULT_LOCK_NAME: &str = "migrations";

/// How a lock is taken and held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockOptions {
    /// How long a claim lives without renewal (default 30 s; at least 3 s, since expiry is
    /// counted in the server's whole seconds). A runner that dies holds the lock this long.
    pub lease: Duration,
    /// How long to wait for another runner's lock before failing (default 10 minutes;
    /// `Duration::ZERO` fails at once).
    pub wait: Duration,
    /// How often a waiting runner looks again (default 500 ms).
    pub poll: Duration,
    /// The lock's name, for several independent locks in one table (default `migrations`).
    pub name: String,
}

impl Default for LockOptions {
    fn default() -> Self {
        LockOptions {
            lease: Duration::from_secs(30),
            wait: Duration::from_secs(600),
            poll: Duration::from_millis(500),
            name: DEFAULT_LOCK_NAME.to_owned(),
        }
    }
}

/// Who holds a lock, as its claim says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The holder's owner id.
    pub owner: String,
    /// The holder's host name.
    pub host: String,
    /// The holder's process id.
    pub pid: u32,
    /// When it claimed the lock (server time).
    pub claimed_at: DateTime<Utc>,
    /// When the claim expires unless renewed (server time).
    pub expires_at: DateTime<Utc>,
    /// The claim's id.
    pub claim: String,
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "owner {} on host {} (pid {}), claimed at {}, expires at {} unless renewed",
            self.owner,
            self.host,
            self.pid,
            self.claimed_at.format("%Y-%m-%d %H:%M:%S UTC"),
            self.expires_at.format("%Y-%m-%d %H:%M:%S UTC")
        )
    }
}

/// The lock table of a history table (`<history>_lock`).
#[derive(Debug, Clone)]
pub struct LockTable {
    table: TableName,
}

impl LockTable {
    /// The lock table named `table`.
    pub fn new(table: impl Into<TableName>) -> LockTable {
        LockTable {
            table: table.into(),
        }
    }

    /// The table's name.
    pub fn table(&self) -> &TableName {
        &self.table
    }

    /// Creates the table if it does not exist (`ON CLUSTER` and replicated on a cluster).
    pub async fn ensure(&self, conn: &mut Connection, options: &super::ApplyOptions) -> Result<()> {
        let env = Environment::detect(conn, &self.table, options.cluster.as_deref()).await?;
        self.ensure_in(conn, &env, options).await
    }

    pub(crate) async fn ensure_in(
        &self,
        conn: &mut Connection,
        env: &Environment,
        options: &super::ApplyOptions,
    ) -> Result<()> {
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {}{} (\n\
             name String,\n\
             claim String,\n\
             owner String,\n\
             host String,\n\
             pid UInt32,\n\
             seq UInt64,\n\
             claimed_at DateTime('UTC'),\n\
             expires_at DateTime('UTC'),\n\
             released UInt8\n\
             ) ENGINE = {} ORDER BY (name, claim)",
            self.table,
            env.on_cluster(),
            env.engine(&self.table, &options.keeper_path, "seq")?
        );
        super::exec::run_statement(
            conn,
            env,
            options,
            None,
            &sql,
            super::exec::At {
                version: 0,
                index: 0,
            },
        )
        .await
        .map_err(|e| e.context(format!("creating the lock table {}", self.table)))
    }

    /// The live claims of lock `name` (not released, not expired), oldest first.
    pub async fn holders(&self, conn: &mut Connection, name: &str) -> Result<Vec<Holder>> {
        read_live(conn, &self.table, name).await
    }

    /// Takes lock `options.name`: waits (up to `options.wait`) while another runner holds it,
    /// then claims it and starts renewing the claim in the background (through another
    /// connection of the same client). Fails with a timeout error naming the holder.
    ///
    /// On a cluster, pass the same `cluster` as to the history (`ApplyOptions::cluster`): the
    /// connection then uses quorum inserts and sequentially consistent reads.
    pub async fn acquire(
        &self,
        conn: &mut Connection,
        options: &LockOptions,
        apply: &super::ApplyOptions,
    ) -> Result<Lease> {
        let env = Environment::detect(conn, &self.table, apply.cluster.as_deref()).await?;
        env.prepare(conn).await?;
        self.acquire_with(conn, options, &env, &apply.events).await
    }

    pub(crate) async fn acquire_with(
        &self,
        conn: &mut Connection,
        options: &LockOptions,
        env: &Environment,
        events: &Option<EventCallback>,
    ) -> Result<Lease> {
        if options.lease < Duration::from_secs(3) {
            return Err(Error::invalid_input(format!(
                "a lock lease of {:?} is too short: at least 3 s (expiry is counted in the \
                 server's whole seconds)",
                options.lease
            )));
        }
        let started = Instant::now();
        let owner = new_owner_id();
        let host = host_name();
        let pid = std::process::id();
        let mut reported: Option<String> = None;
        loop {
            let live = read_live(conn, &self.table, &options.name).await?;
            if let Some(holder) = live.first() {
                if reported.as_deref() != Some(holder.claim.as_str()) {
                    emit(
                        events,
                        Event::LockWaiting {
                            holder: holder.clone(),
                        },
                    );
                    reported = Some(holder.claim.clone());
                }
                if started.elapsed() >= options.wait {
                    return Err(Error::timeout(format!(
                        "the migrations lock `{}` in {} is held by {}; gave up after waiting {:?}",
                        options.name, self.table, holder, options.wait
                    )));
                }
                tokio::time::sleep(jitter(options.poll)).await;
                continue;
            }
            let claim = Claim {
                table: self.table.clone(),
                name: options.name.clone(),
                claim: uuid::Uuid::new_v4().to_string(),
                owner: owner.clone(),
                host: host.clone(),
                pid,
                lease: options.lease,
                seq: Arc::new(AtomicU64::new(0)),
                valid_until: Arc::new(Mutex::new(None)),
            };
            claim.write(&mut Via::Conn(conn), false).await?;
            // Several runners claimed at once: the first live claim (oldest, then smallest id)
            // stays and looks again, the others withdraw; only a claim that is the one live
            // claim wins. (New runners do not claim while any claim is live, so this ends.)
            loop {
                let live = read_live(conn, &self.table, &options.name).await?;
                if live.len() == 1 && live[0].claim == claim.claim {
                    emit(
                        events,
                        Event::LockAcquired {
                            owner: owner.clone(),
                        },
                    );
                    return Ok(Lease::start(
                        conn.client().clone(),
                        claim,
                        env.session_settings.clone(),
                    ));
                }
                let first = live.first().is_some_and(|h| h.claim == claim.claim);
                if !first || started.elapsed() >= options.wait {
                    claim.write(&mut Via::Conn(conn), true).await?;
                    break;
                }
                tokio::time::sleep(options.poll / 4).await;
                // Still first: keep the claim live while the others withdraw.
                claim.write(&mut Via::Conn(conn), false).await?;
            }
            tokio::time::sleep(jitter(options.poll)).await;
        }
    }
}

/// A pause between `poll / 4` and `poll`, random so that runners that collided spread out.
fn jitter(poll: Duration) -> Duration {
    let random = (uuid::Uuid::new_v4().as_u128() % 1000) as u32;
    poll / 4 + (poll * 3 / 4) * random / 1000
}

/// Where a claim's requests go: the runner's connection, or the client (renewals on a single
/// server, which need no session).
enum Via<'a> {
    Conn(&'a mut Connection),
    Client(&'a Client),
}

impl Via<'_> {
    async fn command(&mut self, sql: String) -> Result<()> {
        match self {
            Via::Conn(c) => c.command(sql).await.map(drop),
            Via::Client(c) => c.command(sql).await.map(drop),
        }
    }

    async fn query(&mut self, sql: String) -> Result<crate::QueryResult> {
        match self {
            Via::Conn(c) => c.query(sql).fetch().await,
            Via::Client(c) => c.query(sql).fetch().await,
        }
    }
}

async fn read_live(conn: &mut Connection, table: &TableName, name: &str) -> Result<Vec<Holder>> {
    let sql = format!(
        "SELECT claim, argMax(owner, seq) AS o, argMax(host, seq) AS h, argMax(pid, seq) AS p, \
         toUInt32(min(claimed_at)) AS c, toUInt32(argMax(expires_at, seq)) AS e, \
         argMax(released, seq) AS r \
         FROM {table} WHERE name = {} GROUP BY claim \
         HAVING r = 0 AND e > toUInt32(now()) ORDER BY c, claim",
        quote(name)
    );
    let result = conn
        .query(sql)
        .fetch()
        .await
        .map_err(|e| e.context(format!("reading the lock table {table}")))?;
    let mut out = Vec::new();
    for row in result.rows() {
        out.push(Holder {
            claim: row.get(0)?,
            owner: row.get(1)?,
            host: row.get(2)?,
            pid: row.get(3)?,
            claimed_at: seconds(row.get(4)?),
            expires_at: seconds(row.get(5)?),
        });
    }
    Ok(out)
}

fn seconds(s: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::from(s), 0).unwrap_or_default()
}

/// One claim: what its rows say.
#[derive(Debug, Clone)]
struct Claim {
    table: TableName,
    name: String,
    claim: String,
    owner: String,
    host: String,
    pid: u32,
    lease: Duration,
    /// The last `seq` written for this claim.
    seq: Arc<AtomicU64>,
    /// Until when the claim is surely live, by this process's clock: the send time of the last
    /// successful write, plus the lease, minus a second (the server counts whole seconds).
    valid_until: Arc<Mutex<Option<Instant>>>,
}

impl Claim {
    /// Appends a row: the claim (renewed until `now() + lease`), or its release.
    async fn write(&self, via: &mut Via<'_>, released: bool) -> Result<()> {
        let sent = Instant::now();
        let seq = next_seq(self.seq.load(Ordering::SeqCst));
        self.seq.fetch_max(seq, Ordering::SeqCst);
        let sql = format!(
            "INSERT INTO {} (name, claim, owner, host, pid, seq, claimed_at, expires_at, released) \
             SELECT {}, {}, {}, {}, {}, {seq}, now(), now() + {}, {}",
            self.table,
            quote(&self.name),
            quote(&self.claim),
            quote(&self.owner),
            quote(&self.host),
            self.pid,
            whole_seconds(self.lease),
            u8::from(released)
        );
        via.command(sql)
            .await
            .map_err(|e| e.context(format!("writing to the lock table {}", self.table)))?;
        if let Ok(mut valid) = self.valid_until.lock() {
            *valid = if released {
                None
            } else {
                let until = sent + self.lease.saturating_sub(Duration::from_secs(1));
                Some(valid.map_or(until, |v| v.max(until)))
            };
        }
        Ok(())
    }

    /// An error unless the claim is surely live by this process's clock.
    fn check_valid(&self) -> Result<()> {
        let until = self.valid_until.lock().ok().and_then(|v| *v);
        match until {
            Some(until) if Instant::now() < until => Ok(()),
            _ => Err(Error::invalid_input(format!(
                "the migrations lock `{}` in {} may have been lost: no renewal of owner {}'s \
                 claim got through within its lease of {:?}; another runner may hold it now",
                self.name, self.table, self.owner, self.lease
            ))),
        }
    }

    /// Seconds left on this claim by the server's clock (negative when expired or released).
    async fn seconds_left(&self, via: &mut Via<'_>) -> Result<i64> {
        let sql = format!(
            "SELECT toInt64(argMax(expires_at, seq)) - toInt64(now()), argMax(released, seq) \
             FROM {} WHERE name = {} AND claim = {}",
            self.table,
            quote(&self.name),
            quote(&self.claim)
        );
        let result = via.query(sql).await?;
        let Some(row) = result.rows().next() else {
            return Ok(-1);
        };
        let left: i64 = row.get(0)?;
        let released: u8 = row.get(1)?;
        Ok(if released != 0 { -1 } else { left })
    }

    /// Extends the claim, unless it is (nearly) gone: then the lease is lost.
    async fn renew(&self, via: &mut Via<'_>) -> Result<()> {
        let left = self.seconds_left(via).await?;
        if left < 1 {
            return Err(Error::invalid_input(format!(
                "the migrations lock `{}` in {} was lost: the claim of owner {} expired \
                 (renewals came too late, {left} s left); another runner may hold it now",
                self.name, self.table, self.owner
            )));
        }
        self.write(via, false).await
    }
}

/// A held lock. A background task renews the claim every third of the lease while the `Lease`
/// lives; [`release`](Self::release) gives it back. Dropping a `Lease` without releasing it
/// stops the renewals: the claim then expires after the lease.
#[derive(Debug)]
pub struct Lease {
    claim: Claim,
    renewer: Option<tokio::task::JoinHandle<()>>,
    lost: Arc<Mutex<Option<String>>>,
}

impl Lease {
    fn start(client: Client, claim: Claim, settings: Vec<(String, String)>) -> Lease {
        let lost = Arc::new(Mutex::new(None));
        let renewer = {
            let claim = claim.clone();
            let lost = lost.clone();
            let every = claim.lease / 3;
            tokio::spawn(async move {
                // On a cluster, a connection of its own with the quorum settings (opened at
                // once, and again after an error); on a single server, plain client requests.
                let mut conn: Option<Connection> = None;
                loop {
                    if !settings.is_empty() && conn.is_none() {
                        let opened = async {
                            let mut c = client.connection().await?;
                            for (name, value) in &settings {
                                c.command(format!("SET {name} = {value}")).await?;
                            }
                            Ok::<_, Error>(c)
                        }
                        .await;
                        conn = opened.ok();
                    }
                    tokio::time::sleep(every).await;
                    let result = match conn.as_mut() {
                        Some(c) => claim.renew(&mut Via::Conn(c)).await,
                        None if settings.is_empty() => claim.renew(&mut Via::Client(&client)).await,
                        None => Err(Error::connection("no connection for the lock renewal")),
                    };
                    match result {
                        Ok(()) => {}
                        Err(e) if e.is_retryable() => {
                            // Try again at the next tick (the lease's own clock tells the
                            // runner when too many were missed).
                            conn = None;
                        }
                        Err(e) => {
                            if let Ok(mut lost) = lost.lock() {
                                *lost = Some(e.to_string());
                            }
                            return;
                        }
                    }
                }
            })
        };
        Lease {
            claim,
            renewer: Some(renewer),
            lost,
        }
    }

    /// This holder's owner id.
    pub fn owner(&self) -> &str {
        &self.claim.owner
    }

    /// The claim's id.
    pub fn claim(&self) -> &str {
        &self.claim.claim
    }

    /// An error if the lease may be lost: a renewal found the claim expired or released, or no
    /// renewal got through for nearly a lease (by this process's clock), so another runner may
    /// have taken over. A runner checks it before every statement.
    pub fn check(&self) -> Result<()> {
        match self.lost.lock().ok().and_then(|l| l.clone()) {
            Some(reason) => Err(Error::invalid_input(reason)),
            None => self.claim.check_valid(),
        }
    }

    /// Renews the claim now (the background task does this on its own).
    pub async fn renew(&self, conn: &mut Connection) -> Result<()> {
        self.check()?;
        self.claim.renew(&mut Via::Conn(conn)).await
    }

    /// Stops the renewals and gives the lock back.
    pub async fn release(mut self, conn: &mut Connection) -> Result<()> {
        self.give_back(conn).await
    }

    /// Stops the renewals and writes the release (may be called again after a failure).
    pub(crate) async fn give_back(&mut self, conn: &mut Connection) -> Result<()> {
        self.stop().await;
        self.claim.write(&mut Via::Conn(conn), true).await
    }

    /// Stops the renewals and waits until none is under way, so no renewal lands after the
    /// release (a cancelled renewal's `seq` is below the release's anyway).
    async fn stop(&mut self) {
        if let Some(renewer) = self.renewer.take() {
            renewer.abort();
            let _ = renewer.await;
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(renewer) = self.renewer.take() {
            renewer.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_the_poll() {
        for _ in 0..100 {
            let j = jitter(Duration::from_millis(400));
            assert!(j >= Duration::from_millis(100) && j <= Duration::from_millis(400));
        }
    }

    fn claim(lease: Duration) -> Claim {
        Claim {
            table: TableName::new("l"),
            name: "migrations".into(),
            claim: "c".into(),
            owner: "o".into(),
            host: "h".into(),
            pid: 1,
            lease,
            seq: Arc::new(AtomicU64::new(0)),
            valid_until: Arc::new(Mutex::new(None)),
        }
    }

    #[test]
    fn a_claim_is_trusted_until_its_last_write_plus_the_lease_minus_a_second() {
        let c = claim(Duration::from_secs(3));
        // Never written (or released): not valid.
        assert!(c.check_valid().is_err());
        *c.valid_until.lock().unwrap() = Some(Instant::now() + Duration::from_secs(2));
        assert!(c.check_valid().is_ok());
        *c.valid_until.lock().unwrap() = Some(Instant::now() - Duration::from_millis(1));
        let e = c.check_valid().unwrap_err();
        assert!(e.to_string().contains("may have been lost"), "{e}");
        let lease = Lease {
            claim: c.clone(),
            renewer: None,
            lost: Arc::new(Mutex::new(Some("renewal found it released".into()))),
        };
        *c.valid_until.lock().unwrap() = Some(Instant::now() + Duration::from_secs(2));
        assert_eq!(
            lease.check().unwrap_err().to_string(),
            "renewal found it released"
        );
    }

    #[test]
    fn holders_name_who_and_where() {
        let h = Holder {
            owner: "o-1".into(),
            host: "build-7".into(),
            pid: 42,
            claimed_at: seconds(1_800_000_000),
            expires_at: seconds(1_800_000_030),
            claim: "c".into(),
        };
        assert_eq!(
            h.to_string(),
            "owner o-1 on host build-7 (pid 42), claimed at 2027-01-15 08:00:00 UTC, expires at 2027-01-15 08:00:30 UTC unless renewed"
        );
    }
}
