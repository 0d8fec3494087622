use std::path::PathBuf;

/// Everything that can go wrong in the store. Messages never contain post text or ids of people.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("full-text index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the database refused PRAGMA secure_delete=ON; Peil will not run without real deletion"
    )]
    SecureDeleteUnavailable,
    #[error("the database is at schema version {found}, newer than this Peil ({supported}); upgrade Peil")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("{what} `{name}` does not exist")]
    NotFound { what: &'static str, name: String },
    #[error("{what} `{name}` already exists")]
    AlreadyExists { what: &'static str, name: String },
    #[error(
        "workspace name `{0}` exists in several organisations; name the organisation with --org"
    )]
    Ambiguous(String),
    #[error(transparent)]
    Model(#[from] peil_model::ModelError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("stored data is corrupt: {0}")]
    TermList(#[from] crate::term_list::MalformedTermList),
    #[error("could not generate a key: {0}")]
    Randomness(String),
}

impl StoreError {
    /// Whether this error means a write may not have reached the disk (an fsync or I/O failure):
    /// such errors are fatal and must never be retried, because after a failed fsync the kernel
    /// may have dropped the dirty pages and a retry would report success for lost data.
    pub fn is_durability_failure(&self) -> bool {
        match self {
            StoreError::Database(rusqlite::Error::SqliteFailure(failure, _)) => matches!(
                failure.code,
                rusqlite::ErrorCode::SystemIoFailure
                    | rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::CannotOpen
            ),
            StoreError::Index(tantivy::TantivyError::IoError(_)) => true,
            StoreError::Io { .. } => true,
            _ => false,
        }
    }
}
