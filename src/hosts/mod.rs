//! hosts: several servers as one service.
//!
//! Owns [`MultiHost`], a [`Transport`] over one transport per host: which host a new link goes
//! to ([`HostOrder`]), passing over a host that failed to connect or broke for a back-off period
//! (then trying it again), and [`HostStatus`] for each. A link remembers its host and marks it
//! down when a request on it fails to connect or breaks. Retrying a request elsewhere is the
//! client's decision (it knows whether the request is safe to repeat); this layer only says
//! where to go. It sits on the `request` contract and knows neither HTTP nor TCP.

mod link;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::request::{HostOrder, HostStatus, Link, Transport};
use link::HostLink;

/// One host: its transport and its health.
struct Host {
    name: String,
    transport: Box<dyn Transport>,
    down_until: Mutex<Option<Instant>>,
    failures: AtomicU64,
    last_error: Mutex<Option<String>>,
}

/// What the links of a [`MultiHost`] share.
pub(crate) struct Hosts {
    hosts: Vec<Host>,
    order: HostOrder,
    down_for: Duration,
    next: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Hosts {
    /// Marks host `i` down after `error` (a connection failure).
    pub(crate) fn mark_down(&self, i: usize, error: &Error) {
        let host = &self.hosts[i];
        host.failures.fetch_add(1, Ordering::Relaxed);
        *lock(&host.last_error) = Some(error.to_string());
        *lock(&host.down_until) = Some(Instant::now() + self.down_for);
        tracing::debug!(host = %host.name, error = %error, "host marked down");
    }

    fn is_up(&self, i: usize) -> bool {
        lock(&self.hosts[i].down_until).is_none_or(|until| until <= Instant::now())
    }

    /// The hosts in the order a new link tries them: the order's first choice, the rest after
    /// it, and the hosts marked down last (tried only when none that is up connects).
    fn candidates(&self) -> Vec<usize> {
        let n = self.hosts.len();
        let start = match self.order {
            HostOrder::InOrder => 0,
            HostOrder::RoundRobin => self.next.fetch_add(1, Ordering::Relaxed) % n,
            HostOrder::Random => (uuid::Uuid::new_v4().as_u128() % n as u128) as usize,
        };
        let mut order: Vec<usize> = (0..n).map(|k| (start + k) % n).collect();
        order.sort_by_key(|&i| !self.is_up(i));
        order
    }
}

/// Several hosts as one transport.
pub(crate) struct MultiHost {
    shared: Arc<Hosts>,
}

impl MultiHost {
    /// One transport per host (`(name, transport)`), tried in `order`.
    pub(crate) fn new(
        hosts: Vec<(String, Box<dyn Transport>)>,
        order: HostOrder,
        down_for: Duration,
    ) -> Self {
        let hosts = hosts
            .into_iter()
            .map(|(name, transport)| Host {
                name,
                transport,
                down_until: Mutex::new(None),
                failures: AtomicU64::new(0),
                last_error: Mutex::new(None),
            })
            .collect();
        MultiHost {
            shared: Arc::new(Hosts {
                hosts,
                order,
                down_for,
                next: AtomicUsize::new(0),
            }),
        }
    }

    /// A link on the first candidate host that connects.
    async fn link(&self, dedicated: bool, session: Option<&str>) -> Result<Box<dyn Link>> {
        let mut last = None;
        for i in self.shared.candidates() {
            let host = &self.shared.hosts[i];
            let connected = if dedicated {
                host.transport.dedicated().await
            } else {
                host.transport.connect(session).await
            };
            match connected {
                Ok(inner) => {
                    return Ok(Box::new(HostLink::new(inner, i, self.shared.clone())));
                }
                Err(e) if e.is_connect_failure() => {
                    self.shared.mark_down(i, &e);
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::config("a client with no hosts")))
    }
}

#[async_trait::async_trait]
impl Transport for MultiHost {
    fn name(&self) -> &'static str {
        self.shared.hosts[0].transport.name()
    }

    async fn connect(&self, session: Option<&str>) -> Result<Box<dyn Link>> {
        self.link(false, session).await
    }

    async fn dedicated(&self) -> Result<Box<dyn Link>> {
        self.link(true, None).await
    }

    fn hosts(&self) -> Vec<HostStatus> {
        let now = Instant::now();
        self.shared
            .hosts
            .iter()
            .map(|host| {
                let down_until = (*lock(&host.down_until)).filter(|until| *until > now);
                HostStatus {
                    host: host.name.clone(),
                    up: down_until.is_none(),
                    down_for: down_until.map(|until| until - now),
                    failures: host.failures.load(Ordering::Relaxed),
                    last_error: lock(&host.last_error).clone(),
                }
            })
            .collect()
    }

    fn host_count(&self) -> usize {
        self.shared.hosts.len()
    }
}
