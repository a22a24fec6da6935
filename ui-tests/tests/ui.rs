//! Every macro mistake a user can make, with the message rustc shows them.
//!
//! Update snapshots with `TRYBUILD=overwrite cargo test -p lauren-ui-tests`, then review the
//! `.stderr` diff like code.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/fail/*.rs");
    t.pass("ui/*/pass/*.rs");
}
