//! The connection pool: a size limit, an idle timeout, a health check on checkout, and only
//! cleanly finished connections going back.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::TcpOptions;
use super::connection::Connection;
use crate::error::{Error, Result};

/// A connection idle longer than this is pinged before it is handed out.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Connections to one server.
pub(crate) struct Pool {
    options: Arc<TcpOptions>,
    idle: Mutex<VecDeque<Connection>>,
    sessions: Mutex<HashMap<String, Connection>>,
    permits: Arc<Semaphore>,
}

/// A connection taken from the pool; it goes back when dropped if it is clean.
pub(crate) struct Pooled {
    connection: Option<Connection>,
    pool: Arc<Pool>,
    session: Option<String>,
    /// The pool slot this connection holds; released early by a connection that is being
    /// brought back in sync in the background.
    permit: Option<OwnedSemaphorePermit>,
    /// The connection waited in the pool before this checkout (the server may have gone away
    /// since; a fresh one is not).
    reused: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Pool {
    pub(crate) fn new(options: Arc<TcpOptions>) -> Arc<Pool> {
        let size = options.pool_size.max(1);
        Arc::new(Pool {
            options,
            idle: Mutex::default(),
            sessions: Mutex::default(),
            permits: Arc::new(Semaphore::new(size)),
        })
    }

    /// A connection: an idle one that passes its checks, or a new one. `session` pins it to
    /// a session id (a native connection is its own session).
    pub(crate) async fn get(self: &Arc<Self>, session: Option<&str>) -> Result<Pooled> {
        let permit = tokio::time::timeout(
            self.options.connect_timeout,
            self.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| {
            Error::timeout(format!(
                "all {} pooled connections to {} stayed busy for {:?}",
                self.options.pool_size,
                self.options.address(),
                self.options.connect_timeout
            ))
        })?
        .map_err(|_| Error::connection("the connection pool is closed"))?;
        let candidate = match session {
            Some(id) => lock(&self.sessions).remove(id),
            None => None,
        };
        let mut connection = match candidate {
            Some(c) => Some(c),
            None if session.is_none() => self.take_idle().await,
            None => None,
        };
        if let Some(c) = &mut connection {
            if c.last_used.elapsed() > CHECK_AFTER_IDLE
                && c.ping(self.options.connect_timeout).await.is_err()
            {
                connection = None;
            }
        }
        let (connection, reused) = match connection {
            Some(c) => (c, true),
            None => (Connection::connect(&self.options).await?, false),
        };
        Ok(Pooled {
            connection: Some(connection),
            pool: self.clone(),
            session: session.map(str::to_owned),
            permit: Some(permit),
            reused,
        })
    }

    async fn take_idle(&self) -> Option<Connection> {
        loop {
            let c = lock(&self.idle).pop_back()?;
            if c.last_used.elapsed() <= self.options.idle_timeout {
                return Some(c);
            }
            // Too old: dropped (the socket closes).
        }
    }

    fn put_back(&self, connection: Connection, session: Option<String>) {
        if !connection.clean {
            return;
        }
        match session {
            Some(id) => {
                lock(&self.sessions).insert(id, connection);
            }
            None => {
                let mut idle = lock(&self.idle);
                idle.retain(|c| c.last_used.elapsed() <= self.options.idle_timeout);
                if idle.len() < self.options.pool_size {
                    idle.push_back(connection);
                }
            }
        }
    }
}

impl Pooled {
    /// The pool's options.
    pub(crate) fn pool_options(&self) -> Arc<TcpOptions> {
        self.pool.options.clone()
    }

    pub(crate) fn get(&mut self) -> &mut Connection {
        // Set at construction and only taken in `drop`.
        self.connection
            .as_mut()
            .expect("a pooled connection is present until dropped")
    }

    /// Replaces the connection with a new one (the old one is closed).
    pub(crate) async fn reconnect(&mut self) -> Result<()> {
        let fresh = Connection::connect(&self.pool.options).await?;
        self.connection = Some(fresh);
        self.reused = false;
        Ok(())
    }

    /// Whether the connection waited in the pool before this checkout and has not been
    /// replaced since.
    pub(crate) fn reused(&self) -> bool {
        self.reused
    }

    /// Gives the pool slot back now: the connection no longer counts against the pool's size
    /// (it is being drained in the background and rejoins the idle connections if there is
    /// room then).
    pub(crate) fn release_slot(&mut self) {
        self.permit = None;
    }

    /// Drops the connection instead of returning it (after a protocol error).
    pub(crate) fn discard(&mut self) {
        if let Some(c) = &mut self.connection {
            c.clean = false;
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            let mut connection = connection;
            connection.last_used = Instant::now();
            self.pool.put_back(connection, self.session.take());
        }
    }
}
