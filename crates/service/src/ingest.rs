//! Import through the pipeline: de-identification, monitor matching, analysis, store.
//!
//! An admin imports for their own organisation's active workspaces; the local operator (who runs
//! the machine that holds the data) may feed every active workspace of the installation. Before
//! anything is read, workspaces whose end date has passed are closed, so nothing is stored after
//! an end date. This module must never print or return any content of the input: only counts and
//! the line numbers of bad lines.

use peil_connectors::{ParseError, Record};
use peil_pipeline::{IngestStats, Pipeline};

use crate::operation::Operation;
use crate::{Actor, Service, ServiceError};

/// Which workspaces an import may feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportScope {
    /// Every active workspace of the installation (the local operator only).
    Installation,
    /// The active workspaces of the organisation with this name.
    Organisation(String),
}

/// Progress reports during an import.
#[derive(Debug)]
pub enum ImportProgress<'a> {
    /// Records read so far.
    Read(u64),
    /// A line that could not be read (its number and a reason without content).
    Rejected(&'a ParseError),
}

impl Service {
    /// Imports `records` into the active workspaces `scope` allows, reporting progress.
    pub fn import(
        &mut self,
        actor: &Actor,
        scope: &ImportScope,
        batch_size: usize,
        records: impl Iterator<Item = Result<Record, ParseError>>,
        progress: &mut dyn FnMut(ImportProgress<'_>),
    ) -> Result<IngestStats, ServiceError> {
        let organisation_id = match scope {
            ImportScope::Installation => match actor {
                Actor::LocalOperator => None,
                Actor::User(user) => Some(user.organisation_id),
            },
            ImportScope::Organisation(name) => {
                Some(self.organisation_for(actor, Operation::Import, name)?.id)
            }
        };
        let object = match organisation_id {
            Some(id) => format!("organisation:{id}"),
            None => "installation".to_string(),
        };
        let analysis = self.analysis;
        self.perform_on_data(
            actor,
            Operation::Import,
            organisation_id,
            &object,
            |stores, _| {
                stores.control.close_ended_workspaces(chrono::Utc::now())?;
                stores.ingest(|store, mut data_plane| {
                    let mut pipeline = Pipeline::for_active_workspaces_of(store, organisation_id)?
                        .with_batch_size(batch_size)
                        .with_analysis(analysis);
                    for record in records {
                        match record {
                            Ok(record) => {
                                pipeline.process_into(store, data_plane.as_deref_mut(), record)?
                            }
                            Err(parse_error) => {
                                pipeline.reject();
                                progress(ImportProgress::Rejected(&parse_error));
                            }
                        }
                        let read = pipeline.stats().read;
                        if read.is_multiple_of(256) {
                            progress(ImportProgress::Read(read));
                        }
                    }
                    pipeline.flush_into(store, data_plane)?;
                    progress(ImportProgress::Read(pipeline.stats().read));
                    Ok(pipeline.stats())
                })
            },
            |_| None,
        )
    }

    /// How many active workspaces with monitors an import in `scope` would feed.
    pub fn monitored_workspaces(&mut self, scope: &ImportScope) -> Result<usize, ServiceError> {
        let organisation_id = match scope {
            ImportScope::Installation => None,
            ImportScope::Organisation(name) => Some(self.store.organisation(name)?.id),
        };
        Ok(
            Pipeline::for_active_workspaces_of(&self.store, organisation_id)?
                .monitored_workspaces(),
        )
    }
}
