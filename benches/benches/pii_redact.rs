//! pii-redact against leakguard and a naive baseline (one `Regex::replace_all` per entity) on a
//! generated log: ~15% of lines carry PII or a secret, a third carry non-ASCII text; and on the
//! same log with no PII. Throughput in bytes per second, single-threaded.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regex::Regex;

/// A deterministic generator (xorshift), so every run measures the same bytes.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const ASCII_MSGS: &[&str] = &[
    "request completed",
    "cache miss for key user_profile",
    "retrying upstream call after timeout",
    "connection pool exhausted, waiting",
    "scheduled job finished without errors",
];
const NON_ASCII_MSGS: &[&str] = &[
    "usuário autenticado com sucesso após verificação",
    "ユーザーがログインしました。セッションを開始します",
    "пользователь вошёл в систему, сеанс открыт",
    "la requête a échoué : délai dépassé",
    "Anmeldung fehlgeschlagen für Konto Müller",
];
const PII: &[&str] = &[
    "contact alice.smith@example.com for details",
    "customer phone +55 11 99999-9999 updated",
    "card 4111 1111 1111 1111 charged",
    "cpf 529.982.247-25 verified",
    "client ip 203.0.113.42 blocked",
    "iban GB82 WEST 1234 5698 7654 32 registered",
    "ssn 123-45-6789 on file",
    "aws key AKIAIOSFODNN7EXAMPLE rotated",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "call (555) 123-4567 tomorrow",
];

pub fn corpus(pii_share: u64, bytes: usize) -> String {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(bytes + 256);
    let mut n = 0u64;
    while out.len() < bytes {
        n += 1;
        let roll = r.next() % 100;
        let msg = if roll < pii_share {
            r.pick(PII)
        } else if r.next().is_multiple_of(3) {
            r.pick(NON_ASCII_MSGS)
        } else {
            r.pick(ASCII_MSGS)
        };
        let (min, sec, ms) = (r.next() % 60, r.next() % 60, r.next() % 1000);
        out.push_str(&format!(
            "2026-11-23T09:{min:02}:{sec:02}.{ms:03}Z INFO api request_id=req-{:08x} method=GET path=/v1/items/{} status={} latency_ms={} msg=\"{msg}\"\n",
            r.next() as u32,
            n % 5000,
            if r.next().is_multiple_of(10) { 404 } else { 200 },
            r.next() % 900,
        ));
    }
    out
}

fn naive() -> Vec<(Regex, &'static str)> {
    [
        (
            r"(?-u:\b)[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?-u:\b)",
            "[EMAIL_REDACTED]",
        ),
        (
            r"(?-u:\b)\d{3}\.\d{3}\.\d{3}-\d{2}(?-u:\b)",
            "[CPF_REDACTED]",
        ),
        (
            r"(?-u:\b)\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}(?-u:\b)",
            "[CNPJ_REDACTED]",
        ),
        (r"(?-u:\b)(?:\d[ -]?){13,19}(?-u:\b)", "[CC_REDACTED]"),
        (
            r"(?:\+\d{1,3}[ -]?)?\(?\d{2,3}\)?[ -]?\d{4,5}-?\d{4}(?-u:\b)",
            "[PHONE_REDACTED]",
        ),
        (r"(?-u:\b)\d{3}-\d{2}-\d{4}(?-u:\b)", "[SSN_REDACTED]"),
        (r"(?-u:\b)(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)", "[IP_REDACTED]"),
        (r"(?-u:\b)AKIA[0-9A-Z]{16}(?-u:\b)", "[AWS_KEY_REDACTED]"),
    ]
    .into_iter()
    .map(|(p, r)| (Regex::new(p).unwrap(), r))
    .collect()
}

fn naive_redact(rs: &[(Regex, &'static str)], text: &str) -> String {
    let mut s = text.to_owned();
    for (re, rep) in rs {
        s = re.replace_all(&s, *rep).into_owned();
    }
    s
}

fn bench(c: &mut Criterion) {
    let ours = pii_redact::Redactor::new();
    let lg = leakguard::Redactor::new();
    let rs = naive();
    for (name, share) in [("log_15pct_pii", 15), ("log_clean", 0)] {
        let text = corpus(share, 1 << 20);
        let mut g = c.benchmark_group(format!("pii_redact/{name}"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function("pii-redact", |b| b.iter(|| ours.redact(black_box(&text))));
        g.bench_function("leakguard", |b| b.iter(|| lg.clean(black_box(&text))));
        g.bench_function("naive_8_regex", |b| {
            b.iter(|| naive_redact(&rs, black_box(&text)))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
