//! A post's term ids packed into one column (`posts.term_ids`): the sorted, distinct ids of the
//! `terms` rows the post holds, as unsigned LEB128 varints of the gaps between them (the first
//! gap is from 0).
//!
//! One column per post instead of one `post_terms` row per term (about 25 per post): ingest
//! writes one B-tree entry per post, and a scan of a scope reads the terms with the post it
//! already reads. Term rows count their posts (`terms.posts`), so a deletion knows which terms
//! no post uses any more without an index from terms to posts.
//!
//! Decoding never panics: a damaged column is a [`MalformedTermList`] error, never a guess.

/// The packed column could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a post's packed term list is damaged at byte {offset}")]
pub struct MalformedTermList {
    pub offset: usize,
}

/// Packs `sorted_ids` (strictly increasing, positive) into `output`, which is cleared first.
pub fn encode_into(sorted_ids: &[i64], output: &mut Vec<u8>) {
    debug_assert!(sorted_ids.windows(2).all(|pair| pair[0] < pair[1]));
    debug_assert!(sorted_ids.first().is_none_or(|first| *first > 0));
    output.clear();
    let mut previous: u64 = 0;
    for id in sorted_ids {
        let value = *id as u64;
        let mut gap = value.wrapping_sub(previous);
        previous = value;
        loop {
            let low_bits = (gap & 0x7f) as u8;
            gap >>= 7;
            if gap == 0 {
                output.push(low_bits);
                break;
            }
            output.push(low_bits | 0x80);
        }
    }
}

/// Packs `sorted_ids` into a new buffer.
pub fn encode(sorted_ids: &[i64]) -> Vec<u8> {
    let mut output = Vec::with_capacity(sorted_ids.len() * 2);
    encode_into(sorted_ids, &mut output);
    output
}

/// Calls `visit` with every id of a packed list, in increasing order.
pub fn for_each_id(packed: &[u8], mut visit: impl FnMut(i64)) -> Result<(), MalformedTermList> {
    let mut previous: u64 = 0;
    let mut gap: u64 = 0;
    let mut shift: u32 = 0;
    for (offset, byte) in packed.iter().enumerate() {
        if shift > 63 || (shift == 63 && byte & 0x7e != 0) {
            return Err(MalformedTermList { offset });
        }
        gap |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 != 0 {
            shift += 7;
            continue;
        }
        let value = previous.wrapping_add(gap);
        // Ids are positive and strictly increasing: every gap is at least 1.
        if gap == 0 || value < previous || value > i64::MAX as u64 {
            return Err(MalformedTermList { offset });
        }
        visit(value as i64);
        previous = value;
        gap = 0;
        shift = 0;
    }
    if shift != 0 {
        return Err(MalformedTermList {
            offset: packed.len(),
        });
    }
    Ok(())
}

/// The ids of a packed list.
pub fn decode(packed: &[u8]) -> Result<Vec<i64>, MalformedTermList> {
    let mut ids = Vec::with_capacity(packed.len());
    for_each_id(packed, |id| ids.push(id))?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_and_large_ids_round_trip() {
        let ids = vec![1, 2, 127, 128, 300, 16_384, 1 << 40, i64::MAX];
        let packed = encode(&ids);
        assert_eq!(decode(&packed), Ok(ids));
        assert_eq!(encode(&[]), Vec::<u8>::new());
        assert_eq!(decode(&[]), Ok(Vec::new()));
    }

    #[test]
    fn a_truncated_or_overlong_list_is_an_error_not_a_panic() {
        assert_eq!(decode(&[0x80]), Err(MalformedTermList { offset: 1 }));
        assert!(decode(&[0xff; 11]).is_err());
        // A repeated id (gap 0 after the first) is not a valid list.
        assert!(decode(&[5, 0]).is_err());
        // Past i64::MAX.
        assert!(decode(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).is_err());
    }

    proptest! {
        #[test]
        fn any_sorted_set_round_trips(mut ids in proptest::collection::vec(1i64..i64::MAX, 0..64)) {
            ids.sort_unstable();
            ids.dedup();
            let packed = encode(&ids);
            prop_assert_eq!(decode(&packed), Ok(ids));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes);
        }
    }
}
