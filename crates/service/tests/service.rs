//! The request path in one place: every operation goes through the role table and leaves exactly
//! one audit entry, refused queries leave no text, other organisations answer "not found", and no
//! crate but the service (and the ingest path) opens the store.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::Path;

use chrono::{Duration, Utc};
use peil_connectors::{read_records, ImportFormat};
use peil_model::{AllowKind, Purpose, Role, WorkspaceDraft, WorkspaceEdit, WorkspaceStatus};
use peil_service::{
    Actor, AuthPolicy, DataSubject, DocumentFormat, DocumentKind, DocumentLanguage, ErrorCode,
    ImportScope, Interval, LoginAttempt, Operation, QueryRequest, Service, ServiceError,
};

fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(directory) => directory,
        Err(error) => panic!("no temp dir: {error}"),
    }
}

fn ok<T>(result: Result<T, ServiceError>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("unexpected error: {error}"),
    }
}

fn draft(name: &str) -> WorkspaceDraft {
    WorkspaceDraft {
        name: name.to_string(),
        purpose: Purpose::TrendPolicyAnalysis,
        purpose_text: "reacties op afvalbeleid".to_string(),
        legal_basis: "AVG art. 6(1)(e)".to_string(),
        lead: None,
        retention_days_posts: 30,
        retention_days_aggregates: 365,
        k: 5,
        allowed_sources: Vec::new(),
        own_accounts: vec!["@gemeente".to_string()],
        fg_contact: Some("fg@gemeente.example".to_string()),
        ends_at: None,
    }
}

fn audit_count(service: &mut Service) -> usize {
    // Reading the log is itself audited (after the read), so each count adds one entry that the
    // next count sees.
    ok(service.audit_entries(&Actor::LocalOperator)).len()
}

fn jsonl(lines: usize, day_offset: i64) -> String {
    let mut text = String::new();
    for number in 0..lines {
        let at = (Utc::now() - Duration::days(day_offset) - Duration::minutes(number as i64))
            .to_rfc3339();
        text.push_str(
            &serde_json::json!({
                "id": format!("p{day_offset}-{number}"),
                "created_at": at,
                "text": format!("Het afval wordt weer niet opgehaald in wijk {}", number % 7),
                "author_id": format!("auteur-{}", number % 12),
                "lang": "nl",
            })
            .to_string(),
        );
        text.push('\n');
    }
    text
}

fn import(service: &mut Service, actor: &Actor, scope: &ImportScope, text: String) -> u64 {
    let records = read_records(Cursor::new(text.into_bytes()), ImportFormat::Jsonl);
    let stats = ok(service.import(actor, scope, 100, records, &mut |_| {}));
    stats.stored
}

/// Sets up an organisation with an admin, an analyst and an FG, and an active workspace.
fn setup(service: &mut Service) -> (Actor, Actor, Actor) {
    let operator = Actor::LocalOperator;
    ok(service.create_organisation(&operator, "Gemeente Een", "test"));
    ok(service.add_user(&operator, "Gemeente Een", "anna", Role::Admin, "beheer"));
    let admin = ok(service.actor(Some("anna")));
    ok(service.add_user(&admin, "Gemeente Een", "bas", Role::Analyst, "analist"));
    ok(service.add_user(&admin, "Gemeente Een", "fenna", Role::Fg, "FG"));
    let analyst = ok(service.actor(Some("bas")));
    let fg = ok(service.actor(Some("fenna")));
    ok(service.create_workspace(&admin, "Gemeente Een", &draft("afval"), "evaluatie"));
    ok(service.set_workspace_status(&fg, "afval", None, WorkspaceStatus::Approved, "FG akkoord"));
    ok(service.set_workspace_status(&admin, "afval", None, WorkspaceStatus::Active, "start"));
    ok(service.add_monitor(
        &analyst,
        "afval",
        None,
        "afval OR container*",
        "evaluatie afvalbeleid",
    ));
    (admin, analyst, fg)
}

#[test]
fn every_operation_leaves_exactly_one_audit_entry_whatever_its_outcome() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (admin, analyst, fg) = setup(&mut service);
    let scope = ImportScope::Organisation("Gemeente Een".to_string());
    let subject = DataSubject {
        platform: "import".to_string(),
        handles: Vec::new(),
        author_ids: vec!["auteur-3".to_string()],
    };
    let query = QueryRequest {
        workspace: "afval".to_string(),
        organisation: None,
        text: "afval".to_string(),
        from: None,
        to: None,
        interval: Interval::Day,
        top: 10,
    };
    let export_path = directory.path().join("witness.json");
    // Accounts: a password for the analyst and a session to log out of.
    let policy = AuthPolicy::default();
    ok(service.set_password(&admin, "bas", "een lang wachtwoord voor bas"));
    let session = match service.login(
        &LoginAttempt {
            name: "bas",
            password: "een lang wachtwoord voor bas",
            totp_code: None,
            origin: "test",
        },
        &policy,
    ) {
        Ok(session) => session,
        Err(error) => panic!("login failed: {error}"),
    };
    let workspace_id = ok(service.workspaces(&admin))
        .into_iter()
        .map(|summary| summary.workspace.id)
        .next()
        .unwrap_or_default();
    // Each step: (operation, whether it should succeed, the call). The log grows by exactly one
    // entry per call (plus one for the audited read that counts it).
    type Step<'a> = (Operation, bool, Box<dyn Fn(&mut Service) -> bool + 'a>);
    let steps: Vec<Step<'_>> = vec![
        (
            Operation::ManageCredentials,
            true,
            Box::new(|s| {
                s.set_password(&admin, "anna", "een lang wachtwoord")
                    .is_ok()
            }),
        ),
        (
            Operation::Login,
            false,
            Box::new(|s| {
                s.login(
                    &LoginAttempt {
                        name: "bas",
                        password: "fout wachtwoord!",
                        totp_code: None,
                        origin: "test",
                    },
                    &policy,
                )
                .is_ok()
            }),
        ),
        (
            Operation::Logout,
            true,
            Box::new(|s| s.logout(&session.token, "test").is_ok()),
        ),
        (
            Operation::IssueApiToken,
            true,
            Box::new(|s| {
                s.issue_api_token(&admin, workspace_id, Role::Analyst, &policy)
                    .is_ok()
            }),
        ),
        (
            Operation::ListUsers,
            true,
            Box::new(|s| s.users(&fg, "Gemeente Een").is_ok()),
        ),
        (
            Operation::ListWorkspaces,
            true,
            Box::new(|s| s.workspaces(&analyst).is_ok()),
        ),
        (
            Operation::ViewHistory,
            true,
            Box::new(|s| s.history(&fg).is_ok()),
        ),
        (
            Operation::ListMonitors,
            true,
            Box::new(|s| s.monitors(&analyst, "afval", None).is_ok()),
        ),
        (
            Operation::AddAllowEntry,
            true,
            Box::new(|s| {
                s.add_allow_entry(
                    &admin,
                    "Gemeente Een",
                    AllowKind::Handle,
                    "@afvalbedrijf",
                    "inzamelpartner van de gemeente",
                )
                .is_ok()
            }),
        ),
        (
            Operation::ListAllowEntries,
            true,
            Box::new(|s| s.allow_entries(&fg, "Gemeente Een").is_ok()),
        ),
        (
            Operation::Import,
            true,
            Box::new(|s| import(s, &admin, &scope, jsonl(60, 1)) == 60),
        ),
        (
            Operation::Query,
            true,
            Box::new(|s| s.query(&analyst, &query).is_ok()),
        ),
        (
            Operation::ListKeys,
            true,
            Box::new(|s| s.keys(&fg, "afval", None).is_ok()),
        ),
        (
            Operation::RotateKey,
            true,
            Box::new(|s| s.rotate_key(&admin, "afval", None, "rotatie").is_ok()),
        ),
        (
            Operation::DestroyExpiredKeys,
            true,
            Box::new(|s| {
                s.destroy_expired_keys(&admin, "afval", None, "bewaartermijn")
                    .is_ok()
            }),
        ),
        (
            Operation::SubjectLookup,
            true,
            Box::new(|s| s.subject_lookup(&fg, "Gemeente Een", &subject).is_ok()),
        ),
        (
            Operation::SubjectObject,
            true,
            Box::new(|s| {
                s.subject_object(&fg, "Gemeente Een", &subject, "bezwaar")
                    .is_ok()
            }),
        ),
        (
            Operation::SubjectErase,
            true,
            Box::new(|s| {
                s.subject_erase(&fg, "Gemeente Een", &subject, "verzoek")
                    .is_ok()
            }),
        ),
        (
            Operation::GenerateDocument,
            true,
            Box::new(|s| {
                s.generate_document(
                    &fg,
                    "Gemeente Een",
                    DocumentKind::Dpia,
                    DocumentLanguage::Nl,
                    DocumentFormat::Markdown,
                )
                .is_ok()
            }),
        ),
        (
            Operation::ExportAudit,
            true,
            Box::new(|s| s.export_audit(&fg, &export_path).is_ok()),
        ),
        (
            Operation::CheckStore,
            true,
            Box::new(|s| s.check_store(&Actor::LocalOperator).is_ok()),
        ),
        (
            Operation::ConfigureOidc,
            true,
            Box::new(|s| {
                s.configure_oidc(
                    &admin,
                    "Gemeente Een",
                    &peil_service::OidcSettings {
                        issuer: "https://idp.example",
                        client_id: "peil",
                        credential: peil_service::ClientCredential::Secret(b"geheim"),
                        redirect_uri: "https://peil.example/login/oidc/callback",
                        subject_claim: None,
                    },
                    "inloggen via de eigen organisatie",
                )
                .is_ok()
            }),
        ),
        (
            Operation::RunRetention,
            true,
            Box::new(|s| s.run_retention(&fg, Utc::now()).is_ok()),
        ),
        // Refusals are audited too.
        (
            Operation::Query,
            false,
            Box::new(|s| {
                let mut person = query.clone();
                person.text = "\"Marloes Jansen\"".to_string();
                s.query(&analyst, &person).is_ok()
            }),
        ),
        (
            Operation::ApproveWorkspace,
            false,
            Box::new(|s| {
                s.set_workspace_status(&admin, "afval", None, WorkspaceStatus::Approved, "zelf")
                    .is_ok()
            }),
        ),
        (
            Operation::AddUser,
            false,
            Box::new(|s| {
                s.add_user(&analyst, "Gemeente Een", "x", Role::Admin, "x")
                    .is_ok()
            }),
        ),
        (
            Operation::CreateWorkspace,
            false,
            Box::new(|s| {
                s.create_workspace(&fg, "Gemeente Een", &draft("fg"), "x")
                    .is_ok()
            }),
        ),
        (
            Operation::AddMonitor,
            false,
            Box::new(|s| {
                s.add_monitor(&analyst, "afval", None, "@jan_de_vries", "wie")
                    .is_ok()
            }),
        ),
        (
            Operation::CheckMonitor,
            true,
            Box::new(|s| {
                s.check_monitor(&analyst, "afval", None, "afval OR #gft")
                    .is_ok_and(|check| check.accepted)
            }),
        ),
        (
            // A refused verdict is an answer, audited as refused.
            Operation::CheckMonitor,
            false,
            Box::new(|s| {
                s.check_monitor(&analyst, "afval", None, "from:@jan OR afval")
                    .is_ok_and(|check| check.accepted)
            }),
        ),
        (
            Operation::CheckMonitor,
            false,
            Box::new(|s| s.check_monitor(&fg, "afval", None, "afval").is_ok()),
        ),
        (
            // Narrowing (a higher k): stays active, one entry.
            Operation::EditWorkspace,
            true,
            Box::new(|s| {
                let edit = WorkspaceEdit {
                    k: Some(6),
                    ..WorkspaceEdit::default()
                };
                s.edit_workspace(&admin, "afval", None, &edit, "strenger")
                    .is_ok_and(|edited| edited.status == WorkspaceStatus::Active)
            }),
        ),
        (
            Operation::CloseWorkspace,
            true,
            Box::new(|s| {
                s.set_workspace_status(&fg, "afval", None, WorkspaceStatus::Closed, "einde")
                    .is_ok()
            }),
        ),
        (
            Operation::RenewWorkspace,
            false,
            Box::new(|s| {
                s.renew_workspace(
                    &admin,
                    "afval",
                    None,
                    Utc::now() + Duration::days(5),
                    "x",
                    "x",
                )
                .is_ok()
            }),
        ),
        (
            // A closed workspace is not edited; the refusal is audited.
            Operation::EditWorkspace,
            false,
            Box::new(|s| {
                let edit = WorkspaceEdit {
                    fg_contact: Some("fg2@gemeente.example".to_string()),
                    ..WorkspaceEdit::default()
                };
                s.edit_workspace(&admin, "afval", None, &edit, "x").is_ok()
            }),
        ),
        (
            Operation::ActivateWorkspace,
            false,
            Box::new(|s| {
                s.set_workspace_status(&admin, "afval", None, WorkspaceStatus::Active, "x")
                    .is_ok()
            }),
        ),
        (
            Operation::CreateOrganisation,
            false,
            Box::new(|s| s.create_organisation(&admin, "Andere", "x").is_ok()),
        ),
        (
            Operation::Watch,
            true,
            Box::new(|s| {
                s.start_watch(&admin, &scope, "bluesky", "jetstream")
                    .is_ok()
            }),
        ),
        (
            // Counted over every organisation: a user (even the FG) is refused, and the refusal
            // is audited too (sealed tenants).
            Operation::ViewConnectors,
            false,
            Box::new(|s| s.connector_states(&fg).is_ok()),
        ),
        (
            // The health of the connectors that feed the FG's organisation: allowed, audited.
            Operation::ViewConnectorHealth,
            true,
            Box::new(|s| s.connector_health(&fg, &[]).is_ok()),
        ),
        (
            Operation::ViewConnectorHealth,
            false,
            Box::new(|s| s.connector_health(&analyst, &[]).is_ok()),
        ),
        // The webcare inbox is the webcare role's only: refusals of other roles are audited
        // (its successes: the webcare test below).
        (
            Operation::ViewWebcareInbox,
            false,
            Box::new(|s| s.view_webcare_inbox(&analyst, "afval", None, 1).is_ok()),
        ),
        (
            Operation::MarkWebcareMessage,
            false,
            Box::new(|s| {
                s.mark_webcare_message(
                    &admin,
                    "afval",
                    None,
                    1,
                    peil_service::WebcareStatus::Answered,
                    "beantwoord",
                )
                .is_ok()
            }),
        ),
    ];
    let mut exercised = BTreeSet::new();
    for (operation, should_succeed, step) in &steps {
        let before = audit_count(&mut service);
        let succeeded = step(&mut service);
        assert_eq!(succeeded, *should_succeed, "{}", operation.code());
        let after = audit_count(&mut service);
        assert_eq!(
            after,
            before + 2,
            "{} must leave exactly one entry",
            operation.code()
        );
        let entries = ok(service.audit_entries(&Actor::LocalOperator));
        // The last entries now: the step's, then the read of `after` (this read comes after).
        let Some(entry) = entries.iter().rev().nth(1) else {
            panic!("no entry for {}", operation.code());
        };
        assert!(
            entry.entry.object.starts_with(operation.code()),
            "{}: {}",
            operation.code(),
            entry.entry.object
        );
        let expected_result = if *should_succeed {
            "succeeded"
        } else {
            "refused"
        };
        assert_eq!(
            entry.entry.result.code(),
            expected_result,
            "{}",
            operation.code()
        );
        exercised.insert(operation.code());
    }
    // The verification and the audit read are exercised by the counting itself.
    let report = ok(peil_service::verify_audit(directory.path(), None, None));
    assert!(report.is_valid(), "{report}");
    ok(service.record_audit_verification(&fg, &report));
    exercised.insert(Operation::VerifyAudit.code());
    exercised.insert(Operation::ViewAudit.code());
    exercised.insert(Operation::CreateOrganisation.code());
    // Only with a PostgreSQL data plane: its one entry per binding or refusal is checked in
    // crates/cli/tests/cli.rs
    // (`a_postgres_database_belongs_to_one_data_directory_and_a_demo_never_clears_a_real_one`).
    exercised.insert(Operation::BindDataPlane.code());
    for operation in Operation::ALL {
        assert!(
            exercised.contains(operation.code()),
            "operation {} is not exercised by this test",
            operation.code()
        );
    }
}

#[test]
fn the_monitor_check_saves_nothing_and_audits_its_verdict_without_the_query_text() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (admin, analyst, _) = setup(&mut service);
    let before = ok(service.monitors(&analyst, "afval", None)).len();
    let refused =
        ok(service.check_monitor(&analyst, "afval", None, "from:@kanarie_piet77 OR afval"));
    assert!(!refused.accepted);
    let codes: Vec<&str> = refused.reasons.iter().map(|reason| reason.code).collect();
    assert_eq!(codes, vec!["person_operator"]);
    assert!(refused.reasons[0]
        .message_nl
        .contains("Peil zoekt niet naar personen"));
    assert!(refused.reasons[0]
        .message_en
        .contains("Peil does not search for persons"));
    let named =
        ok(service.check_monitor(&admin, "afval", None, "\"Gijsbertha Kanariepiet\" afval"));
    assert_eq!(
        named.reasons.first().map(|reason| reason.code),
        Some("person_name")
    );
    // The same explanation as the submit path.
    let Err(ServiceError::QueryRefused { dutch, english }) = service.add_monitor(
        &analyst,
        "afval",
        None,
        "\"Gijsbertha Kanariepiet\" afval",
        "waarom",
    ) else {
        panic!("the submit path must refuse a name");
    };
    assert_eq!(named.reasons[0].message_nl, dutch);
    assert_eq!(named.reasons[0].message_en, english);
    let accepted = ok(service.check_monitor(&analyst, "afval", None, "zwerfvuil OR #gft"));
    assert!(accepted.accepted && accepted.reasons.is_empty());
    assert_eq!(ok(service.monitors(&analyst, "afval", None)).len(), before);

    let log =
        std::fs::read_to_string(directory.path().join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(log.contains("refused: person_operator"), "{log}");
    assert!(log.contains("refused: person_name"), "{log}");
    assert!(log.contains("check_monitor"), "{log}");
    for secret in ["kanarie_piet", "Kanariepiet", "Gijsbertha", "zwerfvuil"] {
        assert!(!log.contains(secret), "{secret} in the audit log");
    }
    // Another organisation's workspace is not found (and the refusal is audited).
    ok(service.create_organisation(&Actor::LocalOperator, "Gemeente Twee", "test"));
    ok(service.add_user(
        &Actor::LocalOperator,
        "Gemeente Twee",
        "otto",
        Role::Analyst,
        "x",
    ));
    let outsider = ok(service.actor(Some("otto")));
    let Err(error) = service.check_monitor(&outsider, "afval", None, "afval") else {
        panic!("another organisation's workspace must not be found");
    };
    assert_eq!(error.code(), ErrorCode::NotFound);
}

#[test]
fn a_refused_query_leaves_its_kind_of_refusal_but_never_its_text_in_the_audit_log() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (_, analyst, _) = setup(&mut service);
    let refused = service.query(
        &analyst,
        &QueryRequest {
            workspace: "afval".to_string(),
            organisation: None,
            text: "\"Gijsbertha Kanariepiet\" OR @kanarie_piet77".to_string(),
            from: None,
            to: None,
            interval: Interval::Day,
            top: 10,
        },
    );
    let Err(error) = refused else {
        panic!("a query on a person must be refused");
    };
    assert_eq!(error.code(), ErrorCode::QueryRefused);
    let log =
        std::fs::read_to_string(directory.path().join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(log.contains("\"refused\""));
    assert!(
        !log.contains("Kanariepiet") && !log.contains("kanarie_piet"),
        "{log}"
    );
    // An allowed query's text is kept, for accountability.
    let allowed = service.query(
        &analyst,
        &QueryRequest {
            workspace: "afval".to_string(),
            organisation: None,
            text: "container* AND wijk".to_string(),
            from: None,
            to: None,
            interval: Interval::Day,
            top: 10,
        },
    );
    assert!(allowed.is_ok());
    let log =
        std::fs::read_to_string(directory.path().join("audit/audit-log.jsonl")).unwrap_or_default();
    assert!(log.contains("container* AND wijk"));
}

#[test]
fn users_of_another_organisation_get_not_found_and_the_attempt_is_audited() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    setup(&mut service);
    let operator = Actor::LocalOperator;
    ok(service.create_organisation(&operator, "Gemeente Twee", "test"));
    ok(service.add_user(&operator, "Gemeente Twee", "zoe", Role::Fg, "FG"));
    let outsider = ok(service.actor(Some("zoe")));
    let before = audit_count(&mut service);
    let query = QueryRequest {
        workspace: "afval".to_string(),
        organisation: Some("Gemeente Een".to_string()),
        text: String::new(),
        from: None,
        to: None,
        interval: Interval::Day,
        top: 10,
    };
    for result in [
        service.query(&outsider, &query).map(|_| ()),
        service.monitors(&outsider, "afval", None).map(|_| ()),
        service.users(&outsider, "Gemeente Een").map(|_| ()),
        service
            .subject_lookup(
                &outsider,
                "Gemeente Een",
                &DataSubject {
                    platform: "import".to_string(),
                    handles: vec!["x".to_string()],
                    author_ids: Vec::new(),
                },
            )
            .map(|_| ()),
    ] {
        let Err(error) = result else {
            panic!("another organisation's data must not be reachable");
        };
        assert_eq!(error.code(), ErrorCode::NotFound, "{error}");
    }
    // The first count's own read, then one entry per refused attempt.
    assert_eq!(audit_count(&mut service), before + 1 + 4);
    // The outsider's audit view shows nothing of the other organisation.
    let visible = ok(service.audit_entries(&outsider));
    assert!(visible
        .iter()
        .all(|entry| !entry.entry.object.contains("organisation:1 ")));
}

#[test]
fn only_the_service_and_the_ingest_path_depend_on_the_store() {
    // Every command and future API route must go through the service: no other crate may open
    // the store. The ingest path (pipeline) writes to it and policy reads its report types;
    // store-postgres is a store backend (it implements peil_store::PostBackend).
    let crates_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let allowed: BTreeSet<&str> =
        ["service", "pipeline", "policy", "store", "store-postgres"].into();
    let Ok(entries) = std::fs::read_dir(&crates_dir) else {
        panic!("cannot list {}", crates_dir.display());
    };
    let mut checked = 0;
    for entry in entries.flatten() {
        let manifest = entry.path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        checked += 1;
        let name = entry.file_name().to_string_lossy().to_string();
        // Only the runtime dependencies count (tests may build store types as fixtures).
        let mut section = String::new();
        let mut depends_on_store = false;
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with('[') {
                section = trimmed.to_string();
                continue;
            }
            if section == "[dependencies]" && trimmed.starts_with("peil-store") {
                depends_on_store = true;
            }
        }
        if depends_on_store {
            assert!(
                allowed.contains(name.as_str()),
                "crate `{name}` depends on peil-store; go through peil-service instead"
            );
        }
    }
    assert!(checked >= 8, "found only {checked} crates");
}

#[test]
fn connector_health_shows_a_user_only_what_says_nothing_about_another_organisation() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (admin, analyst, fg) = setup(&mut service);
    let operator = Actor::LocalOperator;
    ok(service.create_organisation(&operator, "Gemeente Twee", "test"));
    ok(service.add_user(&operator, "Gemeente Twee", "otto", Role::Admin, "beheer"));
    let other_admin = ok(service.actor(Some("otto")));
    // Three configured connectors (every organisation, Een's, Twee's) and one run by hand.
    // The local operator runs the configured ones, also for an organisation that has users.
    let configured = [
        ("alle", None),
        ("een", Some("Gemeente Een")),
        ("twee", Some("Gemeente Twee")),
    ]
    .map(|(name, organisation)| peil_service::ConfiguredConnector {
        name: name.to_string(),
        kind: "jetstream".to_string(),
        organisation: organisation.map(str::to_string),
    });
    for (connector, scope) in [
        ("alle", ImportScope::Installation),
        ("een", ImportScope::Organisation("Gemeente Een".to_string())),
        (
            "twee",
            ImportScope::Organisation("Gemeente Twee".to_string()),
        ),
        ("handmatig", ImportScope::Installation),
    ] {
        let (mut session, cursor) = ok(service.start_watch(&operator, &scope, connector, "rss"));
        assert_eq!(cursor, None);
        ok(service.watch_batch(
            &mut session,
            peil_service::WatchBatch {
                records: Vec::new(),
                errors: 2,
                cursor: Some("etag-1".to_string()),
                lag_ms: Some(40),
            },
        ));
        ok(service.finish_watch(&operator, session));
    }
    let entries = ok(service.audit_entries(&operator));
    assert!(entries
        .iter()
        .any(|entry| entry.entry.object.contains("connector:twee")
            && entry.entry.object.contains("feeds:organisation:")));

    let names = |rows: &[peil_service::ConnectorHealth]| -> Vec<String> {
        rows.iter().map(|row| row.name.clone()).collect()
    };
    for user in [&admin, &fg] {
        let rows = ok(service.connector_health(user, &configured));
        assert_eq!(names(&rows), ["alle", "een"], "never Twee's connector");
        assert!(
            rows.iter().all(|row| row.pipeline.is_none()),
            "no matched/dropped"
        );
        assert!(rows
            .iter()
            .all(|row| row.errors == 2 && row.lag_ms == Some(40)));
        let text =
            ok(serde_json::to_string(&rows).map_err(|e| ServiceError::InvalidInput(e.to_string())));
        assert!(
            !text.contains("matched") && !text.contains("etag-1"),
            "{text}"
        );
    }
    let other = ok(service.connector_health(&other_admin, &configured));
    assert_eq!(names(&other), ["alle", "twee"]);
    let everything = ok(service.connector_health(&operator, &configured));
    assert_eq!(names(&everything), ["alle", "een", "twee", "handmatig"]);
    assert!(everything.iter().all(|row| row.pipeline.is_some()));
    assert!(matches!(
        service.connector_health(&analyst, &configured),
        Err(ServiceError::Forbidden(_))
    ));
}

/// The URI of webcare test message `number`.
fn webcare_uri(number: usize) -> String {
    format!("https://social.example/@inwoner{number}/statuses/9{number:04}77")
}

fn webcare_jsonl() -> String {
    let mut text = String::new();
    for number in 0..6 {
        let at = (Utc::now() - Duration::minutes(number as i64)).to_rfc3339();
        // 0, 1: mention the own account; 2: replies to it; 3..: about waste, not addressed.
        let body = match number {
            0 | 1 => format!("@gemeente het afval in wijk {number} is niet opgehaald"),
            2 => "Wanneer wordt het afval opgehaald?".to_string(),
            _ => format!("Weer afval op straat in wijk {number}"),
        };
        let mut line = serde_json::json!({
            "id": format!("w{number}"),
            "created_at": at,
            "text": body,
            "author_id": format!("https://social.example/@inwoner{number}"),
            "lang": "nl",
            "url": webcare_uri(number),
        });
        if number == 2 {
            line["reply_to_author_id"] = serde_json::json!("https://social.example/@gemeente");
        }
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text
}

/// Every file under `directory` whose bytes contain `needle`.
fn files_containing(directory: &Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(directory) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path) {
            if bytes.windows(needle.len()).any(|window| window == needle) {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// Gemeente Een with a webcare user and an active webcare workspace `webcare` (own account
/// `@gemeente`, monitor `afval`) holding the messages of `webcare_jsonl`; returns the webcare user.
fn webcare_setup(service: &mut Service) -> (Actor, Actor, Actor, Actor) {
    let (admin, analyst, fg) = setup(service);
    ok(service.add_user(&admin, "Gemeente Een", "wim", Role::Webcare, "webcare"));
    let webcare = ok(service.actor(Some("wim")));
    let mut webcare_draft = draft("webcare");
    webcare_draft.purpose = Purpose::CommunicationWebcare;
    webcare_draft.retention_days_posts = 7;
    ok(service.create_workspace(&admin, "Gemeente Een", &webcare_draft, "webcare"));
    ok(service.set_workspace_status(&fg, "webcare", None, WorkspaceStatus::Approved, "akkoord"));
    ok(service.set_workspace_status(&admin, "webcare", None, WorkspaceStatus::Active, "start"));
    ok(service.add_monitor(&admin, "webcare", None, "afval", "vragen over afval"));
    let scope = ImportScope::Organisation("Gemeente Een".to_string());
    assert_eq!(import(service, &admin, &scope, webcare_jsonl()), 6);
    (admin, analyst, fg, webcare)
}

#[test]
fn the_webcare_inbox_shows_sealed_answer_links_only_to_the_webcare_role() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (admin, analyst, fg, webcare) = webcare_setup(&mut service);
    let inbox = ok(service.view_webcare_inbox(&webcare, "webcare", None, 1));
    assert_eq!(
        (inbox.total, inbox.open),
        (3, 3),
        "only the addressed posts"
    );
    let links: Vec<&str> = inbox
        .messages
        .iter()
        .map(|message| message.answer_link.as_str())
        .collect();
    // Newest first: message 0 was published last.
    assert_eq!(links, vec![webcare_uri(0), webcare_uri(1), webcare_uri(2)]);
    assert!(inbox
        .messages
        .iter()
        .all(|message| message.text.contains("afval")));
    assert!(
        inbox
            .messages
            .iter()
            .any(|message| message.text.contains("@gemeente")),
        "own accounts stay readable"
    );
    // Stored only sealed: the plain URI is in no file of the data directory.
    for number in 0..6 {
        let found = files_containing(directory.path(), webcare_uri(number).as_bytes());
        assert!(found.is_empty(), "plain URI {number} in {found:?}");
    }
    // No other role sees the inbox, and each refusal is audited.
    for actor in [&admin, &analyst, &fg] {
        let refused = service.view_webcare_inbox(actor, "webcare", None, 1);
        assert!(
            matches!(&refused, Err(error) if error.code() == ErrorCode::Forbidden),
            "{refused:?}"
        );
    }
    // A trend workspace has no inbox.
    assert!(service
        .view_webcare_inbox(&webcare, "afval", None, 1)
        .is_err());
    // Paging: page 2 is empty.
    assert!(ok(service.view_webcare_inbox(&webcare, "webcare", None, 2))
        .messages
        .is_empty());
}

#[test]
fn marking_a_webcare_message_keeps_the_why_note_in_the_audit_log() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (_, analyst, _, webcare) = webcare_setup(&mut service);
    let inbox = ok(service.view_webcare_inbox(&webcare, "webcare", None, 1));
    let Some(first) = inbox.messages.first() else {
        panic!("no message");
    };
    ok(service.mark_webcare_message(
        &webcare,
        "webcare",
        None,
        first.id,
        peil_service::WebcareStatus::Answered,
        "antwoord gestuurd met ophaaldatum",
    ));
    let after = ok(service.view_webcare_inbox(&webcare, "webcare", None, 1));
    assert_eq!(after.open, 2);
    assert!(after.messages.iter().any(|message| message.id == first.id
        && message.status == peil_service::WebcareStatus::Answered
        && message.handled_at.is_some()));
    let entries = ok(service.audit_entries(&Actor::LocalOperator));
    assert!(entries.iter().any(|entry| {
        entry.entry.object.starts_with("mark_webcare_message")
            && entry
                .entry
                .detail
                .as_deref()
                .is_some_and(|detail| detail.contains("antwoord gestuurd met ophaaldatum"))
    }));
    // No audit entry holds an answer link.
    for entry in &entries {
        let text = format!("{} {:?}", entry.entry.object, entry.entry.detail);
        assert!(!text.contains("social.example"), "{text}");
    }
    // Without a why note, with an unknown message, or by an analyst: refused.
    let mark = peil_service::WebcareStatus::Closed;
    assert!(service
        .mark_webcare_message(&webcare, "webcare", None, first.id, mark, " ")
        .is_err());
    let unknown = service.mark_webcare_message(&webcare, "webcare", None, 999_999, mark, "x");
    assert!(matches!(&unknown, Err(error) if error.code() == ErrorCode::NotFound));
    assert!(service
        .mark_webcare_message(&analyst, "webcare", None, first.id, mark, "x")
        .is_err());
}

#[test]
fn a_webcare_user_of_another_organisation_gets_not_found() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (_, _, _, webcare) = webcare_setup(&mut service);
    let operator = Actor::LocalOperator;
    ok(service.create_organisation(&operator, "Gemeente Twee", "test"));
    ok(service.add_user(&operator, "Gemeente Twee", "tom", Role::Webcare, "webcare"));
    let other = ok(service.actor(Some("tom")));
    let before = audit_count(&mut service);
    let seen = service.view_webcare_inbox(&other, "webcare", None, 1);
    assert!(
        matches!(&seen, Err(error) if error.code() == ErrorCode::NotFound),
        "{seen:?}"
    );
    let marked = service.mark_webcare_message(
        &other,
        "webcare",
        Some("Gemeente Een"),
        1,
        peil_service::WebcareStatus::Closed,
        "x",
    );
    assert!(
        matches!(&marked, Err(error) if error.code() == ErrorCode::NotFound),
        "{marked:?}"
    );
    assert_eq!(
        audit_count(&mut service),
        before + 3,
        "both attempts audited"
    );
    assert_eq!(
        ok(service.view_webcare_inbox(&webcare, "webcare", None, 1)).open,
        3
    );
}

#[test]
fn an_admin_edits_a_workspace_in_place_and_the_documents_follow_the_live_configuration() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (admin, analyst, fg) = setup(&mut service);
    let new_basis = "AVG art. 6 lid 1 sub e jo. art. 160 Gemeentewet (gewijzigd)";
    let edit = WorkspaceEdit {
        legal_basis: Some(new_basis.to_string()),
        retention_days_posts: Some(14),
        ..WorkspaceEdit::default()
    };
    // Only the admin edits; the FG and the analyst are refused.
    for other in [&analyst, &fg] {
        let refused = service.edit_workspace(other, "afval", None, &edit, "x");
        assert!(
            matches!(&refused, Err(error) if error.code() == ErrorCode::Forbidden),
            "{refused:?}"
        );
    }
    // Without a why note: refused.
    assert!(service
        .edit_workspace(&admin, "afval", None, &edit, "  ")
        .is_err());
    let edited = ok(service.edit_workspace(&admin, "afval", None, &edit, "nieuwe grondslag"));
    // Another legal basis is what the FG approved no longer: back to draft.
    assert_eq!(edited.status, WorkspaceStatus::Draft);
    assert_eq!(edited.retention_days_posts, 14);
    let history = ok(service.history(&fg));
    let Some(note) = history.last() else {
        panic!("no change note");
    };
    assert!(
        note.action.starts_with("edit: legal_basis"),
        "{}",
        note.action
    );
    assert!(note.action.contains("retention_days_posts 30 -> 14"));
    assert!(note
        .action
        .ends_with("(status active -> draft, awaiting FG approval)"));
    assert_eq!(note.why, "nieuwe grondslag");
    let entries = ok(service.audit_entries(&Actor::LocalOperator));
    assert!(entries.iter().any(|entry| {
        entry.entry.object.starts_with("edit_workspace")
            && entry.entry.detail.as_deref().is_some_and(|detail| {
                detail.contains("legal_basis, retention_days_posts")
                    && detail.contains("status active -> draft")
            })
    }));
    // A purpose never changes in place.
    let purpose = WorkspaceEdit {
        purpose: Some(Purpose::PublicOrderGeneralPicture),
        ..WorkspaceEdit::default()
    };
    let refused = service.edit_workspace(&admin, "afval", None, &purpose, "ander doel");
    assert!(
        matches!(&refused, Err(error) if error.code() == ErrorCode::RuleViolation),
        "{refused:?}"
    );
    // The generated register (live configuration) shows the new legal basis and retention.
    ok(service.set_workspace_status(&fg, "afval", None, WorkspaceStatus::Approved, "akkoord"));
    ok(service.set_workspace_status(&admin, "afval", None, WorkspaceStatus::Active, "start"));
    for kind in [DocumentKind::Register, DocumentKind::Transparency] {
        let document = ok(service.generate_document(
            &fg,
            "Gemeente Een",
            kind,
            DocumentLanguage::Nl,
            DocumentFormat::Markdown,
        ));
        assert!(document.contains(new_basis), "{kind:?}: {document}");
        assert!(document.contains("14"), "{kind:?}");
    }
}

#[test]
fn closing_a_webcare_workspace_empties_its_inbox_for_good() {
    let directory = temp_dir();
    let mut service = ok(Service::open(directory.path(), None, "test"));
    let (admin, _, _, webcare) = webcare_setup(&mut service);
    assert_eq!(
        ok(service.view_webcare_inbox(&webcare, "webcare", None, 1)).total,
        3
    );
    ok(service.set_workspace_status(&admin, "webcare", None, WorkspaceStatus::Closed, "einde"));
    let inbox = ok(service.view_webcare_inbox(&webcare, "webcare", None, 1));
    assert_eq!((inbox.total, inbox.messages.len()), (0, 0));
}
