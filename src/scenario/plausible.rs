//! Warnings for values that are valid but unlikely to be what the planner meant: a slow link,
//! a tiny VM, a host class too small for every VM type, DPM settings no policy reads. Each threshold and its reason is in
//! `docs/scenario.md` ("Plausibility warnings"). The run goes on; the CLI prints them as
//! `warning:` lines.

use super::error::FieldError;
use crate::policy::dpm::DpmConfig;
use crate::sim::setup::Setup;

/// A host link below this (Mbit/s) is unusual: servers have had 1 Gbit/s ports since the
/// mid-2000s and datacenter hosts use 10 to 100 Gbit/s; a `"25 Mbit/s"` likely meant Gbit/s.
pub const MIN_LINK_MBPS: f64 = 1000.0;
/// A VM with less RAM than this (MB) is unusual: a minimal Linux guest needs about 128 MB,
/// and the smallest cloud instances have 512 MB.
pub const MIN_VM_RAM_MB: f64 = 128.0;

/// The plausibility warnings of `setup`, each at the key it is about.
pub fn warnings(setup: &Setup) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (i, c) in setup.host_classes.iter().enumerate() {
        if c.net_mbps < MIN_LINK_MBPS {
            out.push(FieldError::new(
                format!("hosts[{i}].network"),
                format!(
                    "{} Mbit/s is slower than any datacenter link (1 to 100 Gbit/s): live migrations will take {:.0} times as long as on 1 Gbit/s; did you mean Gbit/s?",
                    c.net_mbps,
                    MIN_LINK_MBPS / c.net_mbps
                ),
            ));
        }
        // Smaller than some VM types is a mixed fleet; smaller than all of them is a class
        // that never runs anything.
        if let Some(t) = setup
            .vm_types
            .iter()
            .min_by(|a, b| a.ram_mb.total_cmp(&b.ram_mb))
            .filter(|t| t.ram_mb > c.ram_mb)
        {
            out.push(FieldError::new(
                format!("hosts[{i}].ram"),
                format!(
                    "{} MB is less than the smallest VM type needs (\"{}\", {} MB): no VM ever runs on class \"{}\"; did you mean GB?",
                    c.ram_mb, t.name, t.ram_mb, c.name
                ),
            ));
        }
    }
    for (i, t) in setup.vm_types.iter().enumerate() {
        if t.ram_mb < MIN_VM_RAM_MB {
            out.push(FieldError::new(
                format!("vm_types[{i}].ram"),
                format!(
                    "{} MB is less than a minimal guest OS needs (about {MIN_VM_RAM_MB} MB); did you mean GB?",
                    t.ram_mb
                ),
            ));
        }
    }
    if setup.power.name != "dpm" && setup.power.dpm != DpmConfig::default() {
        out.push(FieldError::new(
            "policy.power.dpm",
            format!(
                "is set but policy.power.name is \"{}\": only the \"dpm\" policy reads these settings; did you mean name = \"dpm\"?",
                setup.power.name
            ),
        ));
    }
    out.extend(mixed_racks(setup));
    out
}

/// `racks.prefer_empty` over racks that mix host classes: steering VMs into busier racks
/// then ignores the hosts' efficiency (measured to cost energy: docs/policies.md).
fn mixed_racks(setup: &Setup) -> Option<FieldError> {
    let racks = setup.racks.as_ref().filter(|r| r.prefer_empty)?;
    let map = &racks.map;
    let mixed = (0..map.len()).find(|&r| {
        let hosts = map.hosts(r);
        hosts
            .iter()
            .any(|&h| setup.hosts[h] != setup.hosts[hosts[0]])
    })?;
    Some(FieldError::new(
        "racks.prefer_empty",
        format!(
            "rack \"{}\" holds hosts of several classes: emptying whole racks then moves VMs without regard to the hosts' efficiency, which cost the flagship 1.6-2.1 % more IT energy with interleaved classes (docs/policies.md); compare with and without it",
            map.name(mixed)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    fn keys(text: &str) -> Vec<String> {
        let setup = load(text, "w.toml", &[]).unwrap();
        warnings(&setup).into_iter().map(|w| w.key).collect()
    }

    #[test]
    fn plausible_values_warn_of_nothing() {
        assert!(keys(crate::scenario::tests::MINIMAL).is_empty());
    }

    /// Issue 16: `network = 25` meant 25 Gbit/s; `ram = 16` meant 16 GB. Written with the
    /// small unit, they are valid but warned about.
    #[test]
    fn slow_links_tiny_vms_and_hosts_smaller_than_every_vm_are_warned_about() {
        let text = crate::scenario::tests::MINIMAL
            .replace("ram = \"16 GB\"", "ram = \"2 GB\"\nnetwork = \"25 Mbit/s\"")
            .replace("ram = \"4 GB\"", "ram = \"64 MB\"");
        assert_eq!(keys(&text), ["hosts[0].network", "vm_types[0].ram"]);
        let bigger = crate::scenario::tests::MINIMAL.to_string()
            + "[[hosts]]\nclass = \"tiny\"\ncount = 1\ncores = 8\nram = \"2 GB\"\npower = { model = \"linear\", idle_w = 1, max_w = 2 }\n";
        let setup = load(&bigger, "w.toml", &[]).unwrap();
        let w = warnings(&setup);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].key, "hosts[1].ram");
        assert!(
            w[0].message
                .contains("smallest VM type needs (\"vm\", 4000 MB)"),
            "{}",
            w[0].message
        );
    }

    /// Preferring empty racks over a rack of two classes is warned about; over racks of one
    /// class each, or without the preference, not.
    #[test]
    fn preferring_empty_racks_that_mix_classes_is_warned_about() {
        let two_classes = crate::scenario::tests::MINIMAL.to_string()
            + "[[hosts]]\nclass = \"other\"\ncount = 1\ncores = 8\nram = \"16 GB\"\npower = { model = \"linear\", idle_w = 1, max_w = 2 }\n";
        let racks = |per: u32, prefer: bool| {
            format!(
                "{two_classes}[racks]\nhosts_per_rack = {per}\nswitch = {{ watts = 150 }}\nprefer_empty = {prefer}\n"
            )
        };
        let hosts = load(&two_classes, "w.toml", &[]).unwrap().hosts.len();
        assert_eq!(keys(&racks(hosts as u32, true)), ["racks.prefer_empty"]);
        assert!(keys(&racks(hosts as u32, false)).is_empty());
        assert!(keys(&racks(1, true)).is_empty());
    }

    /// `[policy.power.dpm]` set under another power policy changes nothing: warned about;
    /// under `dpm` it is what the planner meant.
    #[test]
    fn dpm_settings_under_another_power_policy_are_warned_about() {
        let dpm = crate::scenario::tests::MINIMAL.to_string()
            + "[policy.power.dpm]
ha_reserve = 1
";
        assert_eq!(keys(&dpm), ["policy.power.dpm"]);
        let used = dpm.replace(
            "[policy.power.dpm]",
            "[policy.power]\nname = \"dpm\"\n[policy.power.dpm]",
        );
        assert!(keys(&used).is_empty());
    }
}
