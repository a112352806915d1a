//! Printers for `cost`, `tune` and `pricing`: the engine's structs as table, JSON, CSV or
//! Markdown. Money is shown rounded to cents (the engine keeps exact decimals); JSON carries
//! cents as numbers.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::Format;
use crate::cost::catalog::{OfferingDetail, OfferingSummary};
use crate::cost::{format_usd, round_cents, Comparison, Range, TuneReport};

/// A grid of cells in any of the text formats (`Format::Json` is the caller's business; here it
/// falls back to CSV). Columns from `right_from` on are right-aligned in tables, unless they
/// hold words.
pub fn render_grid(
    headers: &[&str],
    rows: &[Vec<String>],
    format: Format,
    width: Option<u16>,
    right_from: usize,
) -> String {
    // A column of words (a result, a finding, an architecture) stays left-aligned among the
    // figures: a figure starts like one and holds no word longer than a unit (`ms`, `GB-s`),
    // where "1352 throttled request(s)…" is a sentence.
    let figures = |i: usize| {
        rows.iter().filter_map(|r| r.get(i)).all(|cell| {
            let starts = cell
                .chars()
                .next()
                .is_none_or(|c| c.is_ascii_digit() || "$<>~+-−.—".contains(c));
            let longest_word = cell
                .split(|c: char| !c.is_alphabetic())
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            starts && longest_word <= 4
        })
    };
    let right: Vec<bool> = (0..headers.len())
        .map(|i| i >= right_from && figures(i))
        .collect();
    match format {
        Format::Markdown => {
            let mut out = String::new();
            let _ = writeln!(out, "| {} |", headers.join(" | "));
            let _ = writeln!(
                out,
                "|{}",
                (0..headers.len())
                    .map(|i| if right[i] { "---:|" } else { "---|" })
                    .collect::<String>()
            );
            for r in rows {
                let cells: Vec<String> = r.iter().map(|c| super::md_cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out
        }
        Format::Table => {
            use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
            let mut t = Table::new();
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_header(headers.iter().map(Cell::new));
            if let Some(w) = width {
                t.set_width(w);
            }
            for r in rows {
                t.add_row(r);
            }
            for (i, &right) in right.iter().enumerate() {
                if let (true, Some(c)) = (right, t.column_mut(i)) {
                    c.set_cell_alignment(CellAlignment::Right);
                }
                // A figure is never cut, left-aligned ones too (`memory MB`).
                let widest = rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0);
                super::keep_whole(&mut t, i, widest, figures(i));
            }
            let mut s = t.to_string();
            s.push('\n');
            s
        }
        Format::Csv | Format::Json => {
            let mut out = headers.join(",");
            out.push('\n');
            for r in rows {
                out.push_str(
                    &r.iter()
                        .map(|c| super::csv_cell(c))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push('\n');
            }
            out
        }
    }
}

/// A note as printed: in Markdown, names in it are text, not HTML (see [`super::md_cell`]).
fn note_text(n: &str, format: Format) -> std::borrow::Cow<'_, str> {
    if format == Format::Markdown {
        super::md_cell(n).into()
    } else {
        n.into()
    }
}

fn cents(d: Decimal) -> f64 {
    round_cents(d).to_f64().unwrap_or(f64::NAN)
}

/// A USD amount in a CSV cell: a plain number with two decimals (`0.00`, `1234.50`).
fn csv_usd(usd: Decimal) -> String {
    format!("{:.2}", round_cents(usd))
}

fn cents_range(r: &Range<Decimal>) -> Range<f64> {
    r.map(|d| cents(*d))
}

fn ratio(d: Decimal) -> f64 {
    d.round_dp(4).to_f64().unwrap_or(f64::NAN)
}

fn json(value: &impl Serialize) -> String {
    let mut s = super::json_safe(
        serde_json::to_string_pretty(value)
            .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialise: {e}\"}}")),
    );
    s.push('\n');
    s
}

/// What the cost was computed from, for the header of the output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CostBasis {
    /// Observed invocations over a window, projected to a month of 730 h.
    Observed {
        /// None (null) when nothing was observed.
        window_start: Option<String>,
        window_end: Option<String>,
        window_hours: f64,
        /// Invocations without a time of the functions shown: not priced.
        untimed_invocations_left_out: u64,
        /// The same, per function.
        untimed_invocations_by_function: std::collections::BTreeMap<String, u64>,
    },
    /// `--requests/--duration-ms/--memory-mb`.
    Calculator,
}

/// The prices a run used, for the header of the output: which day's prices they are and
/// whether the user's files changed them.
#[derive(Debug, Clone, Serialize)]
pub struct PricesUsed {
    /// The newest effective date of any figure loaded (`YYYY-MM-DD`): the prices are those
    /// in effect on that day (`faascope pricing list` dates each sheet).
    pub as_of: Option<String>,
    /// Price files given with `--pricing`, in the order applied over the built-in sheets.
    pub override_files: Vec<String>,
    /// A fingerprint of every Lambda figure priced with (the one `faascope ci` records).
    pub lambda_fingerprint: String,
}

impl PricesUsed {
    pub fn new(
        catalog: &crate::cost::Catalog,
        book: &crate::cost::PriceBook,
        overrides: &[std::path::PathBuf],
    ) -> PricesUsed {
        PricesUsed {
            as_of: catalog
                .list()
                .iter()
                .filter_map(|o| o.newest_effective_date)
                .max()
                .map(|d| d.to_string()),
            override_files: overrides.iter().map(|p| p.display().to_string()).collect(),
            lambda_fingerprint: book.lambda_fingerprint(),
        }
    }

    /// One line for tables and Markdown.
    fn line(&self) -> String {
        let mut s = format!(
            "Prices as of {}",
            self.as_of.as_deref().unwrap_or("an unknown date")
        );
        if self.override_files.is_empty() {
            s.push_str(" (built-in price sheets; `faascope pricing list` dates each).");
        } else {
            let files: Vec<String> = self
                .override_files
                .iter()
                .map(|f| super::sanitize(f))
                .collect();
            let _ = write!(
                s,
                " (built-in price sheets with {} applied over them; `faascope pricing list --pricing FILE` dates each).",
                files.join(", ")
            );
        }
        s
    }
}

#[derive(Serialize)]
struct OnDemandView {
    requests_usd: f64,
    compute_usd: f64,
    ephemeral_storage_usd: f64,
    snapstart_usd: f64,
    total_usd: f64,
    range_usd: Range<f64>,
}

#[derive(Serialize)]
struct OptionView<'a> {
    id: &'a str,
    name: &'a str,
    family: crate::cost::comparisons::OptionFamily,
    monthly_usd: Range<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_environments: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    utilization: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    break_even_utilization: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instances: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_instance_concurrency: Option<u32>,
    /// With the executions per instance given, why they outgrow the machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    over_capacity: Option<&'a str>,
    breakdown: Vec<LineView<'a>>,
    assumptions: &'a [String],
}

#[derive(Serialize)]
struct LineView<'a> {
    item: &'a str,
    quantity: f64,
    unit: &'a str,
    usd_per_unit: String,
    usd: f64,
}

#[derive(Serialize)]
struct Unavailable<'a> {
    option: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct FunctionView<'a> {
    function: &'a str,
    region: &'a str,
    arch: &'a str,
    memory_mb: u32,
    requests_per_month: f64,
    gb_seconds_per_month: f64,
    on_demand: OnDemandView,
    concurrency: &'a crate::cost::comparisons::ConcurrencySummary,
    options: Vec<OptionView<'a>>,
    cheapest: &'a str,
    cheapest_usd: Range<f64>,
    monthly_saving_usd: Range<f64>,
    unavailable: Vec<Unavailable<'a>>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct AccountView {
    on_demand_usd: Range<f64>,
    cheapest_usd: Range<f64>,
    monthly_saving_usd: Range<f64>,
}

#[derive(Serialize)]
struct CostDoc<'a> {
    basis: &'a CostBasis,
    prices: &'a PricesUsed,
    hours_per_month: u32,
    free_tier: bool,
    allocation: String,
    account: AccountView,
    functions: Vec<FunctionView<'a>>,
    /// What the reader should know about the figures (e.g. invocations not priced).
    notes: &'a [String],
    assumptions: &'a [String],
}

fn function_views<'a>(
    c: &'a Comparison,
    projections: &'a [crate::cost::FunctionProjection],
) -> Vec<FunctionView<'a>> {
    c.functions
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let charges = c.account.scenarios.typical.functions.get(i);
            let usage = projections.get(i).map(|p| &p.usage.typical);
            let d = |g: fn(&crate::cost::engine::LambdaCharges) -> Decimal| {
                charges.map(g).map(cents).unwrap_or(0.0)
            };
            FunctionView {
                function: &f.name,
                region: &f.region,
                arch: f.arch.as_str(),
                memory_mb: f.memory_mb,
                requests_per_month: usage
                    .and_then(|u| u.requests.round_dp(2).to_f64())
                    .unwrap_or(0.0),
                gb_seconds_per_month: usage
                    .and_then(|u| u.gb_seconds.round_dp(3).to_f64())
                    .unwrap_or(0.0),
                on_demand: OnDemandView {
                    requests_usd: d(|c| c.request_usd),
                    compute_usd: d(|c| c.duration_usd),
                    ephemeral_storage_usd: d(|c| c.ephemeral_usd),
                    snapstart_usd: d(|c| c.snapstart_cache_usd + c.snapstart_restore_usd),
                    total_usd: d(|c| c.total_usd),
                    range_usd: cents_range(&f.on_demand_usd),
                },
                concurrency: &f.concurrency,
                options: f
                    .options
                    .iter()
                    .map(|o| OptionView {
                        id: &o.id,
                        name: &o.name,
                        family: o.family,
                        monthly_usd: cents_range(&o.monthly_usd),
                        provisioned_environments: o.provisioned.as_ref().map(|p| p.environments),
                        utilization: o.provisioned.as_ref().map(|p| ratio(p.utilization)),
                        break_even_utilization: o
                            .provisioned
                            .as_ref()
                            .and_then(|p| p.break_even_utilization)
                            .map(ratio),
                        instances: o.capacity.as_ref().map(|c| c.instances),
                        per_instance_concurrency: o
                            .capacity
                            .as_ref()
                            .map(|c| c.per_instance_concurrency),
                        over_capacity: o.capacity.as_ref().and_then(|c| c.over_capacity.as_deref()),
                        breakdown: o
                            .breakdown
                            .iter()
                            .map(|l| LineView {
                                item: &l.item,
                                quantity: l.quantity.round_dp(6).to_f64().unwrap_or(f64::NAN),
                                unit: &l.unit,
                                usd_per_unit: l.usd_per_unit.normalize().to_string(),
                                usd: cents(l.usd),
                            })
                            .collect(),
                        assumptions: &o.assumptions,
                    })
                    .collect(),
                cheapest: &f.cheapest,
                cheapest_usd: cents_range(&f.cheapest_usd),
                monthly_saving_usd: cents_range(&f.monthly_saving_usd),
                unavailable: f
                    .unavailable
                    .iter()
                    .map(|(o, r)| Unavailable {
                        option: o,
                        reason: r,
                    })
                    .collect(),
                notes: &f.notes,
            }
        })
        .collect()
}

fn sum_ranges<'a>(rs: impl Iterator<Item = &'a Range<Decimal>>) -> Range<Decimal> {
    let mut t = Range::collapsed(Decimal::ZERO);
    for r in rs {
        t.low += r.low;
        t.typical += r.typical;
        t.high += r.high;
    }
    t
}

/// What is said under a table whose figures are each rounded to the cent, when they then do
/// not add up (`$0.25 + … + $0.08` is $12.54 beside a total of $12.53; $1.02 − $0.61 beside a
/// saving of $0.42): "each $ figure is rounded to the cent on its own: …", or `None` when
/// every column and row adds up. (Last-round cost review: the README's own example had one.)
/// `columns` are (what the rows are, the rows' unrounded figures, the total row's unrounded figure); a
/// column whose unrounded rows do not make its total is no rounding matter and not said.
/// `differences` are (row name, a, b, a − b unrounded, what a − b is called).
fn rounding_note(
    columns: &[(&str, Vec<Decimal>, Decimal)],
    differences: &[(&str, Decimal, Decimal, Decimal, &str)],
) -> Option<String> {
    let sums = columns.iter().filter_map(|(header, rows, total)| {
        let sum: Decimal = rows.iter().map(|&r| round_cents(r)).sum();
        let exact: Decimal = rows.iter().sum();
        let rounding_only = round_cents(exact) == round_cents(*total);
        (rounding_only && sum != round_cents(*total)).then(|| {
            format!(
                "the {header} add up to {}, where the total of the unrounded figures is {}",
                format_usd(sum),
                format_usd(*total)
            )
        })
    });
    let rows = differences
        .iter()
        .filter_map(|&(name, a, b, diff, called)| {
            let shown = round_cents(a) - round_cents(b);
            (shown != round_cents(diff)).then(|| {
                format!(
                    "{} {} − {} is {} where the {called} of the unrounded figures is {}",
                    super::sanitize(name),
                    format_usd(a),
                    format_usd(b),
                    format_usd(shown),
                    format_usd(diff)
                )
            })
        });
    let off: Vec<String> = sums.chain(rows).collect();
    (!off.is_empty()).then(|| {
        format!(
            "each $ figure is rounded to the cent on its own: {}",
            off.join("; ")
        )
    })
}

/// Said under `tune`'s table (see [`rounding_note`]): now − then beside the saving.
pub(crate) fn tune_rounding_note(reports: &[TuneReport]) -> Option<String> {
    let rows: Vec<_> = reports
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.current_monthly_usd,
                r.recommended_monthly_usd,
                r.monthly_saving_usd,
                "saving",
            )
        })
        .collect();
    rounding_note(&[], &rows)
}

fn range_text(r: &Range<Decimal>) -> String {
    if r.low == r.high {
        "-".to_string()
    } else {
        format!("{} – {}", format_usd(r.low), format_usd(r.high))
    }
}

/// Renders `faascope cost`. `notes` concern the run as a whole (e.g. invocations that could not
/// be priced): under the header in tables and Markdown, `notes` in JSON; CSV has no place for
/// them (the caller prints them on stderr).
pub fn render_cost(
    c: &Comparison,
    projections: &[crate::cost::FunctionProjection],
    basis: &CostBasis,
    prices: &PricesUsed,
    notes: &[String],
    format: Format,
    width: Option<u16>,
) -> String {
    let cheapest_total = sum_ranges(c.functions.iter().map(|f| &f.cheapest_usd));
    let on_demand_total = c.account.total_usd();
    let saving_total = sum_ranges(c.functions.iter().map(|f| &f.monthly_saving_usd));
    match format {
        Format::Json => json(&CostDoc {
            basis,
            prices,
            hours_per_month: crate::cost::HOURS_PER_MONTH,
            free_tier: c.account.options.free_tier,
            allocation: format!("{:?}", c.account.options.allocation).to_lowercase(),
            account: AccountView {
                on_demand_usd: cents_range(&on_demand_total),
                cheapest_usd: cents_range(&cheapest_total),
                monthly_saving_usd: cents_range(&saving_total),
            },
            functions: function_views(c, projections),
            notes,
            assumptions: &c.assumptions,
        }),
        Format::Csv => {
            let headers = [
                "function",
                "option",
                "name",
                "family",
                "usd_low",
                "usd_typical",
                "usd_high",
                "cheapest",
                "not_priced",
                "over_capacity",
            ];
            let mut rows: Vec<Vec<String>> = c
                .functions
                .iter()
                .flat_map(|f| {
                    f.options.iter().map(move |o| {
                        vec![
                            f.name.clone(),
                            o.id.clone(),
                            o.name.clone(),
                            // The JSON name of the family (`lambda_on_demand`).
                            serde_json::to_value(o.family)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default(),
                            csv_usd(o.monthly_usd.low),
                            csv_usd(o.monthly_usd.typical),
                            csv_usd(o.monthly_usd.high),
                            (o.id == f.cheapest).to_string(),
                            String::new(),
                            o.capacity
                                .as_ref()
                                .and_then(|c| c.over_capacity.clone())
                                .unwrap_or_default(),
                        ]
                    })
                })
                .collect();
            // The options that could not be priced, with the reason (the table prints these
            // under each function): no amounts.
            rows.extend(c.functions.iter().flat_map(|f| {
                f.unavailable.iter().map(move |(id, reason)| {
                    let mut row = vec![f.name.clone(), id.clone(), id.clone()];
                    row.extend(std::iter::repeat_n(String::new(), 4));
                    row.push("false".into());
                    row.push(reason.clone());
                    row.push(String::new());
                    row
                })
            }));
            render_grid(&headers, &rows, Format::Csv, None, 4)
        }
        Format::Table | Format::Markdown => {
            let mut out = String::new();
            match basis {
                CostBasis::Observed {
                    window_start,
                    window_end,
                    window_hours,
                    ..
                } => {
                    let (window_start, window_end) = (
                        window_start.as_deref().unwrap_or("-"),
                        window_end.as_deref().unwrap_or("-"),
                    );
                    let _ = writeln!(
                        out,
                        "Observed {window_start} – {window_end} ({}), projected to a month of {} h.{}",
                        crate::timeparse::hours_text(*window_hours),
                        crate::cost::HOURS_PER_MONTH,
                        if c.account.options.free_tier { " Free tier applied to the account." } else { "" }
                    );
                }
                CostBasis::Calculator => {
                    let _ = writeln!(
                        out,
                        "Calculator month ({} h).{}",
                        crate::cost::HOURS_PER_MONTH,
                        if c.account.options.free_tier {
                            " Free tier applied."
                        } else {
                            ""
                        }
                    );
                }
            }
            let _ = writeln!(out, "{}", prices.line());
            if !notes.is_empty() {
                // Markdown: a paragraph of its own, one note a line.
                if format == Format::Markdown {
                    out.push('\n');
                }
                for n in notes {
                    let _ = writeln!(out, "note: {}", note_text(n, format));
                }
            }
            out.push('\n');
            let headers = [
                "function",
                "memory MB",
                "arch",
                "requests/mo",
                "on demand $/mo",
                "low – high",
                "cheapest option",
                "cheapest $/mo",
                "saving $/mo",
            ];
            let mut rows: Vec<Vec<String>> = function_views(c, projections)
                .iter()
                .zip(&c.functions)
                .map(|(v, f)| {
                    let cheapest_name = f
                        .options
                        .iter()
                        .find(|o| o.id == f.cheapest)
                        .map(|o| o.name.clone())
                        .unwrap_or_else(|| f.cheapest.clone());
                    vec![
                        super::sanitize(&f.name),
                        f.memory_mb.to_string(),
                        f.arch.to_string(),
                        format!("{:.0}", v.requests_per_month),
                        format_usd(f.on_demand_usd.typical),
                        range_text(&f.on_demand_usd),
                        cheapest_name,
                        format_usd(f.cheapest_usd.typical),
                        format_usd(f.monthly_saving_usd.typical),
                    ]
                })
                .collect();
            rows.push(vec![
                "total".into(),
                String::new(),
                String::new(),
                String::new(),
                format_usd(on_demand_total.typical),
                range_text(&on_demand_total),
                String::new(),
                format_usd(cheapest_total.typical),
                format_usd(saving_total.typical),
            ]);
            out.push_str(&render_grid(&headers, &rows, format, width, 3));
            if c.functions.len() > 1 && on_demand_total.low != on_demand_total.high {
                // Each function's range is of its own quietest and busiest day (fifth-round
                // cost review: two functions busy on alternate days summed to $0.02 – $2.96
                // where every day of the account cost $1.49).
                let _ = writeln!(
                    out,
                    "{}The total's low – high adds up each function's own cheapest and costliest day, which need not be the same day: the account's own range lies within it.",
                    if format == Format::Markdown { "\n" } else { "" }
                );
            }
            type Of = fn(&crate::cost::FunctionComparison) -> Decimal;
            let differences: Vec<_> = c
                .functions
                .iter()
                .map(|f| {
                    (
                        f.name.as_str(),
                        f.on_demand_usd.typical,
                        f.cheapest_usd.typical,
                        f.monthly_saving_usd.typical,
                        "saving",
                    )
                })
                .chain(std::iter::once((
                    "total",
                    on_demand_total.typical,
                    cheapest_total.typical,
                    saving_total.typical,
                    "saving",
                )))
                .collect();
            let columns: [(&str, Of, Decimal); 5] = [
                (
                    "on demand $/mo rows",
                    |f| f.on_demand_usd.typical,
                    on_demand_total.typical,
                ),
                (
                    "lows of the low – high rows",
                    |f| f.on_demand_usd.low,
                    on_demand_total.low,
                ),
                (
                    "highs of the low – high rows",
                    |f| f.on_demand_usd.high,
                    on_demand_total.high,
                ),
                (
                    "cheapest $/mo rows",
                    |f| f.cheapest_usd.typical,
                    cheapest_total.typical,
                ),
                (
                    "saving $/mo rows",
                    |f| f.monthly_saving_usd.typical,
                    saving_total.typical,
                ),
            ];
            let columns: Vec<_> = columns
                .iter()
                .map(|&(what, of, total)| (what, c.functions.iter().map(of).collect(), total))
                .collect();
            if let Some(note) = rounding_note(&columns, &differences) {
                // A sentence of its own (capitalised), as the one about low – high above.
                let _ = writeln!(
                    out,
                    "{}E{}.",
                    if format == Format::Markdown { "\n" } else { "" },
                    &note[1..]
                );
            }
            for (f, v) in c.functions.iter().zip(function_views(c, projections)) {
                // The on-demand parts, as money, each that is not zero beside requests and
                // compute: together they make the total.
                let usd = |v: f64| format_usd(Decimal::from_f64_retain(v).unwrap_or_default());
                let mut parts = vec![
                    format!("requests {}", usd(v.on_demand.requests_usd)),
                    format!("compute {}", usd(v.on_demand.compute_usd)),
                ];
                if v.on_demand.snapstart_usd != 0.0 {
                    parts.push(format!("SnapStart {}", usd(v.on_demand.snapstart_usd)));
                }
                if v.on_demand.ephemeral_storage_usd != 0.0 {
                    parts.push(format!(
                        "storage {}",
                        usd(v.on_demand.ephemeral_storage_usd)
                    ));
                }
                // Each part is rounded to the cent on its own: said when they then do not
                // add up to the total shown.
                let parts_cents: Decimal = [
                    v.on_demand.requests_usd,
                    v.on_demand.compute_usd,
                    v.on_demand.snapstart_usd,
                    v.on_demand.ephemeral_storage_usd,
                ]
                .iter()
                .map(|&x| round_cents(Decimal::from_f64_retain(x).unwrap_or_default()))
                .sum();
                if parts_cents != round_cents(f.on_demand_usd.typical) {
                    parts.push("each rounded to the cent".into());
                }
                let _ = writeln!(
                    out,
                    "\n{}: on demand {} ({}); concurrency p50 {} p95 {} p99 {} peak {}",
                    note_text(&super::sanitize(&f.name), format),
                    format_usd(f.on_demand_usd.typical),
                    parts.join(", "),
                    f.concurrency.p50,
                    f.concurrency.p95,
                    f.concurrency.p99,
                    f.concurrency.peak
                );
                let headers = ["option", "$/mo", "low", "high", "detail"];
                let rows: Vec<Vec<String>> = f
                    .options
                    .iter()
                    .map(|o| {
                        let mut detail = Vec::new();
                        if let Some(p) = &o.provisioned {
                            detail
                                .push(format!("utilization {:.0} %", ratio(p.utilization) * 100.0));
                            if let Some(b) = p.break_even_utilization {
                                detail.push(format!("break-even {:.0} %", ratio(b) * 100.0));
                            }
                        }
                        if let Some(k) = &o.capacity {
                            detail.push(format!(
                                "{} × {} ({} per instance{})",
                                k.instances,
                                k.instance_type,
                                k.per_instance_concurrency,
                                if k.over_capacity.is_some() {
                                    ", over capacity: see the note"
                                } else {
                                    ""
                                }
                            ));
                        }
                        if o.id == f.cheapest {
                            detail.push("cheapest".into());
                        }
                        vec![
                            o.name.clone(),
                            format_usd(o.monthly_usd.typical),
                            format_usd(o.monthly_usd.low),
                            format_usd(o.monthly_usd.high),
                            detail.join(", "),
                        ]
                    })
                    .collect();
                out.push_str(&render_grid(&headers, &rows, format, width, 1));
                if format == Format::Markdown && !(f.notes.is_empty() && f.unavailable.is_empty()) {
                    // A line right under a Markdown table would be read as one of its rows.
                    out.push('\n');
                }
                // Options that could not be priced (e.g. a machine too small for the function).
                for (id, reason) in &f.unavailable {
                    let _ = writeln!(out, "not priced: {id}: {reason}");
                }
                for n in &f.notes {
                    let _ = writeln!(out, "note: {}", note_text(n, format));
                }
                // Executions per instance given beyond what a machine holds, once per machine.
                let mut said = std::collections::BTreeSet::new();
                for k in f.options.iter().filter_map(|o| o.capacity.as_ref()) {
                    if let Some(why) = &k.over_capacity {
                        if said.insert(why.as_str()) {
                            let _ = writeln!(out, "note: {}", note_text(why, format));
                        }
                    }
                }
            }
            if !c.assumptions.is_empty() {
                out.push_str("\nAssumptions:\n");
                for a in &c.assumptions {
                    let _ = writeln!(out, "- {a}");
                }
            }
            out
        }
    }
}

/// Renders `faascope tune`: one row per function, and each function's curve when `curves`.
/// Each report's `notes`, and `notes` that belong to no report (functions without a timed
/// invocation, say), follow the table (tables and Markdown; JSON carries each report's notes,
/// CSV none: the caller prints them on stderr).
pub fn render_tune(
    reports: &[TuneReport],
    notes: &[String],
    format: Format,
    width: Option<u16>,
    curves: bool,
) -> String {
    if format == Format::Json {
        return json(&reports);
    }
    let headers = [
        "function",
        "memory MB",
        "floor MB",
        "recommended MB",
        "p50 ms now",
        "p50 ms then",
        "$/mo now",
        "$/mo then",
        "saving $/mo",
        "CPU model",
    ];
    // CSV cells hold plain numbers (no `$`, no marks).
    let usd = |d: Decimal| {
        if format == Format::Csv {
            csv_usd(d)
        } else {
            format_usd(d)
        }
    };
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            vec![
                super::sanitize(&r.name),
                r.current_memory_mb.to_string(),
                r.memory_floor_mb.to_string(),
                if r.change && format != Format::Csv {
                    format!("{} ←", r.recommended_memory_mb)
                } else {
                    r.recommended_memory_mb.to_string()
                },
                format!("{:.1}", r.current_p50_ms),
                format!("{:.1}", r.recommended_p50_ms),
                usd(r.current_monthly_usd),
                usd(r.recommended_monthly_usd),
                usd(r.monthly_saving_usd),
                cpu_model_text(&r.cpu_model),
            ]
        })
        .collect();
    let mut out = render_grid(&headers, &rows, format, width, 1);
    if format != Format::Csv {
        let all: Vec<String> = reports
            .iter()
            .flat_map(|r| {
                r.notes
                    .iter()
                    .map(move |n| format!("{}: {n}", super::sanitize(&r.name)))
            })
            .chain(notes.iter().cloned())
            .chain(tune_rounding_note(reports))
            .collect();
        if !all.is_empty() {
            // A line right under a Markdown table would be read as one of its rows.
            out.push('\n');
            for n in all {
                let _ = writeln!(out, "note: {}", note_text(&n, format));
            }
        }
    }
    if curves && format != Format::Csv {
        for r in reports {
            let _ = writeln!(out, "\n{} — cost vs memory:", super::sanitize(&r.name));
            let headers = ["memory MB", "vCPU", "p50 ms", "p99 ms", "$/mo", ""];
            let rows: Vec<Vec<String>> = r
                .curve
                .iter()
                .map(|p| {
                    vec![
                        p.memory_mb.to_string(),
                        format!("{:.2}", p.vcpu),
                        format!("{:.1}", p.est_p50_ms),
                        format!("{:.1}", p.est_p99_ms),
                        format_usd(p.monthly_usd),
                        [
                            (p.current, "current"),
                            (p.memory_mb == r.recommended_memory_mb, "recommended"),
                        ]
                        .iter()
                        .filter(|(b, _)| *b)
                        .map(|(_, s)| s.to_string())
                        .chain(p.not_allowed.as_ref().map(|why| {
                            // Short labels; the JSON has the whole reason.
                            if why.starts_with("below the memory floor") {
                                "below floor".to_string()
                            } else if why.starts_with("modelled") {
                                "times out".to_string()
                            } else {
                                "not allowed".to_string()
                            }
                        }))
                        .chain(
                            (!p.allowed && p.not_allowed.is_none())
                                .then(|| "not allowed".to_string()),
                        )
                        .collect::<Vec<_>>()
                        .join(", "),
                    ]
                })
                .collect();
            out.push_str(&render_grid(&headers, &rows, format, width, 0));
        }
    }
    out
}

fn cpu_model_text(m: &crate::cost::tune::CpuModel) -> String {
    use crate::cost::tune::CpuModel;
    match m {
        CpuModel::Calibrated {
            fraction,
            memory_sizes,
            ..
        } => format!("calibrated f={fraction:.2} from {memory_sizes} sizes"),
        CpuModel::Assumed { fraction, .. } => format!("assumed f={fraction:.2}"),
        CpuModel::Given { fraction } => format!("given f={fraction:.2}"),
    }
}

/// Renders `faascope pricing list`.
pub fn render_pricing_list(list: &[OfferingSummary], format: Format, width: Option<u16>) -> String {
    if format == Format::Json {
        return json(&list);
    }
    let headers = [
        "offering",
        "provider",
        "name",
        "figures",
        "assumptions",
        "effective",
        "regions",
    ];
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|o| {
            let dates = match (o.oldest_effective_date, o.newest_effective_date) {
                (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
                (Some(a), _) => a.to_string(),
                _ => "-".into(),
            };
            vec![
                o.id.clone(),
                o.provider.clone(),
                o.name.clone(),
                (o.prices + o.rules + o.skus).to_string(),
                o.assumptions.to_string(),
                dates,
                o.regions.join(" "),
            ]
        })
        .collect();
    render_grid(&headers, &rows, format, width, 3)
}

/// Renders `faascope pricing show OFFERING`.
pub fn render_pricing_show(d: &OfferingDetail, format: Format, width: Option<u16>) -> String {
    if format == Format::Json {
        return json(&d);
    }
    let mut out = String::new();
    if format != Format::Csv {
        let _ = writeln!(
            out,
            "{} ({}, {})",
            d.summary.name, d.summary.id, d.summary.provider
        );
        if let Some(desc) = &d.description {
            let _ = writeln!(out, "{desc}");
        }
        out.push('\n');
    }
    let headers = [
        "key",
        "region",
        "arch",
        "tier",
        "value",
        "unit",
        "effective",
        "confidence",
        "source",
        "file",
    ];
    let rows: Vec<Vec<String>> = d
        .figures
        .iter()
        .map(|f| {
            vec![
                f.sku
                    .clone()
                    .map_or(f.key.clone(), |s| format!("{} {s}", f.key)),
                f.region.clone().unwrap_or_default(),
                f.arch.clone().unwrap_or_default(),
                f.tier.clone().unwrap_or_default(),
                f.value.clone(),
                f.unit.clone(),
                f.effective_date.to_string(),
                // Figures no source confirmed are marked, as in the JSON output.
                if f.assumption {
                    format!("ASSUMPTION ({})", f.confidence)
                } else {
                    f.confidence.clone()
                },
                match &f.source_url {
                    Some(u) => format!("{} <{u}>", f.source_title),
                    None => f.source_title.clone(),
                },
                // Which file the figure came from: a user figure may cite a built-in source
                // (readme4 review: only JSON told them apart).
                f.file.clone(),
            ]
        })
        .collect();
    out.push_str(&render_grid(&headers, &rows, format, width, 99));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Last-round cost review: the README's own `cost` example printed rows of $0.25 … $0.08
    /// (they add up to $12.54) beside a total of $12.53 without a word.
    #[test]
    fn a_column_whose_rounded_rows_miss_its_total_is_said() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 0.004 + 0.004 + 0.004 = 0.012: rows shown $0.00 each, total $0.01.
        let rows = vec![d("0.004"), d("0.004"), d("0.004")];
        assert_eq!(
            rounding_note(&[("on demand $/mo rows", rows.clone(), d("0.012"))], &[]).as_deref(),
            Some("each $ figure is rounded to the cent on its own: the on demand $/mo rows add up to $0.00, where the total of the unrounded figures is $0.01")
        );
        // Rows that add up, and a total that is not their sum (not a rounding matter): nothing.
        assert_eq!(
            rounding_note(&[("x", vec![d("0.01"), d("0.02")], d("0.03"))], &[]),
            None
        );
        assert_eq!(rounding_note(&[("x", rows, d("5"))], &[]), None);
        // A row's difference: 0.015702 − 0.014258 shows as $0.02 − $0.01 beside $0.00.
        let diff = [("f", d("0.015702"), d("0.014258"), d("0.001444"), "saving")];
        assert_eq!(
            rounding_note(&[], &diff).as_deref(),
            Some("each $ figure is rounded to the cent on its own: f $0.02 − $0.01 is $0.01 where the saving of the unrounded figures is $0.00")
        );
        let diff = [("f", d("0.02"), d("0.01"), d("0.01"), "saving")];
        assert_eq!(rounding_note(&[], &diff), None);
    }
}
