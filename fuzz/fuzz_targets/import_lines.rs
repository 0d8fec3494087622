//! Fuzzes every import format: arbitrary bytes never panic, and an error never quotes the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use peil_connectors::{read_records, ImportFormat};

fuzz_target!(|data: &[u8]| {
    for format in ImportFormat::ALL {
        let reader = std::io::Cursor::new(data.to_vec());
        for item in read_records(std::io::BufReader::new(reader), format).take(10_000) {
            if let Err(error) = item {
                let reason = error.reason.as_bytes();
                // A reason is built from fixed words: it cannot contain a long run of the input.
                if data.len() >= 24 && reason.len() >= 24 {
                    let needle = &data[..24];
                    assert!(!reason.windows(24).any(|window| window == needle));
                }
            }
        }
    }
});
