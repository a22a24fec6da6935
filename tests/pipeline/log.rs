//! One log for the pipeline tests, keyed by the request's `x-test-id` (tests run in parallel).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use lauren::HeaderMap;

static LOGS: Mutex<Option<HashMap<String, Vec<String>>>> = Mutex::new(None);

/// The request's `x-test-id` (empty without one).
pub(crate) fn id_of(headers: &HeaderMap) -> String {
    headers.get("x-test-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

/// Appends `entry` to the log of test `id`.
pub(crate) fn record_for(id: &str, entry: &str) {
    let mut logs = LOGS.lock().unwrap_or_else(PoisonError::into_inner);
    logs.get_or_insert_with(HashMap::new).entry(id.to_owned()).or_default().push(entry.to_owned());
}

/// Appends `entry` to the log of the request carrying `headers`.
pub(crate) fn record(headers: &HeaderMap, entry: &str) {
    record_for(&id_of(headers), entry);
}

/// Takes the log of test `id`.
pub(crate) fn take(id: &str) -> Vec<String> {
    let mut logs = LOGS.lock().unwrap_or_else(PoisonError::into_inner);
    logs.get_or_insert_with(HashMap::new).remove(id).unwrap_or_default()
}
