//! End-to-end tests of the client timeouts over real TCP: a slow-loris client that sends its
//! request head, or its body, byte by byte more slowly than the timeout allows is cut off in
//! bounded time, and the concurrency slot a slow body held is free again afterwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use common::{chat_body, start};

/// How a raw connection ended, seen by a reader thread.
#[derive(Debug)]
struct Ended {
    /// Everything the server sent.
    received: Vec<u8>,
    /// When the server closed (EOF) or reset the connection, after the connection started.
    after: Duration,
}

/// Opens a raw connection, sends `head` at once, then `trickle` one byte every `pace` from a
/// writer thread (until the server closes the connection); a reader thread collects what the
/// server sends until it closes. Returns the reader's report (None if the server has not
/// closed within `wait`).
fn slow_client(
    addr: SocketAddr,
    head: &[u8],
    trickle: Vec<u8>,
    pace: Duration,
    wait: Duration,
) -> mpsc::Receiver<Ended> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    stream.write_all(head).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let closed = Arc::new(AtomicBool::new(false));
    let writer_closed = closed.clone();
    thread::spawn(move || {
        for byte in trickle {
            thread::sleep(pace);
            if writer_closed.load(Ordering::SeqCst) || writer.write_all(&[byte]).is_err() {
                return;
            }
        }
    });
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        stream.set_read_timeout(Some(wait)).unwrap();
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                // Read timeout: the server never closed; report nothing.
                Err(_) => return,
            }
        }
        closed.store(true, Ordering::SeqCst);
        let _ = tx.send(Ended {
            received,
            after: started.elapsed(),
        });
    });
    rx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_gets_408_and_frees_its_concurrency_slot() {
    let gw = start(|c| {
        c.body_read_timeout_secs = 2;
        c.limits.concurrent_per_key = 1;
    })
    .await;
    let key = gw.key().await;
    let body = chat_body("a prompt sent one byte at a time");
    let head = common::chat_head(&key, body.len());
    // 60+ bytes at 250 ms each would take 15 s: far beyond the 2 s body timeout.
    let ended = slow_client(
        gw.running.addr,
        head.as_bytes(),
        body.into_bytes(),
        Duration::from_millis(250),
        Duration::from_secs(10),
    );
    // While its body trickles in, the slow request holds the key's only slot (retried while
    // the gateway may not have admitted it yet, on a loaded machine).
    let busy = common::first_refused(
        &gw,
        &key,
        Duration::from_millis(100),
        Duration::from_millis(1500),
    )
    .await;
    assert_eq!(
        (busy.status, busy.code().as_str()),
        (503, "CONCURRENCY_001"),
        "{}",
        busy.text()
    );
    let ended = tokio::task::spawn_blocking(move || ended.recv_timeout(Duration::from_secs(10)))
        .await
        .unwrap()
        .expect("the server did not close the slow connection");
    let text = String::from_utf8_lossy(&ended.received);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("REQUEST_006"), "{text}");
    assert!(
        text.to_ascii_lowercase().contains("connection: close"),
        "{text}"
    );
    assert!(
        ended.after >= Duration::from_millis(1900) && ended.after < Duration::from_secs(6),
        "closed after {:?}",
        ended.after
    );
    // The slot is free again: the next request of the same key goes through.
    let ok = gw
        .post("/v1/chat/completions", Some(&key), &chat_body("hello"))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    gw.running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_request_head_is_disconnected() {
    let gw = start(|c| c.header_read_timeout_secs = 1).await;
    let key = gw.key().await;
    let rest = format!(
        "host: gateway\r\nauthorization: Bearer {key}\r\ncontent-type: application/json\r\n\
         content-length: 2\r\n\r\n{{}}"
    );
    // ~150 bytes at 100 ms each would take 15 s: far beyond the 1 s header timeout.
    let ended = slow_client(
        gw.running.addr,
        b"POST /v1/chat/completions HTTP/1.1\r\n",
        rest.into_bytes(),
        Duration::from_millis(100),
        Duration::from_secs(10),
    );
    // Other clients are served meanwhile.
    let ok = gw
        .post("/v1/chat/completions", Some(&key), &chat_body("hello"))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let ended = tokio::task::spawn_blocking(move || ended.recv_timeout(Duration::from_secs(10)))
        .await
        .unwrap()
        .expect("the server did not close the slow connection");
    assert!(
        ended.after >= Duration::from_millis(900) && ended.after < Duration::from_secs(5),
        "closed after {:?}",
        ended.after
    );
    // It was cut off without an answer: its request never reached a handler.
    assert!(
        ended.received.is_empty(),
        "{}",
        String::from_utf8_lossy(&ended.received)
    );
    assert!(gw.mock().received().len() == 1);
    gw.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn zero_timeouts_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = gateway::Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: dir.path().to_path_buf(),
        header_read_timeout_secs: 0,
        ..gateway::Config::default()
    };
    let err = gateway::start_with(config, &|_| None).await.unwrap_err();
    assert!(
        err.to_string().contains("header_read_timeout_secs"),
        "{err}"
    );
}
