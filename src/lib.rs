//! nightshift: a discrete-event datacenter power-saving simulator.
//!
//! A scenario (fleet, VMs and their load, policies, electricity) is parsed and validated by
//! [`scenario`], compiled into a [`sim::setup::Setup`], and run by [`sim::run`], which reports
//! rows to a [`sim::records::Recorder`] and returns totals.
//!
//! The core does no file or terminal I/O: [`scenario`], [`sim`], [`model`], [`policy`],
//! [`workload`], [`engine`], [`sweep`] (expansion of a sweep file's text), [`generate`],
//! [`quote`], [`rng`] and [`time`]; it takes text and returns values.
//!
//! The I/O layers around it: [`trace`] reads trace files; [`pipeline`] prepares a run (reads
//! its traces), simulates it and writes its folder; [`output`] writes the files of a run
//! (CSV, `summary.json`, staging folders, atomic writes); [`chart`] and [`report`] read a
//! folder back and write charts and reports; [`cli`] parses arguments, reads input files,
//! calls the pipeline and prints.

pub mod chart;
pub mod cli;
pub mod engine;
pub mod generate;
pub mod model;
pub mod output;
pub mod pipeline;
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
