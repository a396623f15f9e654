//! nightshift: a discrete-event datacenter power-saving simulator.
//!
//! A scenario (fleet, VMs and their load, policies, electricity) is parsed and validated by
//! [`scenario`], compiled into a [`sim::setup::Setup`], and run by [`sim::run`], which reports
//! rows to a [`sim::records::Recorder`] and returns totals. The library does no I/O; the
//! `nightshift` binary (module [`cli`]) reads files and writes CSV, JSON and charts.

pub mod chart;
pub mod cli;
pub mod engine;
pub mod generate;
pub mod model;
pub mod output;
pub mod policy;
pub mod quote;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod sweep;
pub mod time;
pub mod trace;
pub mod workload;
