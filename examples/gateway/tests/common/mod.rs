//! The end-to-end harness: starts a gateway on an ephemeral 127.0.0.1 port with its own data
//! directory, and talks real HTTP/1.1 to it with hyper's client.

#![allow(dead_code)]

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

pub struct Gateway {
    pub running: gateway::Running,
    pub admin_key: String,
    pub dir: tempfile::TempDir,
    client: Client<HttpConnector, Full<Bytes>>,
}

pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// Starts a gateway with `edit` applied to a test configuration.
pub async fn start(edit: impl FnOnce(&mut gateway::Config)) -> Gateway {
    let dir = tempfile::tempdir().unwrap();
    let mut config = gateway::Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: dir.path().to_path_buf(),
        demo_key_ttl_secs: 0,
        ..gateway::Config::default()
    };
    edit(&mut config);
    start_in(dir, config).await
}

pub async fn start_in(dir: tempfile::TempDir, config: gateway::Config) -> Gateway {
    let running = gateway::start_with(config, &|_| None).await.unwrap();
    wrap(dir, running)
}

pub fn wrap(dir: tempfile::TempDir, running: gateway::Running) -> Gateway {
    let admin_key = running
        .generated_admin_key
        .as_ref()
        .map(|k| k.as_str().to_owned())
        .unwrap_or_default();
    Gateway {
        running,
        admin_key,
        dir,
        client: Client::builder(TokioExecutor::new()).build_http(),
    }
}

impl Gateway {
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Answer {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.running.addr));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = body
            .map(|b| Bytes::copy_from_slice(b.as_bytes()))
            .unwrap_or_default();
        let response = self
            .client
            .request(request.body(Full::new(body)).unwrap())
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        }
    }

    /// POST JSON with a bearer key (None: no Authorization header).
    pub async fn post(&self, path: &str, key: Option<&str>, body: &str) -> Answer {
        let auth = key.map(|k| format!("Bearer {k}"));
        let mut headers = vec![("content-type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("authorization", a.as_str()));
        }
        self.send("POST", path, &headers, Some(body)).await
    }

    pub async fn admin(&self, method: &str, path: &str, body: Option<&str>) -> Answer {
        let auth = format!("Bearer {}", self.admin_key);
        let mut headers = vec![("authorization", auth.as_str())];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        self.send(method, path, &headers, body).await
    }

    pub fn mock(&self) -> std::sync::Arc<gateway::MockProvider> {
        self.running.mock().unwrap()
    }
}

pub fn chat_body(text: &str) -> String {
    serde_json::json!({"model": "mock", "messages": [{"role": "user", "content": text}]})
        .to_string()
}

impl Gateway {
    /// Creates a key through the admin API; returns (plaintext, id).
    pub async fn create_key(&self, body: Value) -> (String, String) {
        let a = self
            .admin("POST", "/admin/keys", Some(&body.to_string()))
            .await;
        assert_eq!(a.status, 201, "{}", a.text());
        let v = a.json();
        (
            v["key"].as_str().unwrap().to_owned(),
            v["id"].as_str().unwrap().to_owned(),
        )
    }

    /// A key with every execute scope.
    pub async fn key(&self) -> String {
        self.create_key(serde_json::json!({"scopes": ["execute:*"]}))
            .await
            .0
    }
}

/// The service URL in `var` (`RAMPART_REDIS_URL`, `RAMPART_POSTGRES_URL`), or `None` after
/// printing that the test is skipped (CI sets both, so there it always runs).
pub fn service_url(var: &str) -> Option<String> {
    let url = std::env::var(var).ok();
    if url.is_none() {
        println!("skipped: {var} not set");
    }
    url
}

/// A random hex suffix that keeps one run's Redis keys or PostgreSQL schema apart.
pub fn suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    hex::encode(bytes)
}

/// Deletes the Redis keys matching `pattern` (a test's clean-up).
pub fn drop_redis_keys(conn: &mut redis::Connection, pattern: &str) {
    let keys: Vec<String> = redis::cmd("KEYS").arg(pattern).query(conn).unwrap();
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL").arg(keys).query(conn).unwrap();
    }
}

/// The raw HTTP/1.1 head of a chat request with `key` and a JSON body of `len` bytes (for
/// tests that write to the socket themselves).
pub fn chat_head(key: &str, len: usize) -> String {
    format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer {key}\r\n\
         content-type: application/json\r\ncontent-length: {len}\r\n\r\n"
    )
}

/// Sends a chat request with `key` every `pace` until one is not 200 or `within` has passed
/// (a slow client holds the key's only slot once the gateway has admitted it); the last answer.
pub async fn first_refused(
    gw: &Gateway,
    key: &str,
    pace: std::time::Duration,
    within: std::time::Duration,
) -> Answer {
    let started = std::time::Instant::now();
    loop {
        tokio::time::sleep(pace).await;
        let a = gw
            .post("/v1/chat/completions", Some(key), &chat_body("hello"))
            .await;
        if a.status != 200 || started.elapsed() > within {
            return a;
        }
    }
}
