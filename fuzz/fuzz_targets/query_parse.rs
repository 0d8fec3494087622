//! Fuzzes the query parser: any input gives a query or a positioned error, never a panic, and a
//! parsed query prints to text that parses to the same query.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match peil_query::parse(input) {
        Ok(query) => {
            let printed = query.to_string();
            let reparsed = peil_query::parse(&printed);
            assert!(reparsed.is_ok(), "canonical form must re-parse");
        }
        Err(error) => {
            assert!(error.position <= input.chars().count() + 1);
        }
    }
});
