//! `Inject<T>`: a shared handle to a provided instance.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A shared handle to an instance the container provides: clone it freely (one `Arc`), use it
/// as `&T` through `Deref`. `T` may be a trait object, e.g. `Inject<dyn Repository>`.
///
/// ```
/// use lauren::di::Inject;
///
/// let greeting = Inject::new(String::from("hi"));
/// let again = greeting.clone();
/// assert_eq!(again.len(), 2);
/// ```
pub struct Inject<T: ?Sized>(Arc<T>);

impl<T> Inject<T> {
    /// Wraps a value (tests and factories; the container builds the rest).
    pub fn new(value: T) -> Self {
        Self(Arc::new(value))
    }
}

impl<T: ?Sized> Inject<T> {
    /// Wraps an existing `Arc`, e.g. an `Arc<dyn Trait>`.
    pub fn from_arc(arc: Arc<T>) -> Self {
        Self(arc)
    }

    /// The underlying `Arc`.
    pub fn as_arc(&self) -> &Arc<T> {
        &self.0
    }

    /// True if both handles point at the same instance.
    pub fn ptr_eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: ?Sized> Clone for Inject<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T: ?Sized> Deref for Inject<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Inject<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}
