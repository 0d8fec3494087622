//! A loopback Jetstream that replays recorded frames, for the replay tests and `peil bench
//! --connector jetstream`. It listens on 127.0.0.1 only, honours `cursor` (serves the frames with
//! `time_us >= cursor`, as Jetstream does) and can inject faults on its first connection: a
//! malformed frame, a duplicated frame, two frames out of order, a disconnect mid-stream. Served
//! with a zstd dictionary ([`serve_jetstream_compressed`]), it answers a client that asks for
//! `compress=true` with binary zstd frames made with that dictionary, as Jetstream does (its
//! malformed frame is then binary garbage).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

/// Faults injected on the first connection (indexes into the frames served on it).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Send a frame that is not JSON before this frame.
    pub malformed_before: Option<usize>,
    /// Send this frame twice.
    pub duplicate: Option<usize>,
    /// Send this frame after the next one.
    pub swap_with_next: Option<usize>,
    /// Drop the connection (no close frame) after this many frames.
    pub disconnect_after: Option<usize>,
}

/// A running loopback Jetstream.
#[derive(Debug, Clone)]
pub struct JetstreamReplay {
    pub address: SocketAddr,
    /// The query string of every connection, in order (to check the resume cursor).
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl JetstreamReplay {
    /// The `ws://` endpoint of the replay.
    pub fn endpoint(&self) -> String {
        format!("ws://{}/subscribe", self.address)
    }

    /// The query strings received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .map(|requests| requests.clone())
            .unwrap_or_default()
    }
}

fn time_us_of(frame: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(frame)
        .ok()
        .and_then(|value| value.get("time_us").and_then(serde_json::Value::as_i64))
}

fn cursor_of(query: &str) -> Option<i64> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("cursor="))
        .and_then(|value| value.parse().ok())
}

/// Starts a loopback Jetstream serving `frames` (JSON text, one event each).
pub async fn serve_jetstream(
    frames: Vec<String>,
    faults: Faults,
) -> std::io::Result<JetstreamReplay> {
    serve(frames, faults, None).await
}

/// Like [`serve_jetstream`], and a client that asks for `compress=true` gets binary frames,
/// compressed with zstd and `dictionary` (trained or raw content).
pub async fn serve_jetstream_compressed(
    frames: Vec<String>,
    faults: Faults,
    dictionary: Vec<u8>,
) -> std::io::Result<JetstreamReplay> {
    // Fail here rather than on the connection when the dictionary is unusable.
    zstd::bulk::Compressor::with_dictionary(3, &dictionary)?;
    serve(frames, faults, Some(Arc::new(dictionary))).await
}

/// The frame as the client asked for it: text, or zstd with the dictionary.
fn message(frame: &str, compressor: Option<&mut zstd::bulk::Compressor<'static>>) -> Message {
    match compressor.map(|compressor| compressor.compress(frame.as_bytes())) {
        Some(Ok(bytes)) => Message::binary(bytes),
        // Not reached with a dictionary that was checked at the start; an empty binary frame
        // is then what the client sees (it counts it as unreadable).
        Some(Err(_)) => Message::binary(Vec::new()),
        None => Message::text(frame.to_string()),
    }
}

async fn serve(
    frames: Vec<String>,
    faults: Faults,
    dictionary: Option<Arc<Vec<u8>>>,
) -> std::io::Result<JetstreamReplay> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let frames: Arc<Vec<(Option<i64>, String)>> = Arc::new(
        frames
            .into_iter()
            .map(|frame| (time_us_of(&frame), frame))
            .collect(),
    );
    let requests = Arc::new(Mutex::new(Vec::new()));
    let replay = JetstreamReplay {
        address,
        requests: Arc::clone(&requests),
    };
    tokio::spawn(async move {
        let mut connection_number = 0usize;
        while let Ok((socket, _)) = listener.accept().await {
            connection_number += 1;
            let frames = Arc::clone(&frames);
            let requests = Arc::clone(&requests);
            let faults = if connection_number == 1 {
                faults.clone()
            } else {
                Faults::default()
            };
            let dictionary = dictionary.clone();
            tokio::spawn(async move {
                let query = Arc::new(Mutex::new(String::new()));
                let seen_query = Arc::clone(&query);
                // The signature is tungstenite's handshake callback.
                #[allow(clippy::result_large_err)]
                let callback = move |request: &Request, response: Response| {
                    if let Ok(mut slot) = seen_query.lock() {
                        *slot = request.uri().query().unwrap_or_default().to_string();
                    }
                    Ok(response)
                };
                let Ok(mut stream) = tokio_tungstenite::accept_hdr_async(socket, callback).await
                else {
                    return;
                };
                let query = query.lock().map(|query| query.clone()).unwrap_or_default();
                if let Ok(mut all) = requests.lock() {
                    all.push(query.clone());
                }
                let cursor = cursor_of(&query);
                let compress = query.split('&').any(|pair| pair == "compress=true");
                let mut compressor = match (&dictionary, compress) {
                    (Some(dictionary), true) => {
                        zstd::bulk::Compressor::with_dictionary(3, dictionary).ok()
                    }
                    _ => None,
                };
                let mut selected: Vec<&str> = frames
                    .iter()
                    .filter(|(time_us, _)| match (cursor, time_us) {
                        (Some(cursor), Some(time_us)) => *time_us >= cursor,
                        _ => true,
                    })
                    .map(|(_, frame)| frame.as_str())
                    .collect();
                if let Some(index) = faults.swap_with_next {
                    if index + 1 < selected.len() {
                        selected.swap(index, index + 1);
                    }
                }
                for (index, frame) in selected.iter().enumerate() {
                    if faults.disconnect_after == Some(index) {
                        // Drop the TCP connection without a close frame.
                        return;
                    }
                    if faults.malformed_before == Some(index) {
                        let malformed = if compressor.is_some() {
                            Message::binary(b"not a zstd frame".to_vec())
                        } else {
                            Message::text("{\"did\": \"did:plc:x\", \"kind\": ")
                        };
                        if stream.send(malformed).await.is_err() {
                            return;
                        }
                    }
                    let copies = if faults.duplicate == Some(index) {
                        2
                    } else {
                        1
                    };
                    for _ in 0..copies {
                        if stream
                            .send(message(frame, compressor.as_mut()))
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                }
                // Like a live Jetstream with nothing new: stay open until the client leaves.
                while let Some(Ok(message)) = stream.next().await {
                    if message.is_close() {
                        break;
                    }
                }
            });
        }
    });
    Ok(replay)
}

/// Makes `copies` copies of recorded Jetstream frames with fresh `time_us` (strictly increasing,
/// from `start_us`) and record keys (so that every post is new), for a benchmark.
pub fn multiply_frames(frames: &[String], copies: usize, start_us: i64) -> Vec<String> {
    let mut out = Vec::with_capacity(frames.len() * copies);
    let mut time_us = start_us;
    for copy in 0..copies {
        for frame in frames {
            let Ok(mut value) = serde_json::from_str::<serde_json::Value>(frame) else {
                continue;
            };
            time_us += 1;
            if let Some(object) = value.as_object_mut() {
                object.insert("time_us".to_string(), serde_json::Value::from(time_us));
            }
            if let Some(commit) = value.get_mut("commit").and_then(|c| c.as_object_mut()) {
                if let Some(rkey) = commit.get("rkey").and_then(|r| r.as_str()) {
                    let fresh = format!("{rkey}{copy}");
                    commit.insert("rkey".to_string(), serde_json::Value::from(fresh));
                }
            }
            out.push(value.to_string());
        }
    }
    out
}
