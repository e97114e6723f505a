//! Programs stuck inside one long C call, where no trace event or pending call can reach them: the
//! worker is killed after a grace period.

use crate::support::{secs, trace};

#[test]
fn a_huge_sleep_meets_the_time_limit() {
    let run = trace("import time\nprint('before')\ntime.sleep(10**6)\n", &["--timeout", "2"]);
    run.expect_outcome("time_limit").within(secs(8));
    assert_eq!(run.stdout, "before\n", "output before the call is kept");
}

#[test]
fn a_huge_power_meets_the_time_limit() {
    trace("x = 10 ** (10 ** 8)\n", &["--timeout", "2"]).expect_outcome("time_limit").within(secs(8));
}

#[test]
fn a_huge_sort_meets_the_time_limit() {
    // hash() of strings is randomised per process, so the data is unsorted; sorting by str() keeps
    // CPython busy in C for far longer than the limit.
    let code = "data = list(map(hash, map(str, range(2_000_000))))\nfor _ in range(100):\n    data.sort(key=str)\n    data.reverse()\n";
    trace(code, &["--timeout", "2"]).expect_outcome("time_limit").within(secs(8));
}
