//! Hot reload: a change under the rule directory, once the writes settle, reloads it in the
//! background; a rule set that does not load leaves the old one serving.

use std::sync::Arc;
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::AppState;

/// How long the directory must be quiet before it is reloaded: an editor's save, or a
/// `git checkout`, is several writes.
const SETTLE: Duration = Duration::from_millis(300);

/// Watches the rule directory until the returned guard is dropped.
pub fn watch(
    state: Arc<AppState>,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, String> {
    let directory = state.config.rules.clone();
    let reloading = state.clone();
    let mut debouncer = new_debouncer(SETTLE, None, move |result: DebounceEventResult| {
        let relevant = match &result {
            Ok(events) => events.iter().any(|event| !event.kind.is_access()),
            Err(_) => true,
        };
        if relevant {
            // The debouncer calls this on its own thread: loading blocks it, not a request.
            let _ = reloading.reload("watch");
        }
    })
    .map_err(|error| format!("cannot watch `{}`: {error}", directory.display()))?;
    debouncer
        .watch(&directory, RecursiveMode::Recursive)
        .map_err(|error| format!("cannot watch `{}`: {error}", directory.display()))?;
    Ok(debouncer)
}
