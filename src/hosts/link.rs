//! [`HostLink`]: a link on one host of a [`MultiHost`](super::MultiHost), which marks its host
//! down when a request on it fails to connect or breaks.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;

use super::Hosts;
use crate::error::Result;
use crate::native::Block;
use crate::request::{
    BlockSource, CommandResult, InsertResult, InsertTarget, Link, QueryRequest, RawBody,
    ServerInfo, Started, Summary,
};

pub(crate) struct HostLink {
    inner: Box<dyn Link>,
    host: usize,
    shared: Arc<Hosts>,
}

impl HostLink {
    pub(crate) fn new(inner: Box<dyn Link>, host: usize, shared: Arc<Hosts>) -> Self {
        HostLink {
            inner,
            host,
            shared,
        }
    }

    /// Passes `result` on, marking the host down on a connection failure.
    fn watch<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(e) = &result {
            if e.is_connect_failure() {
                self.shared.mark_down(self.host, e);
            }
        }
        result
    }
}

#[async_trait::async_trait]
impl Link for HostLink {
    async fn server_info(&mut self) -> Result<ServerInfo> {
        let result = self.inner.server_info().await;
        self.watch(result)
    }

    async fn ping(&mut self) -> Result<()> {
        let result = self.inner.ping().await;
        self.watch(result)
    }

    async fn send_query(&mut self, request: &mut QueryRequest) -> Result<Started> {
        let result = self.inner.send_query(request).await;
        self.watch(result)
    }

    async fn next_block(&mut self) -> Result<Option<Block>> {
        let result = self.inner.next_block().await;
        self.watch(result)
    }

    fn summary(&self) -> Summary {
        self.inner.summary()
    }

    fn acknowledged_rows(&self, request: &QueryRequest) -> Option<u64> {
        self.inner.acknowledged_rows(request)
    }

    async fn cancel(&mut self) -> Result<()> {
        self.inner.cancel().await
    }

    async fn command(&mut self, request: &mut QueryRequest) -> Result<CommandResult> {
        let result = self.inner.command(request).await;
        self.watch(result)
    }

    async fn insert(
        &mut self,
        request: &mut QueryRequest,
        target: &InsertTarget,
        source: &mut dyn BlockSource,
    ) -> Result<InsertResult> {
        let result = self.inner.insert(request, target, source).await;
        self.watch(result)
    }

    async fn send_raw(&mut self, request: &mut QueryRequest, format: &str) -> Result<Started> {
        let result = self.inner.send_raw(request, format).await;
        self.watch(result)
    }

    async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        let result = self.inner.next_chunk().await;
        self.watch(result)
    }

    async fn insert_raw(
        &mut self,
        request: &mut QueryRequest,
        format: &str,
        body: RawBody,
    ) -> Result<InsertResult> {
        let result = self.inner.insert_raw(request, format, body).await;
        self.watch(result)
    }

    fn is_busy(&self) -> bool {
        self.inner.is_busy()
    }

    fn abandon(self: Box<Self>) -> BoxFuture<'static, ()> {
        self.inner.abandon()
    }
}
