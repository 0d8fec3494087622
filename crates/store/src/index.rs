//! The tantivy full-text index of stored posts. SQLite is the source of truth; this index is
//! derived from it and reconciled with it on every open.
//!
//! A deleted document stays in its segment (only marked in a delete bitset) until the segment is
//! merged, so `purge_deleted_documents` merges every segment with deletions and removes the old
//! segment files: only then are the deleted posts' terms gone from the disk (DESIGN.md
//! invariant 7). This module must never keep a deleted post's bytes after a purge.

use std::collections::HashSet;
use std::path::Path;

use peil_query::{IndexSchema, IndexablePost};
use tantivy::collector::DocSetCollector;
use tantivy::directory::MmapDirectory;
use tantivy::merge_policy::{DefaultMergePolicy, NoMergePolicy};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::{create_private_dir, StoreError};

/// Memory budget of the index writer.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// What one purge of deleted documents did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexPurge {
    /// Segments with deleted documents that were merged (rewritten without them).
    pub segments_merged: u64,
    /// Files of old segments removed from the index folder.
    pub files_removed: u64,
}

pub struct PostIndex {
    index: Index,
    schema: IndexSchema,
    reader: IndexReader,
    writer: Option<IndexWriter>,
}

impl PostIndex {
    pub fn open(directory: &Path) -> Result<PostIndex, StoreError> {
        create_private_dir(directory)?;
        let schema = IndexSchema::new();
        let mmap = MmapDirectory::open(directory).map_err(|error| StoreError::Io {
            path: directory.to_path_buf(),
            source: std::io::Error::other(error.to_string()),
        })?;
        let index = Index::open_or_create(mmap, schema.schema.clone())?;
        peil_analysis::text::register_analyzers(index.tokenizers());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(PostIndex {
            index,
            schema,
            reader,
            writer: None,
        })
    }

    pub fn schema(&self) -> &IndexSchema {
        &self.schema
    }

    fn writer(&mut self) -> Result<&mut IndexWriter, StoreError> {
        if self.writer.is_none() {
            let writer = self.index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
            self.writer = Some(writer);
        }
        match self.writer.as_mut() {
            Some(writer) => Ok(writer),
            None => Err(StoreError::Corrupt("index writer vanished".into())),
        }
    }

    pub fn add(&mut self, post: &IndexablePost<'_>) -> Result<(), StoreError> {
        let document = self.schema.document(post);
        self.writer()?.add_document(document)?;
        Ok(())
    }

    pub fn delete(&mut self, post_id: u64) -> Result<(), StoreError> {
        let term = Term::from_field_u64(self.schema.post_id, post_id);
        self.writer()?.delete_term(term);
        Ok(())
    }

    /// Makes every added and deleted document durable. A failure is fatal for the caller: it is
    /// never retried here.
    pub fn commit(&mut self) -> Result<(), StoreError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Rewrites every segment that holds deleted documents without them and removes the old
    /// segment files, so deleted posts leave no bytes in the index folder. Idempotent: with no
    /// deleted documents it only collects leftover files.
    pub fn purge_deleted_documents(&mut self) -> Result<IndexPurge, StoreError> {
        self.commit()?;
        // Let background merges finish (their segments cannot be merged again meanwhile), then
        // start a fresh writer that merges only what we ask for.
        if let Some(previous_writer) = self.writer.take() {
            previous_writer.wait_merging_threads()?;
        }
        let segments_with_deletes: Vec<tantivy::index::SegmentId> = self
            .index
            .searchable_segment_metas()?
            .iter()
            .filter(|segment| segment.has_deletes())
            .map(|segment| segment.id())
            .collect();
        let writer = self.writer()?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let merged = if segments_with_deletes.is_empty() {
            Ok(None)
        } else {
            writer.merge(&segments_with_deletes).wait()
        };
        writer.set_merge_policy(Box::new(DefaultMergePolicy::default()));
        merged?;
        // Searchers still hold the old segments; reload so the collector may delete their files.
        self.reader.reload()?;
        let collected = self.writer()?.garbage_collect_files().wait()?;
        if !collected.failed_to_delete_files.is_empty() {
            return Err(StoreError::Io {
                path: std::path::PathBuf::from(crate::INDEX_DIR),
                source: std::io::Error::other(format!(
                    "{} obsolete index files could not be deleted",
                    collected.failed_to_delete_files.len()
                )),
            });
        }
        // Release the writer and its directory lock: another process sharing the data directory
        // (several `peil` processes over one control plane) may run the next purge.
        if let Some(writer) = self.writer.take() {
            writer.wait_merging_threads()?;
        }
        Ok(IndexPurge {
            segments_merged: segments_with_deletes.len() as u64,
            files_removed: collected.deleted_files.len() as u64,
        })
    }

    /// Every post id in the index.
    pub fn all_post_ids(&self) -> Result<HashSet<i64>, StoreError> {
        let searcher = self.reader.searcher();
        let mut post_ids = HashSet::new();
        for segment_reader in searcher.segment_readers() {
            let column = segment_reader.fast_fields().u64("post_id")?;
            let alive = segment_reader.alive_bitset();
            for document in 0..segment_reader.max_doc() {
                if alive.is_some_and(|bitset| !bitset.is_alive(document)) {
                    continue;
                }
                if let Some(post_id) = column.first(document) {
                    post_ids.insert(post_id as i64);
                }
            }
        }
        Ok(post_ids)
    }

    /// Post ids of `workspace_id` that match `query`.
    pub fn search(&self, workspace_id: i64, query: Box<dyn Query>) -> Result<Vec<i64>, StoreError> {
        let workspace_term = Term::from_field_u64(self.schema.workspace_id, workspace_id as u64);
        let scoped = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(workspace_term, IndexRecordOption::Basic)),
            ),
            (Occur::Must, query),
        ]);
        let searcher = self.reader.searcher();
        let addresses = searcher.search(&scoped, &DocSetCollector)?;
        let mut post_ids = Vec::with_capacity(addresses.len());
        let mut columns = Vec::new();
        for segment_reader in searcher.segment_readers() {
            columns.push(segment_reader.fast_fields().u64("post_id")?);
        }
        for address in addresses {
            let Some(column) = columns.get(address.segment_ord as usize) else {
                continue;
            };
            if let Some(post_id) = column.first(address.doc_id) {
                post_ids.push(post_id as i64);
            }
        }
        post_ids.sort_unstable();
        Ok(post_ids)
    }
}
