//! The `medc` command line. Everything it does is in the library; this file
//! reads arguments and files, prints, and chooses the exit status:
//! 0 success (warnings allowed), 1 the program has errors, 2 usage or I/O.

mod allocator;

use clap::{Parser, Subcommand, ValueEnum};
use medc::batch;
use medc::diagnostics::render::{self, Failure, FileReport, Format};
use medc::diagnostics::{codes, Diagnostic, Severity};
use medc::source::{self, SourceFile};
use medc::stdlib::describe;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  medc check examples/medimg.medimg
  medc check --error-format short pipelines/*.medimg
  medc build examples/medimg.medimg -o medimg.template.json
  medc params examples/medimg.medimg --format overrides -o medimg.params
  medc bootstrap -o bootstrap.template.json
  medc explain MEDC-1001
  medc rules --format json";

#[derive(Parser)]
#[command(name = "medc", version, about = "Compiles .medimg pipelines into HIPAA-compliant AWS CloudFormation templates", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour human output (also accepted after the subcommand)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
}

#[derive(Subcommand)]
enum Command {
    /// Check a pipeline and write its CloudFormation template
    Build {
        /// The programs to compile: files, or directories of .medimg files;
        /// `-` reads standard input
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write: for one program the template's file (`-` for
        /// standard output), for several a directory, one template each
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Write the JSON on one line, without indentation (about half the bytes)
        #[arg(long)]
        compact: bool,
        #[command(flatten)]
        report: ReportOptions,
    },
    /// Write the parameters file of a pipeline's template: every parameter, its default, what it needs
    Params {
        /// The program; `-` reads standard input
        file: PathBuf,
        /// `json`: the list `--parameters file://` and `--parameter-overrides file://` read;
        /// `overrides`: commented KEY=VALUE lines for `--parameter-overrides`
        #[arg(long, value_enum, default_value_t = ParamsFormat::Json)]
        format: ParamsFormat,
        /// Where to write the file; standard output by default
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        report: ReportOptions,
    },
    /// Write the account bootstrap template: the API Gateway logging role, once per account and region
    Bootstrap {
        /// Where to write the template; standard output by default
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check pipelines and report every diagnostic, writing nothing
    Check {
        /// The programs to check: files, or directories of .medimg files;
        /// `-` reads standard input
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        report: ReportOptions,
    },
    /// Rewrite programs in the canonical layout, keeping every comment
    Fmt {
        /// The files to rewrite in place; `-` reads standard input and writes standard output
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write nothing: name the files that are not formatted, and exit 1 if there are any
        #[arg(long)]
        check: bool,
    },
    /// Explain a diagnostic code, a compliance rule or a setting
    Explain {
        /// A code such as MEDC-1001, or a setting such as `backup` or `database.backup`
        code: String,
    },
    /// List the compliance rules
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print the standard library: every component kind, its settings and their secure defaults
    Stdlib {
        /// Only this kind (`database`), as the standard library declares it
        kind: Option<String>,
        /// Only this setting of the kind (`backup`): type, default, constraints and rules
        setting: Option<String>,
    },
    /// Show what a program means: every setting with its provenance, the resources and permissions it becomes
    Show {
        /// The program to show; `-` reads standard input
        file: PathBuf,
        /// text, or json (the documented `medc-show/1` schema)
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        #[command(flatten)]
        report: ReportOptions,
    },
    /// Write the HIPAA Security Rule evidence report of a pipeline, for auditors
    Report {
        /// The program to report on; `-` reads standard input
        file: PathBuf,
        /// Where to write the report; standard output by default
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// html (one self-contained page), markdown, or json (`medc-report/1`)
        #[arg(long, value_enum, default_value_t = EvidenceFormat::Html)]
        format: EvidenceFormat,
        #[command(flatten)]
        report: ReportOptions,
    },
    /// Draw the pipeline: components by tier and subnet, data paths with their protocol and protection
    Graph {
        /// The program to draw; `-` reads standard input
        file: PathBuf,
        /// Where to write the picture; standard output by default
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// svg (laid out by medc), dot (Graphviz) or mermaid
        #[arg(long, value_enum, default_value_t = GraphFormat::Svg)]
        format: GraphFormat,
        #[command(flatten)]
        report: ReportOptions,
    },
    /// Write a starter pipeline that checks clean, with comments, to DIR/pipeline.medimg
    Init {
        /// The directory to write it in (created if missing); the current one by default
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a shell completion script for medc
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Run the language server on standard input and output (docs/editors.md)
    Lsp,
}

#[derive(clap::Args)]
struct ReportOptions {
    /// How to print diagnostics: human (graphical), short (file:line:col, for editors),
    /// json (medc's documented schema) or sarif (SARIF 2.1.0)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    error_format: Format,
    /// Treat warnings as errors (`-D warnings`), for CI: exit 1 when any is reported
    #[arg(short = 'D', long = "deny", value_enum)]
    deny: Option<Deny>,
    /// Set from the global `--color`.
    #[arg(skip = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

impl ReportOptions {
    /// Whether the diagnostics fail the run: errors always do, warnings
    /// under `--deny warnings`.
    fn fails(&self, diagnostics: &[Diagnostic]) -> bool {
        medc::diagnostics::has_errors(diagnostics)
            || (self.deny == Some(Deny::Warnings) && diagnostics.iter().any(|d| d.severity == Severity::Warning))
    }
}

#[derive(Clone, Copy, Default, ValueEnum)]
enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ParamsFormat {
    Json,
    Overrides,
}

#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum EvidenceFormat {
    Html,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Svg,
    Dot,
    Mermaid,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

/// mimalloc rather than glibc's malloc: a template is thousands of small
/// maps and strings, none freed before the process ends, and glibc takes
/// its slow path for each (about 150 instructions an allocation). Built
/// without transparent huge pages (`no_thp`), so that its arenas do not
/// double the peak memory of a small build; called through
/// [`allocator::MiMalloc`], which skips the aligned path when malloc's
/// own alignment suffices.
#[global_allocator]
static ALLOCATOR: allocator::MiMalloc = allocator::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, mut report } => {
            report.color = cli.color;
            check(&files, &report)
        }
        Command::Build { files, output, compact, mut report } => {
            report.color = cli.color;
            build(&files, output.as_deref(), compact, &report)
        }
        Command::Params { file, format, output, mut report } => {
            report.color = cli.color;
            params(&file, format, output.as_deref(), &report)
        }
        Command::Bootstrap { output } => {
            let text = medc::deploy::render(&medc::deploy::bootstrap::template(), false);
            write_output(output.as_deref().unwrap_or(Path::new("-")), &text)
        }
        Command::Fmt { files, check } => format(&files, check, cli.color),
        Command::Explain { code } => explain(&code),
        Command::Rules { format } => rules(format),
        Command::Stdlib { kind, setting } => stdlib(kind.as_deref(), setting.as_deref()),
        Command::Show { file, format, mut report } => {
            report.color = cli.color;
            show(&file, format, &report)
        }
        Command::Report { file, output, format, mut report } => {
            report.color = cli.color;
            evidence(&file, output.as_deref(), format, &report)
        }
        Command::Graph { file, output, format, mut report } => {
            report.color = cli.color;
            graph(&file, output.as_deref(), format, &report)
        }
        Command::Init { dir } => init(&dir),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "medc",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Lsp => match medc::lsp::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => usage_error(&message),
        },
    }
}

/// A file's name as diagnostics print it, and its contents.
fn read(path: &Path) -> Result<(String, Vec<u8>), String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(source::MAX_SOURCE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(("<stdin>".to_string(), bytes));
    }
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(format!("`{name}` is a directory, not a .medimg file"));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{name}`: {}", io_reason(&e)))?;
    let mut bytes = Vec::new();
    file.take(source::MAX_SOURCE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read `{name}`: {}", io_reason(&e)))?;
    Ok((name, bytes))
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// One file checked: its source and its diagnostics.
struct Outcome {
    file: SourceFile,
    diagnostics: Vec<Diagnostic>,
}

/// Checks one file. `last` says the process ends after reporting it: its
/// tree and checked program are then left to the operating system, since
/// freeing them piece by piece costs a tenth of checking a large program.
fn check_one(name: String, bytes: Vec<u8>, last: bool) -> Result<Outcome, String> {
    match source::decode(&name, bytes) {
        Err((file, diagnostic)) => Ok(Outcome { file, diagnostics: vec![diagnostic] }),
        Ok(file) => {
            let analysis = medc::analyze(&file);
            if let Some(error) = analysis.internal() {
                return Err(error.to_string());
            }
            let diagnostics = analysis.diagnostics().to_vec();
            if last {
                std::mem::forget(analysis);
            }
            Ok(Outcome { file, diagnostics })
        }
    }
}

fn check(paths: &[PathBuf], options: &ReportOptions) -> ExitCode {
    let programs = match batch::programs(paths) {
        Ok(programs) => programs,
        Err(message) => return usage_error(&message),
    };
    // One file is checked on this thread: starting a thread pool for it
    // would cost more than the check of a typical program.
    let checked: Vec<_> = if let [single] = programs.as_slice() {
        vec![read(single).and_then(|(name, bytes)| check_one(name, bytes, true))]
    } else {
        batch::map(&programs, |path| read(path).and_then(|(name, bytes)| check_one(name, bytes, false)))
    };
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    for (path, result) in programs.iter().zip(checked) {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(message) => failures.push(Failure { file: display_name(path), message }),
        }
    }
    // Machine formats go to standard output, so they can be redirected to a file.
    print_report(&outcomes, &failures, options, Stream::Stdout);
    if !failures.is_empty() {
        ExitCode::from(2)
    } else if outcomes.iter().any(|o| options.fails(&o.diagnostics)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// How a path is named in messages: as given, or `<stdin>` for `-`.
fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// What a command makes of a compiled program: the text to write, and
/// advice for people about it.
struct Produced {
    text: String,
    advice: Option<String>,
    /// Where the text goes when not where the command was told (a nested
    /// pipeline's parent, in the directory given).
    destination: Option<PathBuf>,
    /// A nested pipeline's stacks, written in place of the text: the base
    /// path of its files (`DIR/NAME`), and whether compact.
    nested: Option<(PathBuf, bool)>,
    /// A single-stack template's folder of children (`DIR/NAME` for
    /// `DIR/NAME.template.json`), where an earlier nested build of the
    /// program left stacks that the template written no longer deploys.
    former_children: Option<PathBuf>,
    /// What `medc: wrote` says when not the destination alone.
    wrote: Option<String>,
}

impl Produced {
    fn text(text: String) -> Self {
        Produced { text, advice: None, destination: None, nested: None, former_children: None, wrote: None }
    }
}

/// Why a command made nothing of a compiled program.
enum Refusal {
    Internal(medc::InternalError),
    /// The command cannot write this program where it was told (exit 2).
    Usage(String),
}

impl From<medc::InternalError> for Refusal {
    fn from(error: medc::InternalError) -> Self {
        Refusal::Internal(error)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Internal(error) => error.fmt(f),
            Refusal::Usage(message) => f.write_str(message),
        }
    }
}

/// Compiles one program and, unless its diagnostics fail the run, writes
/// what `produce` makes of it to `destination` (`-` for standard output).
/// The report is printed once, at the end, so that in the machine formats
/// standard error holds one document and nothing else: a read or write
/// failure is in it, and advice and `medc: wrote` are said only in the human
/// formats (exit status 0 means the output was written where asked).
fn write_from(
    path: &Path,
    destination: &Path,
    options: &ReportOptions,
    keep: medc::Keep,
    produce: impl FnOnce(&SourceFile, &mut medc::Compiled) -> Result<Produced, Refusal>,
) -> ExitCode {
    let (name, bytes) = match read(path) {
        Ok(read) => read,
        Err(message) => {
            let failure = Failure { file: display_name(path), message };
            print_report(&[], &[failure], options, Stream::Stderr);
            return ExitCode::from(2);
        }
    };
    let (file, compiled) = match source::decode(&name, bytes) {
        Err((file, diagnostic)) => (file, Err(medc::Failed::Rejected { diagnostics: vec![diagnostic] })),
        Ok(file) => {
            let compiled = medc::compile_keeping(&file, keep);
            (file, compiled)
        }
    };
    let mut advice = None;
    let mut said = destination.to_path_buf();
    let mut wrote = None;
    // None: nothing written, the program failed; Some: what writing gave.
    let (diagnostics, written) = match compiled {
        Ok(compiled) if options.fails(&compiled.diagnostics) => (compiled.diagnostics, None),
        Ok(mut compiled) => match produce(&file, &mut compiled) {
            Ok(produced) => {
                advice = produced.advice;
                wrote = produced.wrote;
                if let Some(nested) = produced.destination {
                    said = nested;
                }
                let written = match (&produced.nested, &compiled.nested) {
                    (Some((base, compact)), Some(nested)) => write_nested(nested, base, *compact),
                    _ => write_to(&said, &produced.text)
                        .and_then(|()| produced.former_children.as_deref().map_or(Ok(()), remove_former_children))
                        .map_err(|message| Failure { file: display_name(&said), message }),
                };
                let diagnostics = std::mem::take(&mut compiled.diagnostics);
                // The process ends after this: freeing the template, node by
                // node, cost 12 % of a build. The operating system takes it back.
                std::mem::forget(compiled);
                (diagnostics, Some(written))
            }
            Err(error) => (compiled.diagnostics, Some(Err(Failure { file: name, message: error.to_string() }))),
        },
        Err(medc::Failed::Rejected { diagnostics }) => (diagnostics, None),
        Err(medc::Failed::Internal { error, diagnostics }) => {
            (diagnostics, Some(Err(Failure { file: name, message: error.to_string() })))
        }
    };
    let failures: Vec<Failure> = match &written {
        Some(Err(failure)) => vec![failure.clone()],
        _ => Vec::new(),
    };
    print_report(&[Outcome { file, diagnostics }], &failures, options, Stream::Stderr);
    match written {
        None => ExitCode::from(1),
        Some(Err(_)) => ExitCode::from(2),
        Some(Ok(())) => {
            if !options.error_format.is_machine() {
                if let Some(advice) = advice {
                    eprintln!("medc: warning: {advice}");
                }
                if let Some(wrote) = wrote {
                    eprintln!("medc: wrote {wrote}");
                } else if said != Path::new("-") {
                    eprintln!("medc: wrote {}", said.display());
                }
            }
            ExitCode::SUCCESS
        }
    }
}

fn build(paths: &[PathBuf], output: Option<&Path>, compact: bool, options: &ReportOptions) -> ExitCode {
    if batch::several(paths) {
        return build_several(paths, output, compact, options);
    }
    let path = &paths[0];
    let destination = match output {
        Some(path) => path.to_path_buf(),
        None if path == Path::new("-") => PathBuf::from("-"),
        None => path.with_extension("template.json"),
    };
    write_from(path, &destination, options, medc::Keep::Stacks, |_, compiled| {
        if let Some(nested) = &compiled.nested {
            let directory = nested_directory(path, output).map_err(Refusal::Usage)?;
            let base = directory.join(stem(path));
            let count = nested.children.len();
            let mut produced = Produced::text(String::new());
            produced.wrote = Some(format!(
                "{} and its {count} nested stack{} in {}",
                parent_path(&base).display(),
                if count == 1 { "" } else { "s" },
                base.display()
            ));
            produced.destination = Some(parent_path(&base));
            produced.nested = Some((base, compact));
            return Ok(produced);
        }
        // `compile` emitted the indented form already; emit only what
        // differs, and take it rather than copy 200 KB.
        let text =
            if compact { medc::deploy::render(&compiled.template, true) } else { std::mem::take(&mut compiled.json) };
        let advice = medc::deploy::size_advice(text.len(), compiled.compact_len);
        Ok(Produced { advice, former_children: children_folder(&destination), ..Produced::text(text) })
    })
}

/// The folder a nested build of the program writing `template`
/// (`DIR/NAME.template.json`) puts its children in: `DIR/NAME`.
fn children_folder(template: &Path) -> Option<PathBuf> {
    let name = template.file_name()?.to_str()?;
    let stem = name.strip_suffix(".template.json").filter(|stem| !stem.is_empty())?;
    Some(template.with_file_name(stem))
}

/// Removes every child template medc wrote in `folder`, if it exists: a
/// program built as one stack where it was once nested.
fn remove_former_children(folder: &Path) -> Result<(), String> {
    if folder.is_dir() {
        remove_stale_children(folder, &std::collections::HashSet::new())
    } else {
        Ok(())
    }
}

/// The directory a nested pipeline's templates go to: `-o DIRECTORY`, an
/// existing directory or a new path without an extension (or ending in
/// `/`), or by default the program's own directory. A file or standard
/// output cannot hold several templates.
fn nested_directory(program: &Path, output: Option<&Path>) -> Result<PathBuf, String> {
    let refused = |to: &str| {
        format!("the pipeline has nested stacks, several templates that cannot go to {to}; give `-o DIRECTORY`")
    };
    match output {
        None if program == Path::new("-") => Err(refused("standard output")),
        None => Ok(program.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)),
        Some(path) if path == Path::new("-") => Err(refused("standard output")),
        Some(path) => {
            let slash = path.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR);
            if path.is_dir() || slash || (!path.exists() && path.extension().is_none()) {
                Ok(path.to_path_buf())
            } else {
                Err(refused(&format!("the file `{}`", path.display())))
            }
        }
    }
}

/// A program's stem, as its template is named: `site` for `site.medimg`.
fn stem(program: &Path) -> std::ffi::OsString {
    match program.file_stem() {
        Some(stem) if program != Path::new("-") => stem.to_os_string(),
        _ => "stdin".into(),
    }
}

/// Where a nested pipeline's parent goes: `base.template.json`.
fn parent_path(base: &Path) -> PathBuf {
    let mut path = base.as_os_str().to_os_string();
    path.push(".template.json");
    PathBuf::from(path)
}

/// Writes a nested pipeline: each child at `base/NAME.template.json`, one
/// at a time (rendered, written and dropped, so that a large pipeline never
/// holds all its JSON at once), then the parent at `base.template.json`,
/// whose `TemplateURL`s name the children relative to it (as `aws
/// cloudformation package` reads them). Each file is written atomically.
/// Only then are the children of an earlier build that this one no longer
/// has removed (medc's own file names in that folder, nothing else), so
/// that a failed build removes nothing (the children written before the
/// failure are replaced, each whole), and a reader of the folder never
/// trusts a stack the parent does not deploy.
fn write_nested(nested: &medc::lower::nest::Nested, base: &Path, compact: bool) -> Result<(), Failure> {
    let failure = |path: &Path| {
        let file = display_name(path);
        move |message| Failure { file, message }
    };
    std::fs::create_dir_all(base)
        .map_err(|e| format!("cannot create `{}`: {}", base.display(), io_reason(&e)))
        .map_err(failure(base))?;
    let mut written = std::collections::HashSet::new();
    for (name, template) in &nested.children {
        let file = medc::lower::nest::Nested::file_name(name);
        let path = base.join(&file);
        write_atomically(&path, medc::deploy::render(template, compact).as_bytes()).map_err(failure(&path))?;
        written.insert(std::ffi::OsString::from(file));
    }
    let folder = base.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = parent_path(base);
    write_to(&parent, &medc::deploy::render(&nested.parent_in(&folder), compact)).map_err(failure(&parent))?;
    remove_stale_children(base, &written).map_err(failure(base))
}

/// Removes the child templates in `folder` that medc named and this build
/// did not write.
fn remove_stale_children(folder: &Path, written: &std::collections::HashSet<std::ffi::OsString>) -> Result<(), String> {
    let listing =
        std::fs::read_dir(folder).map_err(|e| format!("cannot read `{}`: {}", folder.display(), io_reason(&e)))?;
    for entry in listing.flatten() {
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(medc::lower::nest::Nested::is_child_file);
        if ours && !written.contains(&name) && entry.file_type().is_ok_and(|t| t.is_file()) {
            let path = entry.path();
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot remove the stale `{}`: {}", path.display(), io_reason(&e)))?;
        }
    }
    Ok(())
}

/// Builds several programs in parallel into one directory (by default each
/// template beside its program). Nothing is written unless every program
/// passes, so that a set of stacks is never half updated.
fn build_several(paths: &[PathBuf], output: Option<&Path>, compact: bool, options: &ReportOptions) -> ExitCode {
    if output == Some(Path::new("-")) {
        return usage_error("several programs cannot be written to standard output; give `-o DIRECTORY`");
    }
    let programs = match batch::programs(paths) {
        Ok(programs) => programs,
        Err(message) => return usage_error(&message),
    };
    let destinations = match output {
        Some(dir) => batch::destinations(&programs, dir),
        None => Ok(programs.iter().map(|p| p.with_extension("template.json")).collect()),
    };
    let destinations = match destinations {
        Ok(destinations) => destinations,
        Err(message) => return usage_error(&message),
    };
    let (mut outcomes, mut templates, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for result in batch::map(&programs, |path| compile_one(path)) {
        match result {
            Ok((outcome, compiled)) => {
                outcomes.push(outcome);
                templates.extend(compiled);
            }
            Err(failure) => failures.push(failure),
        }
    }
    let rejected = outcomes.iter().any(|o| options.fails(&o.diagnostics)) || templates.len() != programs.len();
    let mut advice = Vec::new();
    if failures.is_empty() && !rejected {
        let created = output.map_or(Ok(()), |dir| {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {}", dir.display(), io_reason(&e)))
        });
        let jobs: Vec<(&medc::Compiled, &PathBuf)> = templates.iter().zip(&destinations).collect();
        let written = created.map(|()| {
            batch::map(&jobs, |(compiled, destination)| {
                if let Some(nested) = &compiled.nested {
                    // `DIR/NAME.template.json`: the children go in `DIR/NAME/`.
                    let base = destination.with_extension("").with_extension("");
                    return write_nested(nested, &base, compact).map(|()| None);
                }
                let text = if compact { medc::deploy::render(&compiled.template, true) } else { compiled.json.clone() };
                let said = medc::deploy::size_advice(text.len(), compiled.compact_len)
                    .map(|a| format!("{}: {a}", destination.display()));
                write_to(destination, &text)
                    .and_then(|()| children_folder(destination).as_deref().map_or(Ok(()), remove_former_children))
                    .map(|()| said)
                    .map_err(|message| Failure { file: display_name(destination), message })
            })
        });
        match written {
            Ok(results) => {
                for result in results {
                    match result {
                        Ok(said) => advice.extend(said),
                        Err(failure) => failures.push(failure),
                    }
                }
            }
            Err(message) => failures.push(Failure { file: display_name(output.unwrap_or(Path::new("."))), message }),
        }
    }
    print_report(&outcomes, &failures, options, Stream::Stderr);
    if !failures.is_empty() {
        return ExitCode::from(2);
    }
    if rejected {
        return ExitCode::from(1);
    }
    if !options.error_format.is_machine() {
        for advice in advice {
            eprintln!("medc: warning: {advice}");
        }
        let into = output.map(|dir| format!(" into {}", dir.display())).unwrap_or_default();
        eprintln!("medc: wrote {} templates{into}", templates.len());
    }
    ExitCode::SUCCESS
}

/// Reads and compiles one program: its outcome and, when it compiled, the
/// compiled program; or why it could not be read or compiled.
fn compile_one(path: &Path) -> Result<(Outcome, Option<medc::Compiled>), Failure> {
    let (name, bytes) = read(path).map_err(|message| Failure { file: display_name(path), message })?;
    let file = match source::decode(&name, bytes) {
        Err((file, diagnostic)) => return Ok((Outcome { file, diagnostics: vec![diagnostic] }, None)),
        Ok(file) => file,
    };
    match medc::compile_keeping(&file, medc::Keep::Stacks) {
        Ok(compiled) => Ok((Outcome { file, diagnostics: compiled.diagnostics.clone() }, Some(compiled))),
        Err(medc::Failed::Rejected { diagnostics }) => Ok((Outcome { file, diagnostics }, None)),
        Err(medc::Failed::Internal { error, .. }) => Err(Failure { file: name, message: error.to_string() }),
    }
}

fn params(path: &Path, format: ParamsFormat, output: Option<&Path>, options: &ReportOptions) -> ExitCode {
    write_from(path, output.unwrap_or(Path::new("-")), options, medc::Keep::Whole, |_, compiled| {
        let text = match format {
            ParamsFormat::Json => medc::deploy::params::json(&compiled.template),
            ParamsFormat::Overrides => medc::deploy::params::overrides(&compiled.template, &compiled.pipeline),
        };
        Ok(Produced::text(text))
    })
}

fn show(path: &Path, format: ShowFormat, options: &ReportOptions) -> ExitCode {
    write_from(path, Path::new("-"), options, medc::Keep::Whole, |file, compiled| {
        let schema = medc::stdlib::schema().map_err(|e| medc::InternalError(e.to_string()))?;
        let plan = medc::show::Plan::build(file, &compiled.program, &compiled.template, schema);
        let text = match format {
            ShowFormat::Text => plan.to_text(),
            ShowFormat::Json => plan.to_json(),
        };
        Ok(Produced::text(text))
    })
}

fn evidence(path: &Path, output: Option<&Path>, format: EvidenceFormat, options: &ReportOptions) -> ExitCode {
    write_from(path, output.unwrap_or(Path::new("-")), options, medc::Keep::Whole, |file, compiled| {
        let schema = medc::stdlib::schema().map_err(|e| medc::InternalError(e.to_string()))?;
        let report = medc::report::Report::build(file, compiled, schema);
        let text = match format {
            EvidenceFormat::Json => report.to_json(),
            EvidenceFormat::Markdown => medc::report::markdown::render(&report),
            EvidenceFormat::Html => {
                let svg = medc::graph::to_svg(&medc::graph::picture(&compiled.program)?)?;
                medc::report::html::render(&report, &svg)
            }
        };
        Ok(Produced::text(text))
    })
}

fn graph(path: &Path, output: Option<&Path>, format: GraphFormat, options: &ReportOptions) -> ExitCode {
    write_from(path, output.unwrap_or(Path::new("-")), options, medc::Keep::Stacks, |_, compiled| {
        let picture = medc::graph::picture(&compiled.program)?;
        let text = match format {
            GraphFormat::Dot => medc::graph::to_dot(&picture),
            GraphFormat::Mermaid => medc::graph::to_mermaid(&picture),
            GraphFormat::Svg => medc::graph::to_svg(&picture)?,
        };
        Ok(Produced::text(text))
    })
}

/// Writes to standard output (`-`) or atomically to a file, saying so.
fn write_output(destination: &Path, text: &str) -> ExitCode {
    match write_to(destination, text) {
        Ok(()) => {
            if destination != Path::new("-") {
                eprintln!("medc: wrote {}", destination.display());
            }
            ExitCode::SUCCESS
        }
        Err(message) => usage_error(&message),
    }
}

/// `medc fmt`: exit 2 on an I/O error, else 1 when a file has syntax errors
/// (it is left as it is) or, under `--check`, is not formatted.
fn format(paths: &[PathBuf], check: bool, color: ColorChoice) -> ExitCode {
    let (mut io_failed, mut failed) = (false, false);
    for path in paths {
        let outcome = read(path).map(|(name, bytes)| match source::decode(&name, bytes) {
            Err((file, diagnostic)) => (file, Err(medc::fmt::FormatError::Syntax(vec![diagnostic]))),
            Ok(file) => {
                let formatted = medc::fmt::format(&file.text);
                (file, formatted)
            }
        });
        let (file, formatted) = match outcome {
            Ok(outcome) => outcome,
            Err(message) => {
                eprintln!("error: {message}");
                io_failed = true;
                continue;
            }
        };
        let to_stdout = path == Path::new("-");
        match formatted {
            Ok(text) if check => {
                if text != file.text {
                    println!("{}", file.name);
                    failed = true;
                }
            }
            Ok(text) if to_stdout => {
                let mut stdout = std::io::stdout().lock();
                if stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_err() {
                    eprintln!("error: cannot write to standard output");
                    io_failed = true;
                }
            }
            Ok(text) if text != file.text => {
                if let Err(message) = write_atomically(path, text.as_bytes()) {
                    eprintln!("error: {message}");
                    io_failed = true;
                }
            }
            Ok(_) => {}
            Err(medc::fmt::FormatError::Syntax(diagnostics)) => {
                let outcome = Outcome { file, diagnostics };
                let options = ReportOptions { error_format: Format::Human, deny: None, color };
                print_report(&[outcome], &[], &options, Stream::Stderr);
                failed = true;
            }
            Err(error) => {
                eprintln!("error: {}: {error}", file.name);
                failed = true;
            }
        }
    }
    if io_failed {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes to standard output (`-`) or atomically to a file.
fn write_to(destination: &Path, text: &str) -> Result<(), String> {
    if destination == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|_| "cannot write to standard output".to_string());
    }
    write_atomically(destination, text.as_bytes())
}

/// Writes through a temporary file in the same directory, renamed into
/// place: readers see the old file or the whole new one, never half of it.
/// A template holds no secret: it keeps the mode of the file it replaces,
/// and a new file gets the usual mode (0666 less the umask), not the
/// temporary file's private 0600.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path.display();
    let failed = |e: std::io::Error| format!("cannot write `{name}`: {}", io_reason(&e));
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = temporary_file_in(directory).map_err(failed)?;
    if let Ok(existing) = std::fs::metadata(path) {
        if existing.is_file() {
            file.as_file().set_permissions(existing.permissions()).map_err(failed)?;
        }
    }
    file.write_all(bytes).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// A temporary file to be renamed over a file medc writes. It is created
/// with the mode any new file gets (0666 less the umask), not tempfile's
/// private 0600: what medc writes holds no secret.
fn temporary_file_in(directory: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".medc-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode passed to open(2), which the umask then narrows.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(directory)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

/// Prints a run's diagnostics and failures. The human formats go to
/// standard error, with failures as `error:` lines before the diagnostics;
/// the machine formats go to `machine_stream` as one document.
fn print_report(outcomes: &[Outcome], failures: &[Failure], options: &ReportOptions, machine_stream: Stream) {
    let reports: Vec<FileReport<'_>> =
        outcomes.iter().map(|o| FileReport { file: &o.file, diagnostics: &o.diagnostics }).collect();
    let machine = options.error_format.is_machine();
    let stream = if machine { machine_stream } else { Stream::Stderr };
    let mut text = String::new();
    if !machine {
        for failure in failures {
            text.push_str(&format!("error: {}\n", failure.message));
        }
    }
    if machine || outcomes.iter().any(|o| !o.diagnostics.is_empty()) {
        let color = match options.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal() && stream == Stream::Stderr
            }
        };
        text.push_str(&render::render_run(options.error_format, &reports, failures, color));
        if options.error_format == Format::Human && outcomes.len() == 1 {
            text.push_str(&summary(outcomes));
        }
    }
    if !machine && outcomes.len() > 1 {
        // A run over several programs ends with one line, whatever it found.
        text.push_str(&summary(outcomes));
    }
    let written = match stream {
        Stream::Stdout => std::io::stdout().write_all(text.as_bytes()),
        Stream::Stderr => std::io::stderr().write_all(text.as_bytes()),
    };
    // A closed pipe is not worth a panic; the exit status still tells.
    let _ = written;
}

fn summary(outcomes: &[Outcome]) -> String {
    let count = |severity| outcomes.iter().flat_map(|o| &o.diagnostics).filter(|d| d.severity == severity).count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if outcomes.len() > 1 {
        let failed = outcomes.iter().filter(|o| medc::diagnostics::has_errors(&o.diagnostics)).count();
        let failed = if failed == 0 { String::new() } else { format!(", {failed} with errors") };
        let programs = plural(outcomes.len(), "pipeline");
        return format!("medc: {programs}{failed}: {}, {}\n", plural(errors, "error"), plural(warnings, "warning"));
    }
    if errors == 0 && warnings == 0 {
        return String::new();
    }
    format!("medc: {}, {}\n", plural(errors, "error"), plural(warnings, "warning"))
}

fn explain(code: &str) -> ExitCode {
    let Some(entry) = codes::lookup(code) else {
        if let Ok(schema) = medc::stdlib::schema() {
            let settings = describe::find_settings(schema, code);
            if !settings.is_empty() {
                let texts: Vec<String> = settings.iter().map(|(k, s)| describe::setting_summary(k, s)).collect();
                print!("{}", texts.join("\n"));
                return ExitCode::SUCCESS;
            }
        }
        let known: Vec<&str> = codes::ALL.iter().map(|c| c.code).collect();
        let hint = match medc::suggest::closest(&code.to_ascii_uppercase(), known.iter().copied()) {
            Some(close) => format!("; did you mean `{close}`?"),
            None => "; `medc rules` lists the compliance rules, `medc stdlib` the settings".to_string(),
        };
        return usage_error(&format!("no diagnostic code or setting is named `{code}`{hint}"));
    };
    let mut text = format!("{}: {}\n\n", entry.code, entry.title);
    text.push_str(&format!("severity: {}\n", entry.severity.as_str()));
    if !entry.citations.is_empty() {
        text.push_str(&format!("citations: {}\n", entry.citations.join("; ")));
        text.push_str(&format!("governs: {}\n", entry.governs));
        text.push_str(&format!(
            "waivable: {}\n",
            if entry.waivable { "yes, with `waive CODE \"reason\"`" } else { "no" }
        ));
    }
    text.push('\n');
    text.push_str(entry.explanation);
    text.push('\n');
    if entry.category == codes::Category::Compliance {
        match medc::stdlib::schema() {
            Ok(schema) => text.push_str(&enforcement(&medc::check::rules::enforcement(schema, entry))),
            Err(e) => return usage_error(&format!("internal error: the standard library is invalid: {e}")),
        }
    }
    print!("{text}");
    ExitCode::SUCCESS
}

/// Where a rule is enforced, as `medc explain` lists it: the standard
/// library's settings first, then the checker's unit.
fn enforcement(enforcement: &medc::check::rules::Enforcement) -> String {
    let mut text = String::from("\nenforced by:\n");
    for constraint in &enforcement.constraints {
        text.push_str(&format!("  {:<28} {}  ({})\n", constraint.setting, constraint.what, constraint.file));
    }
    if let Some(unit) = enforcement.unit {
        text.push_str(&format!("  {:<28} {}  ({})\n", "the checker", unit.checks, unit.file));
    }
    text
}

fn rules(format: ListFormat) -> ExitCode {
    let rules: Vec<&codes::Code> = codes::rules().collect();
    match format {
        ListFormat::Json => {
            let schema = match medc::stdlib::schema() {
                Ok(schema) => schema,
                Err(e) => return usage_error(&format!("internal error: the standard library is invalid: {e}")),
            };
            let mut entries = Vec::new();
            for rule in rules {
                let Ok(mut entry) = serde_json::to_value(rule) else {
                    return usage_error(&format!("internal error: cannot serialize {}", rule.code));
                };
                let enforcement = medc::check::rules::enforcement(schema, rule);
                entry["enforced_by"] = serde_json::json!({
                    "constraints": enforcement.constraints,
                    "unit": enforcement.unit.map(|unit| serde_json::json!({ "file": unit.file, "checks": unit.checks })),
                });
                entries.push(entry);
            }
            match serde_json::to_string_pretty(&entries) {
                Ok(json) => println!("{json}"),
                Err(e) => return usage_error(&format!("cannot serialize the rules: {e}")),
            }
        }
        ListFormat::Table => {
            println!("{:<10} {:<8} {:<9} {:<60} citations", "code", "severity", "waivable", "title");
            for rule in rules {
                println!(
                    "{:<10} {:<8} {:<9} {:<60} {}",
                    rule.code,
                    rule.severity.as_str(),
                    if rule.waivable { "yes" } else { "no" },
                    rule.title,
                    rule.citations.join("; ")
                );
            }
        }
    }
    ExitCode::SUCCESS
}

fn stdlib(kind: Option<&str>, setting: Option<&str>) -> ExitCode {
    let Some(kind) = kind else {
        for (path, text) in medc::stdlib::FILES {
            println!("// ---- {path}\n{text}");
        }
        return ExitCode::SUCCESS;
    };
    let schema = match medc::stdlib::schema() {
        Ok(schema) => schema,
        Err(e) => return usage_error(&format!("internal error: the standard library is invalid: {e}")),
    };
    let Some(declared) = schema.kind(kind) else {
        let names = schema.kinds.iter().filter(|k| k.part_of.is_none()).map(|k| k.name.as_str());
        let hint = match medc::suggest::closest(kind, names) {
            Some(close) => format!("; did you mean `{close}`?"),
            None => "; `medc stdlib` prints every kind".to_string(),
        };
        return usage_error(&format!("the standard library has no kind `{kind}`{hint}"));
    };
    match setting {
        None => match describe::kind_source(kind) {
            Some(source) => println!("// {}:{}\n{}", source.path, source.line, source.text),
            None => return usage_error(&format!("internal error: no source for kind `{kind}`")),
        },
        Some(name) => match declared.setting(name) {
            Some(decl) => print!("{}", describe::setting_summary(declared, decl)),
            None => {
                let hint = match medc::suggest::closest(name, declared.settings.iter().map(|s| s.name.as_str())) {
                    Some(close) => format!("; did you mean `{close}`?"),
                    None => format!("; `medc stdlib {kind}` lists its settings"),
                };
                return usage_error(&format!("kind `{kind}` has no setting `{name}`{hint}"));
            }
        },
    }
    ExitCode::SUCCESS
}

/// The program `medc init` writes: it checks clean as it stands, and its
/// comments say what to change first.
const STARTER: &str = include_str!("starter.medimg");

fn init(dir: &Path) -> ExitCode {
    let path = dir.join("pipeline.medimg");
    if path.exists() {
        return usage_error(&format!("`{}` already exists; medc init never overwrites a file", path.display()));
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        return usage_error(&format!("cannot create `{}`: {}", dir.display(), io_reason(&e)));
    }
    // Written whole through a temporary file, and never over a file that
    // appeared in the meantime.
    let written = temporary_file_in(dir)
        .and_then(|mut file| file.write_all(STARTER.as_bytes()).map(|()| file))
        .and_then(|file| file.persist_noclobber(&path).map_err(|e| e.error));
    match written {
        Ok(_) => {
            eprintln!("medc: wrote {0}; check it with `medc check {0}`", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => usage_error(&format!("cannot write `{}`: {}", path.display(), io_reason(&e))),
    }
}
