//! HTTPS upstreams (feature `tls`): the gateway calls a provider over TLS, verifying its
//! certificate against the system roots plus `provider.ca_file`. The provider is the mock
//! served over TLS with a self-signed certificate made for this test.
#![cfg(feature = "tls")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::{chat_body, start};
use gateway::MockProvider;
use gateway::config::ProviderConfig;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// Serves `mock` over TLS on an ephemeral port; returns the port and the certificate's PEM.
async fn tls_mock(mock: Arc<MockProvider>) -> (u16, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let router = mock.router();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let service = TowerToHyperService::new(router.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: not an error here.
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (port, certified.cert.pem())
}

fn provider(port: u16, ca_file: Option<PathBuf>) -> ProviderConfig {
    ProviderConfig::Openai {
        base_url: format!("https://127.0.0.1:{port}/v1"),
        credential: None,
        ca_file,
    }
}

#[tokio::test]
async fn https_provider_with_a_private_ca() {
    let mock = MockProvider::new();
    let (port, pem) = tls_mock(mock.clone()).await;
    let ca_dir = tempfile::tempdir().unwrap();
    let ca = ca_dir.path().join("ca.pem");
    std::fs::write(&ca, pem).unwrap();

    // Trusted through provider.ca_file: the call goes over TLS, PII redacted as ever.
    let gw = start(|c| c.provider = provider(port, Some(ca.clone()))).await;
    let key = gw.key().await;
    let a = gw
        .post(
            "/v1/chat/completions",
            Some(&key),
            &chat_body("hello over TLS, I am ada@example.com"),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.json()["choices"][0]["message"]["content"],
        "You said: hello over TLS, I am ada@example.com"
    );
    let received = mock.received();
    assert_eq!(received.len(), 1);
    assert!(!received[0].body.to_string().contains("ada@example.com"));

    // Without the CA file the self-signed certificate is not trusted: no request arrives.
    let untrusted = start(|c| c.provider = provider(port, None)).await;
    let key = untrusted.key().await;
    let a = untrusted
        .post("/v1/chat/completions", Some(&key), &chat_body("hello"))
        .await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (502, "UPSTREAM_001"),
        "{}",
        a.text()
    );
    assert_eq!(mock.received().len(), 1, "nothing reached the provider");
}
