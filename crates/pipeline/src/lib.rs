//! The ingest path of DESIGN.md, in one direction and without detours:
//!
//! ```text
//! connector record ─▶ de-identify ─▶ match monitors ─▶ analyse ─▶ store
//!                         │                 └─ no match: dropped, never stored
//!                         └─ author id ─▶ HMAC(workspace key of the period) = pseudonym
//! ```
//!
//! Raw posts live only inside `Pipeline::process`: they are never logged, never put into an error
//! and never stored. Only posts that match an active monitor of an active workspace are stored, and
//! only in that workspace.
//!
//! Before anything else, a post whose author objected to processing by an organisation (AVG art.
//! 21) is dropped for that organisation: it is not even de-identified there. The objections are
//! read when the pipeline is prepared.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use peil_analysis::sentiment::SentimentModel;
use peil_analysis::text::Analyzers;
use peil_connectors::{RawPost, Record};
use peil_deid::{author_pseudonym, organisation_engine, source_reference, Deidentifier};
use peil_model::{Language, Purpose, Workspace, WorkspaceStatus};
use peil_query::{MatchDoc, Query, QueryError};
use peil_store::{BatchOutcome, ObjectionMatcher, Store, StoreError, StoredPost};

/// Posts are written to the store in batches of this size.
pub const DEFAULT_BATCH_SIZE: usize = 2_000;

/// Where the pipeline writes posts when they do not go into the embedded store that holds the
/// keys (the data plane on PostgreSQL). The keys, monitors and objections are always read from
/// the embedded store (the control plane). An implementation must never log or keep the posts
/// beyond storing them.
pub trait PostSink {
    /// Stores a batch, deduplicated on (workspace, source reference), like `Store::insert_posts`.
    fn write_posts(&mut self, posts: &[StoredPost]) -> Result<BatchOutcome, PipelineError>;
    /// Deletes the post of `workspace_id` with `source_ref` (a deletion at the source).
    fn delete_at_source(
        &mut self,
        workspace_id: i64,
        source_ref: &[u8; 32],
    ) -> Result<bool, PipelineError>;
    /// Records source coverage per hour, like `Store::record_source_hours`.
    fn write_source_hours(
        &mut self,
        workspace_ids: &[i64],
        hours: &BTreeMap<(String, i64), u64>,
    ) -> Result<(), PipelineError>;
}

/// Errors that stop an ingest run. A malformed input line is not one of them: it is counted.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The data plane outside the embedded store (PostgreSQL) failed; its error carries no
    /// values of posts.
    #[error("the data plane failed: {0}")]
    DataPlane(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("monitor {monitor_id} of workspace `{workspace}` no longer parses: {error}")]
    Monitor {
        workspace: String,
        monitor_id: i64,
        error: QueryError,
    },
}

/// Counters of one ingest run.
/// `read = stored + duplicates + dropped + dropped_objection + rejected + skipped + deletes` holds
/// once the pipeline is flushed (a post stored in two workspaces counts once as stored).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Records read from the input, good or bad.
    pub read: u64,
    /// Posts stored in at least one workspace.
    pub stored: u64,
    /// Posts already stored earlier in every workspace they matched.
    pub duplicates: u64,
    /// Posts that matched no active monitor: dropped, never stored.
    pub dropped: u64,
    /// Posts stored nowhere because their author objected to processing by an organisation that
    /// would otherwise have looked at them (and no other organisation's monitor matched).
    pub dropped_objection: u64,
    /// Lines that could not be parsed.
    pub rejected: u64,
    /// Records that are not posts (likes, follows, reblogs …).
    pub skipped: u64,
    /// Deletions from the source that were applied.
    pub deletes: u64,
    /// Pieces of personal data redacted from stored and dropped posts.
    pub redactions: u64,
}

struct WorkspacePlan {
    workspace: Workspace,
    monitors: Vec<(i64, Query)>,
}

/// The active workspaces of one organisation and the de-identification engine with that
/// organisation's allow-list (office holders allowed by one organisation stay redacted for others).
struct OrganisationPlan {
    deidentifier: Deidentifier,
    /// Authors who objected to processing by this organisation.
    objections: ObjectionMatcher,
    workspaces: Vec<WorkspacePlan>,
}

/// One matched, analysed post waiting for the next batch write; `pending_outcomes` remembers which
/// input post it belongs to so the stats count posts, not workspace copies.
struct PendingPost {
    input_sequence: u64,
    post: StoredPost,
}

/// The ingest pipeline for every active workspace of a store.
pub struct Pipeline {
    organisations: Vec<OrganisationPlan>,
    analyzers: Analyzers,
    sentiment: SentimentModel,
    pending: Vec<PendingPost>,
    batch_size: usize,
    input_sequence: u64,
    stats: IngestStats,
    /// Records read per (source, hour start) since the last flush: the coverage that lets a
    /// report say in which hours a source delivered nothing. Counts only.
    source_hours: BTreeMap<(String, i64), u64>,
    /// Whether matched posts get sentiment and terms (off only for the benchmark's baseline).
    analysis: bool,
}

/// The key period (`YYYY-MM`, UTC) a publication time belongs to.
pub fn key_period(published_at: DateTime<Utc>) -> String {
    published_at.format("%Y-%m").to_string()
}

/// An own account (`@gemeenteutrecht`, `gemeenteutrecht@social.example`) in lower case, without
/// the leading `@`.
fn normalised_account(account: &str) -> String {
    account.trim().trim_start_matches('@').to_lowercase()
}

/// Whether `handle` (lower case, without the leading `@`) is one of `own` (normalised). A
/// Mastodon mention `@name@instance` also matches an own account given without its instance.
fn is_own_handle(handle: &str, own: &[String]) -> bool {
    let handle = handle.trim_end_matches(['.', '-']);
    if handle.is_empty() {
        return false;
    }
    own.iter().any(|account| {
        handle == account
            || (!account.contains('@')
                && handle
                    .split_once('@')
                    .is_some_and(|(local, _)| local == account))
    })
}

/// Whether a post is addressed to the organisation: it mentions one of the workspace's own
/// accounts (`@account` in its text) or replies to one. Decided in memory; nothing of it is kept
/// but the outcome.
fn is_addressed_to(raw: &RawPost, own_accounts: &[String]) -> bool {
    let own: Vec<String> = own_accounts
        .iter()
        .map(|account| normalised_account(account))
        .filter(|account| !account.is_empty())
        .collect();
    if own.is_empty() {
        return false;
    }
    let mentions = raw.text.match_indices('@').any(|(at, _)| {
        let before = raw.text[..at].chars().next_back();
        if before.is_some_and(|character| character.is_alphanumeric() || character == '@') {
            return false; // part of an e-mail address or of a longer mention
        }
        let handle: String = raw.text[at + 1..]
            .chars()
            .take_while(|character| {
                character.is_alphanumeric() || matches!(character, '_' | '.' | '-' | '@')
            })
            .collect::<String>()
            .to_lowercase();
        is_own_handle(&handle, &own)
    });
    if mentions {
        return true;
    }
    let Some(reply_to) = raw.reply_to_author_id.as_deref() else {
        return false;
    };
    let reply_to = reply_to.trim().to_lowercase();
    // An account id as a profile URL (`https://social.example/@gemeente`), a handle
    // (`@gemeente`, `gemeente@social.example`, `gemeente.bsky.social`) or a bare name.
    let last_segment = reply_to
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    is_own_handle(last_segment.trim_start_matches('@'), &own)
}

/// Whether `link` may serve as an answer link: an http(s) URL without spaces or control
/// characters and of reasonable length.
fn is_web_link(link: &str) -> bool {
    (link.starts_with("https://") || link.starts_with("http://"))
        && link.len() <= 2_048
        && !link
            .chars()
            .any(|character| character.is_whitespace() || character.is_control())
}

/// The post's URI at the source as a link that opens it there: the source's URL, a source id
/// that is one, or a Bluesky `at://` post URI as its bsky.app address. `None` when the source
/// gives nothing that opens the post.
fn answer_link(raw: &RawPost) -> Option<String> {
    if let Some(url) = raw.url.as_deref().filter(|url| is_web_link(url)) {
        return Some(url.to_string());
    }
    if is_web_link(&raw.source_id) {
        return Some(raw.source_id.clone());
    }
    let rest = raw.source_id.strip_prefix("at://")?;
    let mut parts = rest.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(repository), Some("app.bsky.feed.post"), Some(record), None)
            if !repository.is_empty() && !record.is_empty() =>
        {
            let link = format!("https://bsky.app/profile/{repository}/post/{record}");
            is_web_link(&link).then_some(link)
        }
        _ => None,
    }
}

impl Pipeline {
    /// Prepares the pipeline for every active workspace and its active monitors.
    pub fn for_active_workspaces(store: &Store) -> Result<Pipeline, PipelineError> {
        Pipeline::for_active_workspaces_of(store, None)
    }

    /// Prepares the pipeline for the active workspaces of one organisation (`Some`), or of every
    /// organisation (`None`).
    pub fn for_active_workspaces_of(
        store: &Store,
        organisation_id: Option<i64>,
    ) -> Result<Pipeline, PipelineError> {
        let mut by_organisation: BTreeMap<i64, Vec<WorkspacePlan>> = BTreeMap::new();
        for (_, workspace) in store.workspaces()? {
            if workspace.status != WorkspaceStatus::Active {
                continue;
            }
            if organisation_id.is_some_and(|only| only != workspace.organisation_id) {
                continue;
            }
            let mut monitors = Vec::new();
            for monitor in store.monitors(workspace.id)? {
                if !monitor.active {
                    continue;
                }
                let query =
                    peil_query::parse(&monitor.query).map_err(|error| PipelineError::Monitor {
                        workspace: workspace.name.clone(),
                        monitor_id: monitor.id,
                        error,
                    })?;
                monitors.push((monitor.id, query));
            }
            by_organisation
                .entry(workspace.organisation_id)
                .or_default()
                .push(WorkspacePlan {
                    workspace,
                    monitors,
                });
        }
        let mut organisations = Vec::with_capacity(by_organisation.len());
        for (organisation_id, workspaces) in by_organisation {
            let entries = store.allow_entries(organisation_id)?;
            let own_accounts: BTreeSet<&str> = workspaces
                .iter()
                .flat_map(|plan| plan.workspace.own_accounts.iter().map(String::as_str))
                .collect();
            organisations.push(OrganisationPlan {
                deidentifier: organisation_engine(own_accounts, &entries),
                objections: store.objection_matcher(organisation_id)?,
                workspaces,
            });
        }
        Ok(Pipeline {
            organisations,
            analyzers: Analyzers::default(),
            sentiment: SentimentModel::embedded(),
            pending: Vec::new(),
            batch_size: DEFAULT_BATCH_SIZE,
            input_sequence: 0,
            stats: IngestStats::default(),
            source_hours: BTreeMap::new(),
            analysis: true,
        })
    }

    /// Sets how many posts are written per batch (at least 1).
    /// Switches sentiment and term extraction off (`false`) for the benchmark's baseline, which
    /// measures what analysis adds to ingest time. Language detection stays: matching needs it.
    pub fn with_analysis(mut self, analysis: bool) -> Pipeline {
        self.analysis = analysis;
        self
    }

    pub fn with_batch_size(mut self, batch_size: usize) -> Pipeline {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Number of active workspaces with at least one monitor.
    pub fn monitored_workspaces(&self) -> usize {
        self.organisations
            .iter()
            .flat_map(|organisation| organisation.workspaces.iter())
            .filter(|plan| !plan.monitors.is_empty())
            .count()
    }

    pub fn stats(&self) -> IngestStats {
        self.stats
    }

    /// Counts an input line that could not be parsed.
    pub fn reject(&mut self) {
        self.stats.read += 1;
        self.stats.rejected += 1;
    }

    /// Runs one connector record through the pipeline.
    pub fn process(&mut self, store: &mut Store, record: Record) -> Result<(), PipelineError> {
        self.process_into(store, None, record)
    }

    /// Runs one connector record through the pipeline, with the keys from `store` and the posts
    /// written to `data_plane` (`None`: into `store` itself, the embedded data plane).
    pub fn process_into(
        &mut self,
        store: &mut Store,
        mut data_plane: Option<&mut (dyn PostSink + '_)>,
        record: Record,
    ) -> Result<(), PipelineError> {
        self.stats.read += 1;
        match record {
            Record::Post(raw) => self.process_post(store, data_plane, raw),
            Record::Delete { source, source_id } => {
                self.flush_into(store, data_plane.as_deref_mut())?;
                let mut deleted_any = false;
                let workspace_plans = self
                    .organisations
                    .iter()
                    .flat_map(|organisation| organisation.workspaces.iter());
                for plan in workspace_plans {
                    let reference_key = store.keys().reference_key(plan.workspace.id)?;
                    let reference = source_reference(&reference_key, &source, &source_id);
                    deleted_any |= match data_plane.as_deref_mut() {
                        Some(sink) => sink.delete_at_source(plan.workspace.id, &reference)?,
                        None => store.delete_post_by_reference(plan.workspace.id, &reference)?,
                    };
                }
                if deleted_any {
                    self.stats.deletes += 1;
                } else {
                    self.stats.skipped += 1;
                }
                Ok(())
            }
            Record::Skip { .. } => {
                self.stats.skipped += 1;
                Ok(())
            }
        }
    }

    fn process_post(
        &mut self,
        store: &mut Store,
        data_plane: Option<&mut (dyn PostSink + '_)>,
        raw: RawPost,
    ) -> Result<(), PipelineError> {
        self.input_sequence += 1;
        let timestamp = raw.created_at.timestamp();
        let hour_start = timestamp - timestamp.rem_euclid(3_600);
        match self.source_hours.get_mut(&(raw.source.clone(), hour_start)) {
            Some(records) => *records += 1,
            None => {
                self.source_hours
                    .insert((raw.source.clone(), hour_start), 1);
            }
        }
        let mut matched_any = false;
        let mut objected_any = false;
        let mut most_redactions = 0;
        for organisation_index in 0..self.organisations.len() {
            let objected = self
                .organisations
                .get(organisation_index)
                .is_some_and(|organisation| {
                    organisation
                        .objections
                        .is_objected(&raw.source, &raw.author_id)
                });
            if objected {
                // Dropped for this organisation before de-identification.
                objected_any = true;
                continue;
            }
            let redactions = self.process_for_organisation(store, &raw, organisation_index)?;
            if let Some(count) = redactions {
                matched_any = true;
                most_redactions = most_redactions.max(count);
            }
        }
        self.stats.redactions += most_redactions as u64;
        if !matched_any && objected_any {
            self.stats.dropped_objection += 1;
            return Ok(());
        }
        if !matched_any {
            self.stats.dropped += 1;
            return Ok(());
        }
        if self.pending.len() >= self.batch_size {
            self.flush_into(store, data_plane)?;
        }
        Ok(())
    }

    /// De-identifies `raw` with the organisation's engine and queues it for every workspace of the
    /// organisation whose monitors match. Returns the number of redactions when it matched.
    fn process_for_organisation(
        &mut self,
        store: &mut Store,
        raw: &RawPost,
        organisation_index: usize,
    ) -> Result<Option<usize>, PipelineError> {
        let Some(organisation) = self.organisations.get(organisation_index) else {
            return Ok(None);
        };
        let redaction = organisation.deidentifier.redact(&raw.text);
        let text = redaction.text;
        let language = match raw.language.as_deref().map(Language::from_tag) {
            Some(tagged) if tagged != Language::Other => tagged,
            _ => peil_analysis::language::detect(&text),
        };
        let hashtags = peil_analysis::terms::hashtags(&text);
        let match_doc = MatchDoc::new(&mut self.analyzers, &text, language, &raw.source, &hashtags);
        let mut matches: Vec<(i64, Vec<i64>, Option<String>)> = Vec::new();
        for plan in &organisation.workspaces {
            if !plan.workspace.allows_source(&raw.source) {
                continue;
            }
            let matched_monitor_ids: Vec<i64> = plan
                .monitors
                .iter()
                .filter(|(_, query)| query.matches(&match_doc))
                .map(|(monitor_id, _)| *monitor_id)
                .collect();
            if !matched_monitor_ids.is_empty() {
                // Invariant 1's one exception: in a webcare workspace, a post addressed to one
                // of its own accounts keeps its URI, sealed (below), for answering it.
                let answer_link = if plan.workspace.purpose == Purpose::CommunicationWebcare
                    && is_addressed_to(raw, &plan.workspace.own_accounts)
                {
                    answer_link(raw)
                } else {
                    None
                };
                matches.push((plan.workspace.id, matched_monitor_ids, answer_link));
            }
        }
        if matches.is_empty() {
            return Ok(None);
        }
        let (sentiment, post_terms) = if self.analysis {
            (
                self.sentiment.score(&text, language),
                peil_analysis::terms::extract(&text, language),
            )
        } else {
            (
                peil_analysis::sentiment::Sentiment::NEUTRAL,
                peil_analysis::terms::PostTerms::default(),
            )
        };
        let period = key_period(raw.created_at);
        let copies = matches.len();
        let mut post_terms = Some(post_terms);
        for (copy, (workspace_id, matched_monitor_ids, answer_link)) in
            matches.into_iter().enumerate()
        {
            // The last workspace copy takes the terms, the others clone them.
            let terms_of_copy = if copy + 1 == copies {
                post_terms.take().unwrap_or_default()
            } else {
                post_terms.clone().unwrap_or_default()
            };
            let (period_label, period_key) = store.keys().period_key(workspace_id, &period)?;
            let reference_key = store.keys().reference_key(workspace_id)?;
            let source_ref = source_reference(&reference_key, &raw.source, &raw.source_id);
            let webcare_reference = match answer_link {
                Some(link) => Some(store.keys().seal_webcare_reference(
                    workspace_id,
                    &source_ref,
                    &link,
                )?),
                None => None,
            };
            self.pending.push(PendingPost {
                input_sequence: self.input_sequence,
                post: StoredPost {
                    id: 0,
                    workspace_id,
                    source: raw.source.clone(),
                    source_ref,
                    published_at: raw.created_at,
                    language,
                    deidentified_text: text.clone(),
                    author_pseudonym: author_pseudonym(&period_key, &raw.source, &raw.author_id),
                    key_period: period_label,
                    is_reply: raw.reply_to_author_id.is_some(),
                    is_repost: raw.is_repost,
                    sentiment: sentiment.label,
                    sentiment_score: sentiment.score,
                    terms: terms_of_copy.terms,
                    hashtags: terms_of_copy.hashtags,
                    bigrams: terms_of_copy.bigrams,
                    matched_monitor_ids,
                    webcare_reference,
                },
            });
        }
        Ok(Some(redaction.counts.total()))
    }

    /// Writes every pending post to the store.
    pub fn flush(&mut self, store: &mut Store) -> Result<(), PipelineError> {
        self.flush_into(store, None)
    }

    /// Writes every pending post to `data_plane` (`None`: into `store`).
    pub fn flush_into(
        &mut self,
        store: &mut Store,
        mut data_plane: Option<&mut (dyn PostSink + '_)>,
    ) -> Result<(), PipelineError> {
        self.flush_source_hours(store, data_plane.as_deref_mut())?;
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let (input_sequences, posts): (Vec<u64>, Vec<StoredPost>) = pending
            .into_iter()
            .map(|entry| (entry.input_sequence, entry.post))
            .unzip();
        let outcomes = match data_plane {
            Some(sink) => sink.write_posts(&posts)?,
            None => store.insert_posts(&posts)?,
        };
        // A post counts as stored when at least one workspace copy was new.
        let mut sequences_stored = BTreeSet::new();
        let mut sequences_seen = BTreeSet::new();
        for (input_sequence, was_stored) in input_sequences.iter().zip(outcomes.stored_flags.iter())
        {
            sequences_seen.insert(*input_sequence);
            if *was_stored {
                sequences_stored.insert(*input_sequence);
            }
        }
        self.stats.stored += sequences_stored.len() as u64;
        self.stats.duplicates += (sequences_seen.len() - sequences_stored.len()) as u64;
        Ok(())
    }
}

impl Pipeline {
    /// Writes the coverage counted since the last flush, for each workspace the sources it
    /// accepts.
    fn flush_source_hours(
        &mut self,
        store: &mut Store,
        mut data_plane: Option<&mut (dyn PostSink + '_)>,
    ) -> Result<(), PipelineError> {
        if self.source_hours.is_empty() {
            return Ok(());
        }
        let source_hours = std::mem::take(&mut self.source_hours);
        let workspaces = self
            .organisations
            .iter()
            .flat_map(|organisation| organisation.workspaces.iter())
            .map(|plan| &plan.workspace);
        for workspace in workspaces {
            let accepted: BTreeMap<(String, i64), u64> = source_hours
                .iter()
                .filter(|((source, _), _)| workspace.allows_source(source))
                .map(|(key, records)| (key.clone(), *records))
                .collect();
            match data_plane.as_deref_mut() {
                Some(sink) => sink.write_source_hours(&[workspace.id], &accepted)?,
                None => store.record_source_hours(&[workspace.id], &accepted)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use peil_model::{Purpose, WorkspaceDraft};

    const OBJECTOR: &str = "https://social.example/@anna";

    fn temporary_store() -> Result<(tempfile::TempDir, Store), PipelineError> {
        let directory = tempfile::tempdir().map_err(|source| StoreError::Io {
            path: "tmp".into(),
            source,
        })?;
        let store = Store::open(directory.path())?;
        Ok((directory, store))
    }

    /// An active workspace with the monitor `afval` in a new organisation; returns its ids.
    fn monitored_workspace(
        store: &mut Store,
        organisation_name: &str,
    ) -> Result<(i64, i64), PipelineError> {
        let organisation = store.create_organisation(organisation_name, "test", "tester")?;
        let draft = WorkspaceDraft {
            name: "afval".into(),
            purpose: Purpose::TrendPolicyAnalysis,
            purpose_text: "test".into(),
            legal_basis: "AVG 6(1)(e)".into(),
            lead: None,
            retention_days_posts: 30,
            retention_days_aggregates: 365,
            k: 5,
            allowed_sources: vec![],
            own_accounts: vec![],
            fg_contact: None,
            ends_at: None,
        };
        let workspace = store.create_workspace(organisation.id, &draft, "test", "tester")?;
        store.set_workspace_status(workspace.id, WorkspaceStatus::Approved, "test", "tester")?;
        store.set_workspace_status(workspace.id, WorkspaceStatus::Active, "test", "tester")?;
        store.add_monitor(workspace.id, "afval", "test", "tester")?;
        Ok((organisation.id, workspace.id))
    }

    /// An active workspace of `purpose` with own account `@gemeente` and the monitor `afval`.
    fn workspace_with_own_account(
        store: &mut Store,
        organisation_id: i64,
        name: &str,
        purpose: Purpose,
    ) -> Result<i64, PipelineError> {
        let draft = WorkspaceDraft {
            name: name.into(),
            purpose,
            purpose_text: "test".into(),
            legal_basis: "AVG 6(1)(e)".into(),
            lead: None,
            retention_days_posts: 7,
            retention_days_aggregates: 30,
            k: 5,
            allowed_sources: vec![],
            own_accounts: vec!["@gemeente".into()],
            fg_contact: None,
            ends_at: None,
        };
        let workspace = store.create_workspace(organisation_id, &draft, "test", "tester")?;
        store.set_workspace_status(workspace.id, WorkspaceStatus::Approved, "test", "tester")?;
        store.set_workspace_status(workspace.id, WorkspaceStatus::Active, "test", "tester")?;
        store.add_monitor(workspace.id, "afval", "test", "tester")?;
        Ok(workspace.id)
    }

    #[test]
    fn only_posts_addressed_to_an_own_account_in_a_webcare_workspace_keep_a_sealed_link(
    ) -> Result<(), PipelineError> {
        let (_directory, mut store) = temporary_store()?;
        let organisation = store.create_organisation("Gemeente Webcare", "test", "tester")?;
        let webcare = workspace_with_own_account(
            &mut store,
            organisation.id,
            "webcare",
            Purpose::CommunicationWebcare,
        )?;
        let trend = workspace_with_own_account(
            &mut store,
            organisation.id,
            "trend",
            Purpose::TrendPolicyAnalysis,
        )?;
        let mut pipeline = Pipeline::for_active_workspaces(&store)?;
        // 1: mentions the own account; 2: a reply to it (profile URL as author id);
        // 3: not addressed; 4: mentions another account whose name starts the same;
        // 5: an e-mail address, not a mention.
        let mut mention = raw_post(
            1,
            "https://social.example/@bob",
            "@Gemeente het afval ligt er nog",
        );
        if let Record::Post(post) = &mut mention {
            post.url = Some("https://social.example/@bob/1".into());
        }
        let mut reply = raw_post(
            2,
            "https://social.example/@eva",
            "Wanneer komt de afval ophaaldienst?",
        );
        if let Record::Post(post) = &mut reply {
            post.reply_to_author_id = Some("https://social.example/@gemeente".into());
        }
        pipeline.process(&mut store, mention)?;
        pipeline.process(&mut store, reply)?;
        pipeline.process(
            &mut store,
            raw_post(3, "https://social.example/@bob", "Weer afval op straat"),
        )?;
        pipeline.process(
            &mut store,
            raw_post(4, "https://social.example/@bob", "@gemeentewerken afval"),
        )?;
        pipeline.process(
            &mut store,
            raw_post(
                5,
                "https://social.example/@bob",
                "afval? mail info@gemeente",
            ),
        )?;
        pipeline.flush(&mut store)?;
        assert_eq!(store.post_count(webcare)?, 5);
        assert_eq!(store.post_count(trend)?, 5);
        let inbox = store.webcare_messages(webcare, 10, 0)?;
        let mut links: Vec<String> = inbox
            .messages
            .iter()
            .map(|message| message.answer_link.clone())
            .collect();
        links.sort();
        assert_eq!(
            links,
            vec![
                "https://social.example/@bob/1".to_string(),
                "https://social.example/statuses/2".to_string(),
            ]
        );
        assert_eq!((inbox.total, inbox.open), (2, 2));
        assert_eq!(
            store.webcare_message_count(trend)?,
            0,
            "not a webcare workspace"
        );
        Ok(())
    }

    #[test]
    fn answer_links_come_from_the_url_the_source_id_or_a_bluesky_uri() {
        let mut post = match raw_post(1, "did:plc:abc", "x") {
            Record::Post(post) => post,
            _ => return,
        };
        assert_eq!(
            answer_link(&post).as_deref(),
            Some("https://social.example/statuses/1")
        );
        post.source_id = "at://did:plc:abc/app.bsky.feed.post/3k2".into();
        assert_eq!(
            answer_link(&post).as_deref(),
            Some("https://bsky.app/profile/did:plc:abc/post/3k2")
        );
        post.url = Some("javascript:alert(1)".into());
        post.source_id = "12345".into();
        assert_eq!(answer_link(&post), None);
    }

    fn raw_post(number: u32, author_id: &str, text: &str) -> Record {
        Record::Post(RawPost {
            source: "mastodon".into(),
            source_id: format!("https://social.example/statuses/{number}"),
            created_at: Utc
                .with_ymd_and_hms(2026, 10, 1, 12, 0, 0)
                .single()
                .unwrap_or_default(),
            text: text.into(),
            author_id: author_id.into(),
            language: Some("nl".into()),
            url: None,
            reply_to_author_id: None,
            is_repost: false,
        })
    }

    #[test]
    fn posts_of_objected_authors_are_dropped_before_anything_else() -> Result<(), PipelineError> {
        let (_directory, mut store) = temporary_store()?;
        let (organisation_id, workspace_id) = monitored_workspace(&mut store, "Gemeente Bezwaar")?;
        store.add_objection(organisation_id, "mastodon", &[OBJECTOR.to_string()])?;
        let mut pipeline = Pipeline::for_active_workspaces(&store)?;
        pipeline.process(&mut store, raw_post(1, OBJECTOR, "Weer afval op straat"))?;
        pipeline.process(
            &mut store,
            raw_post(2, "https://social.example/@bob", "Weer afval op straat"),
        )?;
        pipeline.process(
            &mut store,
            raw_post(3, "https://social.example/@bob", "Mooi weer vandaag"),
        )?;
        pipeline.flush(&mut store)?;
        let stats = pipeline.stats();
        assert_eq!(stats.read, 3);
        assert_eq!(stats.stored, 1);
        assert_eq!(stats.dropped, 1);
        assert_eq!(stats.dropped_objection, 1);
        assert_eq!(store.post_count(workspace_id)?, 1);
        let holdings = store.subject_post_counts("mastodon", &[OBJECTOR.to_string()])?;
        assert!(holdings.iter().all(|holding| holding.posts == 0));
        Ok(())
    }

    #[test]
    fn an_objection_in_one_organisation_does_not_stop_another() -> Result<(), PipelineError> {
        let (_directory, mut store) = temporary_store()?;
        let (objecting_organisation, objecting_workspace) =
            monitored_workspace(&mut store, "Gemeente Een")?;
        let (_, other_workspace) = monitored_workspace(&mut store, "Gemeente Twee")?;
        store.add_objection(objecting_organisation, "mastodon", &[OBJECTOR.to_string()])?;
        let mut pipeline = Pipeline::for_active_workspaces(&store)?;
        pipeline.process(&mut store, raw_post(1, OBJECTOR, "Weer afval op straat"))?;
        // On another platform the same id is another account.
        let mut other_platform = raw_post(2, OBJECTOR, "Weer afval op straat");
        if let Record::Post(post) = &mut other_platform {
            post.source = "bluesky".into();
        }
        pipeline.process(&mut store, other_platform)?;
        pipeline.flush(&mut store)?;
        let stats = pipeline.stats();
        assert_eq!((stats.stored, stats.dropped_objection), (2, 0));
        assert_eq!(
            store.post_count(objecting_workspace)?,
            1,
            "only the bluesky post"
        );
        assert_eq!(store.post_count(other_workspace)?, 2);
        Ok(())
    }
}
