//! Throughput of `Redactor::redact` on the generated log of `benches/benches/pii_redact.rs`
//! (a quick check; the criterion bench is the reference).
//!
//! `cargo run --release -p pii-redact --example throughput`
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Instant;

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

/// A generated log of about `bytes` bytes, `pii_share` % of lines with PII, a third non-ASCII.
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

fn main() {
    // Optional arguments (for profiling): `pii` or `clean` to run one corpus, then a run count.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = args.first().map(String::as_str);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let r = pii_redact::Redactor::new();
    for (name, share) in [("log_15pct_pii", 15), ("log_clean", 0)] {
        if only.is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let text = corpus(share, 1 << 22);
        let mut best = f64::MAX;
        for _ in 0..runs {
            let t = Instant::now();
            let out = r.redact(&text);
            std::hint::black_box(out);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{name}: {:.0} MB/s", text.len() as f64 / best / 1e6);
    }
}
