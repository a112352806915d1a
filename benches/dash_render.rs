//! Dashboard frame rendering with 1,000 functions and 1,000,000 invocations loaded: one frame
//! of the functions view and of the detail view into ratatui's TestBackend (200×50), the work
//! of every redraw. `cargo bench --bench dash_render`; figures in BENCHMARKS.md.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};

use faascope::model::{Invocation, SourceRef, Status, Tables};
use faascope::tui::app::App;
use faascope::tui::data::DashData;

const FUNCTIONS: usize = 1_000;
const INVOCATIONS: usize = 1_000_000;

fn data() -> DashData {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let names: Vec<Arc<str>> = (0..FUNCTIONS)
        .map(|i| Arc::from(format!("fn-{i:04}")))
        .collect();
    let file: Arc<str> = Arc::from("synthetic");
    let t0 = 1_756_684_800_000i64;
    let invocations = (0..INVOCATIONS)
        .map(|i| {
            let cold = rng.random_bool(0.02);
            let duration_ms: f64 = rng.random_range(5.0..900.0);
            Invocation {
                function: names[i % FUNCTIONS].clone(),
                request_id: format!("r-{i}"),
                timestamp: Some(t0 + (i as i64) * 259),
                duration_ms,
                billed_duration_ms: duration_ms.ceil(),
                memory_size_mb: 512,
                max_memory_used_mb: Some(rng.random_range(60..300)),
                init_duration_ms: cold.then(|| rng.random_range(100.0..900.0)),
                restore_duration_ms: None,
                billed_restore_duration_ms: None,
                cold_start: cold,
                status: if rng.random_bool(0.01) {
                    Status::Error
                } else {
                    Status::Success
                },
                error_type: None,
                trace_id: None,
                source: SourceRef {
                    file: file.clone(),
                    line: i as u64 + 1,
                },
                log_stream: None,
            }
        })
        .collect();
    let tables = Tables {
        invocations,
        ..Tables::default()
    };
    DashData::build("synthetic".into(), tables, 0).expect("dashboard data")
}

fn frame(app: &App) {
    let mut t =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 50)).expect("terminal");
    t.draw(|f| faascope::tui::ui::render(f, app)).expect("draw");
}

fn bench(c: &mut Criterion) {
    let mut app = App::new("");
    app.loaded(data());
    let mut g = c.benchmark_group("dash_render_1000fn_1M");
    g.bench_function("functions_view", |b| b.iter(|| frame(&app)));
    app.selected = 500;
    app.key(ratatui::crossterm::event::KeyEvent::from(
        ratatui::crossterm::event::KeyCode::Enter,
    ));
    assert!(matches!(app.view(), faascope::tui::app::View::Detail(_)));
    g.bench_function("detail_view", |b| b.iter(|| frame(&app)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
