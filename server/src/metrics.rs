//! The server's metrics, in the Prometheus text format at `/metrics`: requests by endpoint and
//! status, their latency, records by verdict, findings by rule, reloads by outcome.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use clearance_runtime::findings::RecordResult;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    endpoint: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    verdict: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    rule: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

fn latency_histogram() -> Histogram {
    // From 0.5 ms to about 16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<EndpointLabels, Histogram, fn() -> Histogram>,
    records: Family<VerdictLabels, Counter>,
    findings: Family<RuleLabels, Counter>,
    reloads: Family<OutcomeLabels, Counter>,
    in_flight: Gauge,
    generation: Gauge,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("clearance");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by endpoint and status",
            requests.clone(),
        );
        let latency = Family::<EndpointLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, to its status and headers (a streamed body goes on after)",
            latency.clone(),
        );
        let records = Family::<VerdictLabels, Counter>::default();
        registry.register("records", "Records evaluated, by verdict", records.clone());
        let findings = Family::<RuleLabels, Counter>::default();
        registry.register("findings", "Findings, by rule", findings.clone());
        let reloads = Family::<OutcomeLabels, Counter>::default();
        registry.register("reloads", "Rule set loads, by outcome", reloads.clone());
        let in_flight = Gauge::default();
        registry.register(
            "requests_in_flight",
            "Requests of /v1/validate being evaluated",
            in_flight.clone(),
        );
        let generation = Gauge::default();
        registry.register(
            "rules_generation",
            "The generation of the rule set being served (0: none)",
            generation.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            records,
            findings,
            reloads,
            in_flight,
            generation,
        }
    }

    pub fn result(&self, result: &RecordResult) {
        self.records
            .get_or_create(&VerdictLabels {
                verdict: result.verdict.as_str().to_string(),
            })
            .inc();
        for finding in &result.findings {
            self.findings
                .get_or_create(&RuleLabels {
                    rule: finding.rule.to_string(),
                })
                .inc();
        }
    }

    /// Counts and times a request answered, by the route it matched.
    pub fn answered(&self, endpoint: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                endpoint: endpoint.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&EndpointLabels {
                endpoint: endpoint.to_string(),
            })
            .observe(seconds);
    }

    pub fn reload(&self, loaded: bool, generation: Option<u64>) {
        let outcome = if loaded { "loaded" } else { "failed" };
        self.reloads
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
        if let Some(generation) = generation {
            self.generation
                .set(i64::try_from(generation).unwrap_or(i64::MAX));
        }
    }

    fn encode(&self, in_flight: usize) -> String {
        self.in_flight
            .set(i64::try_from(in_flight).unwrap_or(i64::MAX));
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(state.requests_in_flight()),
    )
        .into_response()
}
