//! Records read per workspace, source and hour on PostgreSQL (`source_hours`, migration 3): the
//! data gaps of a report's representativeness block, as the embedded store's
//! `Store::record_source_hours`.
//!
//! Counts only: this module must never store or log a record, an author or a text.

use std::collections::BTreeMap;

use crate::{PostgresStore, PostgresStoreError};

impl PostgresStore {
    /// Adds records read per (source, hour start in Unix seconds) to the coverage of each of
    /// `workspace_ids` (every record a pipeline read for them, matched or not), in one
    /// transaction. Hour starts are whole hours.
    pub fn record_source_hours(
        &mut self,
        workspace_ids: &[i64],
        hours: &BTreeMap<(String, i64), u64>,
    ) -> Result<(), PostgresStoreError> {
        if workspace_ids.is_empty() || hours.is_empty() {
            return Ok(());
        }
        let mut sources: Vec<&str> = Vec::with_capacity(hours.len());
        let mut hour_starts: Vec<i64> = Vec::with_capacity(hours.len());
        let mut records: Vec<i64> = Vec::with_capacity(hours.len());
        for ((source, hour_start), read) in hours {
            debug_assert_eq!(hour_start.rem_euclid(3_600), 0);
            sources.push(source);
            hour_starts.push(*hour_start);
            records.push(i64::try_from(*read).unwrap_or(i64::MAX));
        }
        let mut sorted_workspaces: Vec<i64> = workspace_ids.to_vec();
        sorted_workspaces.sort_unstable();
        let mut transaction = self.client.transaction()?;
        // In key order (workspace, source, hour), so concurrent writers do not deadlock; a
        // workspace named twice counts twice, as in the embedded store.
        for workspace_id in &sorted_workspaces {
            transaction.execute(
                "INSERT INTO source_hours (workspace_id, source, hour_start, records_read)
                 SELECT $1, read.source, read.hour_start, read.records
                 FROM unnest($2::text[], $3::bigint[], $4::bigint[])
                     AS read (source, hour_start, records)
                 ON CONFLICT (workspace_id, source, hour_start)
                 DO UPDATE SET records_read = source_hours.records_read + excluded.records_read",
                &[workspace_id, &sources, &hour_starts, &records],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }
}
