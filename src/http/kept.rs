//! [`Kept`]: a small bounded pool shared between tasks, of buffers to be used again.

use std::sync::{Arc, Mutex};

/// Things handed from one task to another to be used again (an insert's encoded blocks and
/// body buffers, a read's spent blocks): at most `N` are kept, more are dropped.
pub(super) struct Kept<T, const N: usize>(Arc<Mutex<Vec<T>>>);

impl<T, const N: usize> Clone for Kept<T, N> {
    fn clone(&self) -> Self {
        Kept(self.0.clone())
    }
}

impl<T, const N: usize> Default for Kept<T, N> {
    fn default() -> Self {
        Kept(Arc::default())
    }
}

impl<T, const N: usize> Kept<T, N> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<T>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn put(&self, item: T) {
        let mut kept = self.lock();
        if kept.len() < N {
            kept.push(item);
        }
    }

    pub(super) fn pop(&self) -> Option<T> {
        self.lock().pop()
    }

    pub(super) fn take_all(&self) -> Vec<T> {
        std::mem::take(&mut *self.lock())
    }
}
