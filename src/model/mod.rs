//! Models of the physical world: hosts and their power (and a library of real servers'
//! published curves), VM shapes, load curves, tariffs, grid carbon intensity and embodied
//! emissions.

pub mod carbon;
pub mod failure;
pub mod host;
pub mod lifetime;
pub mod line_fault;
pub mod load;
pub mod migration;
pub mod power;
pub mod racks;
pub mod servers;
pub mod tariff;
pub mod vm;
