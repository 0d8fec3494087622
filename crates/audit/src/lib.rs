//! Peil audit log (being written).
