//! End-to-end tests of clients that stop reading, over real TCP: a streamed answer the client
//! does not take must not hold its concurrency slot (and connection) forever; the send
//! timeout closes the connection and frees the slot.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{chat_body, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// Reads one HTTP/1.1 request (head and `content-length` body) from `stream`.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < end + 4 + length {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        return Some(String::from_utf8_lossy(&buf[end + 4..]).into_owned());
    }
}

/// An OpenAI-compatible upstream whose streamed answers never end (as fast as they are
/// taken); plain answers are one short completion.
async fn endless_upstream() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                while let Some(body) = read_request(&mut stream).await {
                    if body.contains("\"stream\":true") {
                        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                                    connection: close\r\n\r\n";
                        if stream.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        let event = format!(
                            "data: {}\n\n",
                            serde_json::json!({"object": "chat.completion.chunk",
                                "choices": [{"index": 0, "delta": {"content": "tok ".repeat(1024)},
                                             "finish_reason": null}]})
                        );
                        while stream.write_all(event.as_bytes()).await.is_ok() {}
                        return;
                    }
                    let answer = serde_json::json!({"id": "c1", "object": "chat.completion",
                        "model": "endless", "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "short answer"}}]})
                    .to_string();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if stream.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// An OpenAI-compatible provider at `upstream` (plain HTTP, no credential).
fn openai_at(upstream: std::net::SocketAddr) -> gateway::config::ProviderConfig {
    gateway::config::ProviderConfig::Openai {
        base_url: format!("http://{upstream}/v1"),
        credential: None,
        ca_file: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_a_stream_loses_its_slot_after_the_send_timeout() {
    let upstream = endless_upstream().await;
    let gw = start(|c| {
        c.provider = openai_at(upstream);
        c.limits.concurrent_per_key = 1;
        c.send_timeout_secs = 1;
    })
    .await;
    let key = gw.key().await;
    // A streamed request from a client with a small receive buffer that never reads.
    let body = serde_json::json!({"model": "m", "stream": true,
        "messages": [{"role": "user", "content": "tell me everything"}]})
    .to_string();
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stalled = socket.connect(gw.running.addr).await.unwrap();
    let request = common::chat_head(&key, body.len()) + &body;
    stalled.write_all(request.as_bytes()).await.unwrap();
    // While its answer is pending, it holds the key's only slot.
    let started = Instant::now();
    let busy =
        common::first_refused(&gw, &key, Duration::from_millis(50), Duration::from_secs(2)).await;
    assert_eq!(
        (busy.status, busy.code().as_str()),
        (503, "CONCURRENCY_001"),
        "{}",
        busy.text()
    );
    // Once the socket buffers are full, the write blocks; a second later the connection is
    // closed and the slot is free again (without the send timeout it never is).
    let freed = loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let a = gw
            .post("/v1/chat/completions", Some(&key), &chat_body("hello"))
            .await;
        if a.status == 200 || started.elapsed() > Duration::from_secs(20) {
            break a;
        }
    };
    assert_eq!(freed.status, 200, "{}", freed.text());
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "freed after {:?}",
        started.elapsed()
    );
    drop(stalled);
    gw.running.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_an_endless_stream_after_the_grace() {
    let upstream = endless_upstream().await;
    let gw = start(|c| {
        c.provider = openai_at(upstream);
        c.shutdown_grace_secs = 1;
    })
    .await;
    let key = gw.key().await;
    let body = serde_json::json!({"model": "m", "stream": true,
        "messages": [{"role": "user", "content": "never stop"}]})
    .to_string();
    let mut client = TcpStream::connect(gw.running.addr).await.unwrap();
    let request = common::chat_head(&key, body.len()) + &body;
    client.write_all(request.as_bytes()).await.unwrap();
    // A reader that keeps taking the stream until the gateway closes it.
    let reader = tokio::spawn(async move {
        let mut received = 0usize;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match client.read(&mut buf).await {
                Ok(0) | Err(_) => return received,
                Ok(n) => received += n,
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), gw.running.shutdown())
        .await
        .expect("the shutdown waited for the endless stream")
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    let received = tokio::time::timeout(Duration::from_secs(5), reader)
        .await
        .expect("the stream's connection stayed open after the shutdown")
        .unwrap();
    assert!(received > 100_000, "only {received} bytes were streamed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_until_one_ends() {
    let gw = start(|c| {
        c.max_connections = 2;
        c.header_read_timeout_secs = 60;
    })
    .await;
    let addr = gw.running.addr;
    // Two idle connections take both slots.
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A third connects (the listen backlog) but is not served while both are open.
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: gateway\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    assert!(
        tokio::time::timeout(Duration::from_millis(700), third.read(&mut buf))
            .await
            .is_err(),
        "a connection beyond the cap was served"
    );
    // One ends: the third is accepted and answered.
    drop(first);
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), third.read_to_end(&mut answer))
        .await
        .expect("the waiting connection was not served after one ended")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
