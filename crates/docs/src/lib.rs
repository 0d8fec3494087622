//! Peil generated documents (being written).
