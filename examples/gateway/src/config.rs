//! Configuration: embedded defaults, then an optional TOML file, then `RAMPART_*` environment
//! overrides (the environment always wins, so a container can override a baked-in file).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::StartError;

/// How the injection guard acts on a flagged prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GuardMode {
    /// Refuse the request with 400 and `SECURITY_001`.
    Block,
    /// Log the verdict and let the request through.
    Warn,
    /// No injection scan at all (not recommended; for benchmarks of the other layers).
    Off,
}

/// What `POST /v1/audio/speech` does with personal data in its `input` (and `instructions`).
/// Placeholders cannot be restored in audio, so the reversible redaction of chat does not
/// apply. Secrets (API keys, tokens, passwords, private keys, JWTs) are refused with 400
/// `SECURITY_003` whatever this says: reading a credential aloud is never what a caller wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeechPii {
    /// Each value is replaced by a spoken-friendly phrase (`an email address`, `a card
    /// number`, …) and the request goes on (the default).
    Spoken,
    /// A request whose input holds any detected personal data is refused with 400
    /// `SECURITY_004`, naming the kinds found (never the values).
    Refuse,
}

/// Where completions go.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ProviderConfig {
    /// The built-in in-process mock (records what it received; runs offline).
    Mock {
        /// Name of a stored provider credential to send (tests use it to see that the
        /// decrypted credential, and only it, reaches the provider).
        #[serde(default)]
        credential: Option<String>,
    },
    /// Any OpenAI-compatible HTTP endpoint, e.g. `http://127.0.0.1:11434/v1` (`https://` with
    /// the `tls` feature).
    Openai {
        /// Base URL up to and including `/v1`; the gateway appends `/chat/completions` etc.
        base_url: String,
        /// Name of the stored provider credential (see `POST /admin/credentials`) sent as
        /// `Authorization: Bearer …`; `None` sends no credential.
        #[serde(default)]
        credential: Option<String>,
        /// A PEM file of extra CA certificates trusted for `https://` base URLs, besides the
        /// system's (a private CA). Feature `tls`; a build without it refuses to start with it.
        #[serde(default)]
        ca_file: Option<PathBuf>,
    },
}

/// Rate-limit quotas in rate-limit's config syntax (`100/min`, `10/s burst 20`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Per API key, over every endpoint.
    pub per_key: String,
    /// Per API key and endpoint, for the ordinary endpoints.
    pub per_endpoint: String,
    /// Per API key on the costly endpoint (`/v1/audio/speech`): lower than the others.
    pub costly: String,
    /// Requests in flight per API key (resilience's concurrency limiter).
    pub concurrent_per_key: u32,
    /// Requests in flight over the whole gateway.
    pub concurrent_total: u32,
    /// Budget of answer bytes the in-memory `Idempotency-Key` store keeps (oldest evicted
    /// first; an answer larger than the budget is not stored). Not used with Redis.
    pub idempotency_max_bytes: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            per_key: "600/min".into(),
            per_endpoint: "300/min".into(),
            costly: "5/min".into(),
            concurrent_per_key: 16,
            concurrent_total: 512,
            idempotency_max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The whole configuration. Every field has a safe default, so an empty file is valid.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on. The default is loopback only.
    pub bind: SocketAddr,
    /// Directory for the SQLite database, the audit log and generated secrets.
    pub data_dir: PathBuf,
    /// Origins allowed by CORS (exact matches, e.g. `https://app.example.com`). Empty: no
    /// cross-origin browser access at all.
    pub cors_origins: Vec<String>,
    /// Largest accepted request body in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Set when TLS is terminated in front of the gateway: adds `Strict-Transport-Security`.
    pub behind_tls: bool,
    /// Seconds a client has to send a request's head (request line and headers) once it
    /// starts one; a slower client is disconnected (slow loris). At least 1.
    pub header_read_timeout_secs: u64,
    /// Seconds a client has to send a request's whole body, counted from the end of its head; a
    /// slower one gets 408 `REQUEST_006` and the connection is closed, which frees its
    /// concurrency slot. At least 1.
    pub body_read_timeout_secs: u64,
    /// Seconds a write to a client may wait for it to take data (a client that stopped
    /// reading); then the connection is closed, which drops its answer and frees its
    /// concurrency slot (a streamed answer holds one until it is sent). The timer runs only
    /// while a write is blocked, so a slowly generated stream is not cut. At least 1.
    pub send_timeout_secs: u64,
    /// Most client connections open at once (at least 1); at the cap the gateway stops
    /// accepting until one ends (new ones wait in the listen backlog), so clients cannot use
    /// up the file descriptors the upstream, Redis and the databases need. Keep it well below
    /// `ulimit -n`.
    pub max_connections: usize,
    /// Seconds a shutdown waits for the requests in flight (streams included) before it
    /// closes the connections still open. Between 1 and 86400.
    pub shutdown_grace_secs: u64,
    /// Injection guard mode.
    pub injection_mode: GuardMode,
    /// Reversible PII redaction of prompts and redaction of responses.
    pub pii_redaction: bool,
    /// PII in speech input (see [`SpeechPii`]); applies while `pii_redaction` is on.
    pub speech_pii: SpeechPii,
    /// When true, secrets must come from the environment (`RAMPART_KEY_PEPPER`,
    /// `RAMPART_MASTER_KEY`, `RAMPART_ADMIN_KEY`): a missing one stops the start. When false
    /// (the embedded default), missing ones are generated into `data_dir` at first start.
    pub require_env_secrets: bool,
    /// Prefix of issued API keys.
    pub key_prefix: String,
    /// Lifetime of the demo key minted at each start, in seconds (0: no demo key).
    pub demo_key_ttl_secs: u64,
    /// Upstream provider.
    pub provider: ProviderConfig,
    /// Rate limits and concurrency.
    pub limits: LimitsConfig,
    /// `tracing` filter (`info`, `gateway=debug` …); `RUST_LOG` overrides it.
    pub log: String,
    /// Redis URL for shared limits and idempotency (`RAMPART_REDIS_URL`).
    pub redis_url: Option<String>,
    /// Key prefix of the shared limits in Redis (instances sharing quotas use the same one).
    pub redis_prefix: String,
    /// PostgreSQL URL for the key records and the audit log (`RAMPART_POSTGRES_URL`, feature
    /// `postgres`).
    pub postgres_url: Option<String>,
    /// PostgreSQL schema of the gateway's tables (`RAMPART_POSTGRES_SCHEMA`; instances sharing
    /// keys and audit log use the same one).
    pub postgres_schema: String,
}

/// Hand-written so the service URLs, which may carry a password (`redis://:pw@host`,
/// `postgres://user:pw@host/db`), never reach a log or a panic message: only whether each is set.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |url: &Option<String>| {
            if url.is_some() {
                "[set, redacted]"
            } else {
                "[unset]"
            }
        };
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("cors_origins", &self.cors_origins)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("behind_tls", &self.behind_tls)
            .field("header_read_timeout_secs", &self.header_read_timeout_secs)
            .field("body_read_timeout_secs", &self.body_read_timeout_secs)
            .field("send_timeout_secs", &self.send_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .field("injection_mode", &self.injection_mode)
            .field("pii_redaction", &self.pii_redaction)
            .field("speech_pii", &self.speech_pii)
            .field("require_env_secrets", &self.require_env_secrets)
            .field("key_prefix", &self.key_prefix)
            .field("demo_key_ttl_secs", &self.demo_key_ttl_secs)
            .field("provider", &self.provider)
            .field("limits", &self.limits)
            .field("log", &self.log)
            .field("redis_url", &set(&self.redis_url))
            .field("redis_prefix", &self.redis_prefix)
            .field("postgres_url", &set(&self.postgres_url))
            .field("postgres_schema", &self.postgres_schema)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("gateway-data"),
            cors_origins: Vec::new(),
            max_body_bytes: 1024 * 1024,
            behind_tls: false,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 30,
            send_timeout_secs: 30,
            max_connections: 4096,
            shutdown_grace_secs: 30,
            injection_mode: GuardMode::Block,
            pii_redaction: true,
            speech_pii: SpeechPii::Spoken,
            require_env_secrets: false,
            key_prefix: "rmp".into(),
            demo_key_ttl_secs: 24 * 3600,
            provider: ProviderConfig::Mock { credential: None },
            limits: LimitsConfig::default(),
            log: "info".into(),
            redis_url: None,
            redis_prefix: "rampart-gateway".into(),
            postgres_url: None,
            postgres_schema: "rampart_gateway".into(),
        }
    }
}

impl Config {
    /// Reads `path` (if any) over the defaults, then applies the environment.
    pub fn load(path: Option<&Path>) -> Result<Self, StartError> {
        let mut config = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| StartError::Io {
                    what: format!("reading config file {}", path.display()),
                    source,
                })?;
                Self::from_toml(&text)?
            }
            None => Self::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    /// Parses a TOML document (unknown fields are errors, so typos do not pass silently).
    pub fn from_toml(text: &str) -> Result<Self, StartError> {
        toml::from_str(text).map_err(|e| StartError::Config(e.to_string()))
    }

    /// Applies `RAMPART_*` overrides read through `get` (injectable for tests).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), StartError> {
        let bad =
            |name: &str, value: &str| StartError::Config(format!("{name}: cannot parse {value:?}"));
        if let Some(v) = get("RAMPART_BIND") {
            self.bind = v.parse().map_err(|_| bad("RAMPART_BIND", &v))?;
        }
        if let Some(v) = get("RAMPART_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("RAMPART_CORS_ORIGINS") {
            self.cors_origins = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(v) = get("RAMPART_MAX_BODY_BYTES") {
            self.max_body_bytes = v.parse().map_err(|_| bad("RAMPART_MAX_BODY_BYTES", &v))?;
        }
        if let Some(v) = get("RAMPART_BEHIND_TLS") {
            self.behind_tls = parse_bool(&v).ok_or_else(|| bad("RAMPART_BEHIND_TLS", &v))?;
        }
        if let Some(v) = get("RAMPART_HEADER_READ_TIMEOUT_SECS") {
            self.header_read_timeout_secs = v
                .parse()
                .map_err(|_| bad("RAMPART_HEADER_READ_TIMEOUT_SECS", &v))?;
        }
        if let Some(v) = get("RAMPART_BODY_READ_TIMEOUT_SECS") {
            self.body_read_timeout_secs = v
                .parse()
                .map_err(|_| bad("RAMPART_BODY_READ_TIMEOUT_SECS", &v))?;
        }
        if let Some(v) = get("RAMPART_SEND_TIMEOUT_SECS") {
            self.send_timeout_secs = v
                .parse()
                .map_err(|_| bad("RAMPART_SEND_TIMEOUT_SECS", &v))?;
        }
        if let Some(v) = get("RAMPART_MAX_CONNECTIONS") {
            self.max_connections = v.parse().map_err(|_| bad("RAMPART_MAX_CONNECTIONS", &v))?;
        }
        if let Some(v) = get("RAMPART_SHUTDOWN_GRACE_SECS") {
            self.shutdown_grace_secs = v
                .parse()
                .map_err(|_| bad("RAMPART_SHUTDOWN_GRACE_SECS", &v))?;
        }
        if let Some(v) = get("RAMPART_INJECTION_MODE") {
            self.injection_mode = match v.as_str() {
                "block" => GuardMode::Block,
                "warn" => GuardMode::Warn,
                "off" => GuardMode::Off,
                _ => return Err(bad("RAMPART_INJECTION_MODE", &v)),
            };
        }
        if let Some(v) = get("RAMPART_PII_REDACTION") {
            self.pii_redaction = parse_bool(&v).ok_or_else(|| bad("RAMPART_PII_REDACTION", &v))?;
        }
        if let Some(v) = get("RAMPART_SPEECH_PII") {
            self.speech_pii = match v.as_str() {
                "spoken" => SpeechPii::Spoken,
                "refuse" => SpeechPii::Refuse,
                _ => return Err(bad("RAMPART_SPEECH_PII", &v)),
            };
        }
        if let Some(v) = get("RAMPART_REQUIRE_ENV_SECRETS") {
            self.require_env_secrets =
                parse_bool(&v).ok_or_else(|| bad("RAMPART_REQUIRE_ENV_SECRETS", &v))?;
        }
        if let Some(v) = get("RAMPART_UPSTREAM_URL") {
            let (credential, ca_file) = match &self.provider {
                ProviderConfig::Openai {
                    credential,
                    ca_file,
                    ..
                } => (credential.clone(), ca_file.clone()),
                ProviderConfig::Mock { credential } => (credential.clone(), None),
            };
            self.provider = ProviderConfig::Openai {
                base_url: v,
                credential: get("RAMPART_UPSTREAM_CREDENTIAL").or(credential),
                ca_file,
            };
        }
        if let Some(v) = get("RAMPART_UPSTREAM_CA_FILE").filter(|v| !v.is_empty()) {
            match &mut self.provider {
                ProviderConfig::Openai { ca_file, .. } => *ca_file = Some(PathBuf::from(v)),
                ProviderConfig::Mock { .. } => {
                    return Err(StartError::Config(
                        "RAMPART_UPSTREAM_CA_FILE is set but the provider is the mock".into(),
                    ));
                }
            }
        }
        if let Some(v) = get("RAMPART_LIMIT_PER_KEY") {
            self.limits.per_key = v;
        }
        if let Some(v) = get("RAMPART_LIMIT_PER_ENDPOINT") {
            self.limits.per_endpoint = v;
        }
        if let Some(v) = get("RAMPART_LIMIT_COSTLY") {
            self.limits.costly = v;
        }
        if let Some(v) = get("RAMPART_LOG") {
            self.log = v;
        }
        if let Some(v) = get("RAMPART_REDIS_URL").filter(|v| !v.is_empty()) {
            self.redis_url = Some(v);
        }
        if let Some(v) = get("RAMPART_REDIS_PREFIX") {
            self.redis_prefix = v;
        }
        if let Some(v) = get("RAMPART_POSTGRES_URL").filter(|v| !v.is_empty()) {
            self.postgres_url = Some(v);
        }
        if let Some(v) = get("RAMPART_POSTGRES_SCHEMA") {
            self.postgres_schema = v;
        }
        if let Some(v) = get("RAMPART_IDEMPOTENCY_MAX_BYTES") {
            self.limits.idempotency_max_bytes = v
                .parse()
                .map_err(|_| bad("RAMPART_IDEMPOTENCY_MAX_BYTES", &v))?;
        }
        Ok(())
    }
}

impl Config {
    /// The client timeouts (header read, body read), checked: a zero one would disable
    /// nothing and expire everything, and one over a day would overflow the clock's deadline
    /// arithmetic (a panic on every request), so either stops the start.
    pub fn client_timeouts(&self) -> Result<(Duration, Duration), StartError> {
        Ok((
            checked_timeout("header_read_timeout_secs", self.header_read_timeout_secs)?,
            checked_timeout("body_read_timeout_secs", self.body_read_timeout_secs)?,
        ))
    }

    /// How [`crate::serve`] treats this configuration's connections (timeouts checked as in
    /// [`Config::client_timeouts`]).
    pub fn serve_options(&self) -> Result<crate::ServeOptions, StartError> {
        let (header_read_timeout, _) = self.client_timeouts()?;
        Ok(crate::ServeOptions {
            header_read_timeout,
            send_timeout: checked_timeout("send_timeout_secs", self.send_timeout_secs)?,
            max_connections: if self.max_connections == 0 {
                return Err(StartError::Config(
                    "max_connections must be at least 1".into(),
                ));
            } else {
                self.max_connections
            },
            shutdown_grace: checked_timeout("shutdown_grace_secs", self.shutdown_grace_secs)?,
        })
    }
}

/// `secs` as a timeout: at least 1 second, at most a day.
fn checked_timeout(name: &str, secs: u64) -> Result<Duration, StartError> {
    if secs == 0 || secs > 86_400 {
        return Err(StartError::Config(format!(
            "{name} must be between 1 and 86400 seconds"
        )));
    }
    Ok(Duration::from_secs(secs))
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_defaults() {
        assert_eq!(Config::from_toml("").unwrap(), Config::default());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(Config::from_toml("bnid = \"127.0.0.1:1\"").is_err());
        assert!(Config::from_toml("[limits]\ncostyl = \"1/s\"").is_err());
    }

    #[test]
    fn file_then_environment() {
        let mut c = Config::from_toml(
            "bind = \"127.0.0.1:9000\"\ninjection_mode = \"warn\"\n[provider]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:1/v1\"\n",
        )
        .unwrap();
        assert_eq!(c.injection_mode, GuardMode::Warn);
        c.apply_env(|name| match name {
            "RAMPART_BIND" => Some("127.0.0.1:9100".into()),
            "RAMPART_CORS_ORIGINS" => Some("https://a.example, https://b.example".into()),
            "RAMPART_INJECTION_MODE" => Some("block".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.bind.port(), 9100);
        assert_eq!(c.cors_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(c.injection_mode, GuardMode::Block);
        assert!(matches!(c.provider, ProviderConfig::Openai { .. }));
    }

    #[test]
    fn upstream_ca_file_from_file_and_environment() {
        let c = Config::from_toml(
            "[provider]\nkind = \"openai\"\nbase_url = \"https://p.example/v1\"\nca_file = \"/etc/ca.pem\"\n",
        )
        .unwrap();
        assert!(
            matches!(&c.provider, ProviderConfig::Openai { ca_file: Some(p), .. }
            if p == Path::new("/etc/ca.pem"))
        );
        let mut c = Config::default();
        assert!(
            c.apply_env(|n| (n == "RAMPART_UPSTREAM_CA_FILE").then(|| "/ca.pem".into()))
                .is_err(),
            "a CA file for the mock is a mistake"
        );
        let mut c = Config::default();
        c.apply_env(|n| match n {
            "RAMPART_UPSTREAM_URL" => Some("https://p.example/v1".into()),
            "RAMPART_UPSTREAM_CA_FILE" => Some("/ca.pem".into()),
            _ => None,
        })
        .unwrap();
        assert!(
            matches!(&c.provider, ProviderConfig::Openai { ca_file: Some(p), .. }
            if p == Path::new("/ca.pem"))
        );
    }

    #[test]
    fn speech_pii_from_file_and_environment() {
        assert_eq!(Config::default().speech_pii, SpeechPii::Spoken);
        let mut c = Config::from_toml("speech_pii = \"refuse\"\n").unwrap();
        assert_eq!(c.speech_pii, SpeechPii::Refuse);
        assert!(Config::from_toml("speech_pii = \"mumble\"\n").is_err());
        c.apply_env(|n| (n == "RAMPART_SPEECH_PII").then(|| "spoken".into()))
            .unwrap();
        assert_eq!(c.speech_pii, SpeechPii::Spoken);
        assert!(
            c.apply_env(|n| (n == "RAMPART_SPEECH_PII").then(|| "loud".into()))
                .is_err()
        );
    }

    #[test]
    fn bad_environment_values_are_errors() {
        let mut c = Config::default();
        assert!(
            c.apply_env(|n| (n == "RAMPART_BIND").then(|| "nope".into()))
                .is_err()
        );
        let mut c = Config::default();
        assert!(
            c.apply_env(|n| (n == "RAMPART_INJECTION_MODE").then(|| "maybe".into()))
                .is_err()
        );
    }

    #[test]
    fn client_timeouts_from_file_and_environment() {
        let mut c = Config::from_toml("header_read_timeout_secs = 5\n").unwrap();
        assert_eq!(
            c.client_timeouts().unwrap(),
            (Duration::from_secs(5), Duration::from_secs(30))
        );
        c.apply_env(|n| (n == "RAMPART_BODY_READ_TIMEOUT_SECS").then(|| "7".into()))
            .unwrap();
        assert_eq!(c.client_timeouts().unwrap().1, Duration::from_secs(7));
        c.body_read_timeout_secs = 0;
        let err = c.client_timeouts().unwrap_err().to_string();
        assert!(err.contains("body_read_timeout_secs"), "{err}");
        assert!(
            c.apply_env(|n| (n == "RAMPART_HEADER_READ_TIMEOUT_SECS").then(|| "soon".into()))
                .is_err()
        );
        // Beyond a day, deadline arithmetic could overflow (a panic per request): refused.
        c.body_read_timeout_secs = 86_401;
        assert!(c.client_timeouts().is_err());
        c.body_read_timeout_secs = u64::MAX;
        assert!(c.serve_options().is_err());
        c.body_read_timeout_secs = 30;
        c.apply_env(|n| (n == "RAMPART_SEND_TIMEOUT_SECS").then(|| "3".into()))
            .unwrap();
        assert_eq!(
            c.serve_options().unwrap().send_timeout,
            Duration::from_secs(3)
        );
        c.send_timeout_secs = 0;
        let err = c.serve_options().unwrap_err().to_string();
        assert!(err.contains("send_timeout_secs"), "{err}");
        c.send_timeout_secs = 30;
        c.apply_env(|n| match n {
            "RAMPART_MAX_CONNECTIONS" => Some("100".into()),
            "RAMPART_SHUTDOWN_GRACE_SECS" => Some("5".into()),
            _ => None,
        })
        .unwrap();
        let options = c.serve_options().unwrap();
        assert_eq!(
            (options.max_connections, options.shutdown_grace),
            (100, Duration::from_secs(5))
        );
        c.max_connections = 0;
        let err = c.serve_options().unwrap_err().to_string();
        assert!(err.contains("max_connections"), "{err}");
    }
    #[test]
    fn debug_hides_service_urls() {
        let c = Config {
            redis_url: Some("redis://:hunter2-redis@127.0.0.1:6379/".into()),
            postgres_url: Some("postgres://app:hunter2-pg@127.0.0.1/db".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redis_url: \"[set, redacted]\""), "{shown}");
    }
}
