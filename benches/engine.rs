//! Micro-benchmarks of the engine's hot parts: the event queue, and a control loop dominated
//! by placement (consolidation and evacuation on a 1000-host fleet), with CPU-only `pabfd` and
//! with the vector policies on every dimension. Run with `cargo bench`.

use criterion::{Criterion, criterion_group, criterion_main};
use nightshift::engine::EventQueue;
use nightshift::generate::{Size, scenario};
use nightshift::sim::{self, records::NullRecorder};
use std::hint::black_box;

fn event_queue(c: &mut Criterion) {
    c.bench_function("event queue: push then pop 100,000 events", |b| {
        b.iter(|| {
            let mut q = EventQueue::new();
            for i in 0..100_000u64 {
                // Spread times pseudo-randomly, with many equal times (FIFO ties).
                q.push(i.wrapping_mul(7919) % 10_000, i);
            }
            while let Some(e) = q.pop() {
                black_box(e);
            }
        })
    });
}

fn placement(c: &mut Criterion) {
    let text = scenario(Size {
        hosts: 1000,
        vms: 10_000,
        days: 1,
        seed: 1,
    });
    let overrides = ["simulation.duration=\"2h\"".to_string()];
    let setup = nightshift::scenario::load(&text, "generated", &overrides)
        .expect("generated scenarios are valid");
    let mut group = c.benchmark_group("placement");
    group.sample_size(10);
    group.bench_function(
        "2 h of 1000 hosts / 10,000 VMs: initial FFD + 24 consolidation rounds",
        |b| b.iter(|| sim::run(black_box(&setup), &mut NullRecorder).expect("runs")),
    );
    // The same run packing on every dimension: vector placement for both, over-load and
    // under-load judged on CPU, RAM and disk.
    for policy in ["cosine", "l2-norm", "dot-product"] {
        let vector = [
            overrides[0].clone(),
            format!("policy.initial_placement=\"{policy}\""),
            format!("policy.consolidation.placement=\"{policy}\""),
            "policy.consolidation.dimensions=\"all\"".to_string(),
        ];
        let setup = nightshift::scenario::load(&text, "generated", &vector)
            .expect("generated scenarios are valid");
        group.bench_function(
            format!("2 h of 1000 hosts / 10,000 VMs: {policy} on every dimension"),
            |b| b.iter(|| sim::run(black_box(&setup), &mut NullRecorder).expect("runs")),
        );
    }
    group.finish();
}

criterion_group!(benches, event_queue, placement);
criterion_main!(benches);
