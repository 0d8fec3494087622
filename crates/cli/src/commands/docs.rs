//! `peil docs dpia|register|algorithm-register|transparency --org ORG`: documents generated from
//! the live configuration, in Dutch (the transparency page also in English), as Markdown, HTML
//! or (transparency only) JSON.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use peil_service::{DocumentFormat, DocumentKind, DocumentLanguage};

use crate::{Context, OutputLanguage};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Dpia,
    Register,
    AlgorithmRegister,
    Transparency,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Markdown,
    Html,
    Json,
}

#[derive(Args, Debug)]
pub struct DocsArgs {
    kind: KindArg,
    #[arg(long)]
    org: String,
    #[arg(long, value_enum, default_value_t = FormatArg::Markdown)]
    format: FormatArg,
    /// Write to FILE instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(context: &Context, arguments: DocsArgs) -> Result<()> {
    let kind = match arguments.kind {
        KindArg::Dpia => DocumentKind::Dpia,
        KindArg::Register => DocumentKind::Register,
        KindArg::AlgorithmRegister => DocumentKind::AlgorithmRegister,
        KindArg::Transparency => DocumentKind::Transparency,
    };
    let format = match arguments.format {
        FormatArg::Markdown => DocumentFormat::Markdown,
        FormatArg::Html => DocumentFormat::Html,
        FormatArg::Json => DocumentFormat::Json,
    };
    let language = match context.language {
        OutputLanguage::Nl => DocumentLanguage::Nl,
        OutputLanguage::En => DocumentLanguage::En,
    };
    let (mut service, actor) = context.open_service()?;
    let document = service.generate_document(&actor, &arguments.org, kind, language, format)?;
    match arguments.out {
        Some(path) => std::fs::write(&path, document)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{document}"),
    }
    Ok(())
}
