//! The entry of the cluster-wide deploy benchmark (bench/cluster-deploy.sh,
//! the module `bench`): a program, not a test. It shares the multi-host
//! tests' set-up (their modules, compiled here without the test harness,
//! so their `#[test]` functions are left out and some helpers go unused).
#![allow(dead_code, unused_imports)]

mod bench;
#[path = "../common/mod.rs"]
mod common;
mod deploy;
mod deploy_more;
mod scenarios;
mod setup;

fn main() {
    bench::cluster_deploy_three_hosts_against_one();
}
