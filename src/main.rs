//! The `newsgraph` command: parses flags, calls the library, prints. Errors are printed once,
//! here, as `newsgraph: {error}`; exit codes are 0 ok, 1 nothing found, 2 error.

use anyhow::{Context, Result, bail};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use newsgraph::export::{self, ActorGraph, GraphFilter};
use newsgraph::ingest::{self, Source};
use newsgraph::model::FactRow;
use newsgraph::query::{self, ResultFormat};
use newsgraph::store::{GraphStore, PutOutcome};
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Builds a knowledge graph of who did what to whom from English news articles.
///
/// Typical use: `newsgraph ingest articles/` reads every .txt and .md file into the store,
/// then `newsgraph query` asks SPARQL questions, `newsgraph explain NAME` shows the evidence,
/// and `newsgraph export --format dot` draws the actor graph.
///
/// Exit codes: 0 success; 1 the command ran but found nothing (a query with no rows, an
/// actor with no facts); 2 error (bad input, bad query, store problem).
#[derive(Parser, Debug)]
#[command(name = "newsgraph", version, about, long_about, max_term_width = 100)]
struct Cli {
    /// Store directory (an embedded Oxigraph database; created by `ingest`).
    #[arg(
        long,
        global = true,
        env = "NEWSGRAPH_STORE",
        default_value = "newsgraph-store"
    )]
    store: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Reads articles into the store, one named graph per document.
    ///
    /// Folders are read recursively (.txt and .md); `-` reads standard input. The document id
    /// is the file stem. An unchanged document is skipped, a changed one replaced; each is
    /// written in one transaction, so a crash never leaves half a document.
    Ingest {
        /// Files, folders, or `-` for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Document id for standard input.
        #[arg(long, default_value = "stdin")]
        id: String,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Reject files that are not valid UTF-8 (by default each invalid byte is read as
        /// U+001A, with a warning naming the file and offset).
        #[arg(long)]
        strict_utf8: bool,
    },
    /// Runs the pipeline on articles without a store and prints the facts.
    Extract {
        /// Files, folders, or `-` for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ExtractFormat::Csv)]
        format: ExtractFormat,
    },
    /// Runs a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) over all documents.
    ///
    /// The default graph is the union of every document graph and the ontology. Prefixes ng:,
    /// nge:, ngr:, ngd:, rdf:, rdfs:, owl:, xsd:, prov:, dcterms: and wd: are predeclared.
    Query {
        /// The query text (or use --file).
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        query: Option<String>,
        /// Read the query from a file (`-` for standard input).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Results format: an aligned table, or a W3C SPARQL results format.
        #[arg(long, short, value_enum, default_value_t = QueryFormat::Table)]
        format: QueryFormat,
    },
    /// Exports the stored graph: facts or entities as CSV, RDF dumps, or the actor graph.
    Export {
        /// What to write.
        #[arg(long, short, value_enum)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// RDF dumps: include the ontology and ingest-log graphs.
        #[arg(long)]
        all_graphs: bool,
        #[command(flatten)]
        graph: GraphArgs,
    },
    /// Counts documents, sentences, facts and entities in the store.
    Stats,
    /// Shows the facts about an actor (or between two actors) with their evidence.
    Explain {
        /// Actor name, alias or id (case-insensitive; a unique partial name also works).
        actor: String,
        /// Only facts between ACTOR and this actor.
        other: Option<String>,
    },
    /// Tokenises, splits, tags, lemmatises and parses text (or re-annotates CoNLL-U) and
    /// prints CoNLL-U.
    Parse {
        /// Input file (`-` or nothing for standard input).
        input: Option<PathBuf>,
        /// What the input is: raw text, or CoNLL-U whose tokens and sentences are kept.
        #[arg(long, value_enum, default_value_t = ParseInput::Text)]
        input_format: ParseInput,
        /// Output format (CoNLL-U is the only one).
        #[arg(long, value_enum, default_value_t = ParseOutput::Conllu)]
        format: ParseOutput,
    },
    /// Scores the language core on a gold CoNLL-U file: UPOS, XPOS, lemma, UAS, LAS on the
    /// gold tokens, and sentence-boundary F1 on the rebuilt raw text.
    EvalParse {
        /// Gold CoNLL-U file (e.g. ../shared/data/UD_English-EWT/en_ewt-ud-test.conllu).
        gold: PathBuf,
    },
    /// Trains the tagger, lemmatizer and parser from a UD treebank folder and writes the model
    /// files (rebuild afterwards to embed them).
    Train {
        /// Folder holding *-ud-train.conllu and *-ud-dev.conllu (e.g. ../shared/data/UD_English-EWT).
        ud_dir: PathBuf,
        /// Where to write tagger.bin, lemma.bin and parser.bin.
        #[arg(long, default_value = "crates/newsgraph-nlp/models")]
        out: PathBuf,
    },
    /// Scores the pipeline against hand-made gold facts and entities (fact recall, polarity,
    /// entity recall, splits, wrong merges).
    Eval {
        /// Gold folder with entities.tsv and facts.tsv (e.g. ../shared/gold).
        #[arg(long)]
        gold: PathBuf,
        /// Articles to analyse (default: seeds/).
        paths: Vec<PathBuf>,
        /// Also list the gold facts that were not found.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Prints a shell completion script.
    Completions {
        /// Shell.
        shell: clap_complete::Shell,
    },
}

#[derive(clap::Args, Debug)]
struct GraphArgs {
    /// Actor graph: keep the neighbourhood of this actor.
    #[arg(long)]
    actor: Option<String>,
    /// Actor graph: neighbourhood radius for --actor.
    #[arg(long, default_value_t = 1)]
    depth: usize,
    /// Actor graph: drop edges supported by fewer claims.
    #[arg(long, default_value_t = 1)]
    min_weight: usize,
    /// Actor graph: keep only this relation (label like `invite` or property name).
    #[arg(long)]
    relation: Option<String>,
    /// Actor graph: keep only edges touching this type (PERSON, COUNTRY, ...).
    #[arg(long = "type")]
    entity_type: Option<String>,
    /// Keep only this document (actor graph and CSV).
    #[arg(long)]
    doc: Option<String>,
    /// Actor graph: draw at most this many actors, the best connected (0: all).
    #[arg(long, default_value_t = 80)]
    top: usize,
    /// Actor graph: do not group actors into boxes by type.
    #[arg(long)]
    no_cluster: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ExtractFormat {
    /// The facts CSV contract (see README).
    Csv,
    /// One JSON object per fact, with the CSV's field names.
    Jsonl,
    /// N-Quads, as `ingest` would store them.
    Nquads,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ParseInput {
    /// Plain text.
    Text,
    /// CoNLL-U: tokens and sentences kept, annotation predicted.
    Conllu,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ParseOutput {
    /// CoNLL-U.
    Conllu,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum QueryFormat {
    Table,
    Csv,
    Tsv,
    Json,
    Xml,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// Facts, one row per claim (header in README).
    Csv,
    /// Entities with aliases and mention counts.
    Entities,
    /// RDF N-Quads, sorted.
    Nquads,
    /// RDF TriG.
    Trig,
    /// RDF Turtle (the union of the document graphs).
    Turtle,
    /// GraphViz DOT of the actor graph.
    Dot,
    /// SVG of the actor graph (needs GraphViz `dot`).
    Svg,
    /// PNG of the actor graph (needs GraphViz `dot`).
    Png,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("newsgraph: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Ingest {
            paths,
            id,
            quiet,
            strict_utf8,
        } => cmd_ingest(
            &cli.store,
            &paths,
            &id,
            quiet,
            ingest::ReadOptions { strict_utf8 },
        ),
        Command::Extract { paths, format } => cmd_extract(&paths, format),
        Command::Query {
            query,
            file,
            format,
        } => {
            let text = match (query, file) {
                (Some(q), _) => q,
                (None, Some(f)) if f.as_os_str() == "-" => {
                    let mut s = String::new();
                    io::stdin()
                        .read_to_string(&mut s)
                        .context("reading the query from standard input")?;
                    s
                }
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .with_context(|| format!("{}: cannot read query file", f.display()))?,
                (None, None) => bail!("no query given"),
            };
            let store = GraphStore::open_read_only(&cli.store)?;
            let format = match format {
                QueryFormat::Table => ResultFormat::Table,
                QueryFormat::Csv => ResultFormat::Csv,
                QueryFormat::Tsv => ResultFormat::Tsv,
                QueryFormat::Json => ResultFormat::Json,
                QueryFormat::Xml => ResultFormat::Xml,
            };
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let outcome = query::run(&store, &text, format, &mut out)?;
            out.flush()?;
            Ok(if outcome.results == 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Export {
            format,
            output,
            all_graphs,
            graph,
        } => cmd_export(&cli.store, format, output.as_deref(), all_graphs, &graph),
        Command::Stats => cmd_stats(&cli.store),
        Command::Explain { actor, other } => cmd_explain(&cli.store, &actor, other.as_deref()),
        Command::Parse {
            input,
            input_format,
            format: ParseOutput::Conllu,
        } => cmd_parse(input.as_deref(), input_format),
        Command::EvalParse { gold } => {
            let text = std::fs::read_to_string(&gold)
                .with_context(|| format!("{}: cannot read", gold.display()))?;
            let report = newsgraph_nlp::eval::evaluate(newsgraph_nlp::Analyzer::embedded(), &text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", gold.display()))?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Train { ud_dir, out } => {
            let report = newsgraph_nlp::train::train_all(&ud_dir, &out)
                .map_err(|e| anyhow::anyhow!("training failed: {e}"))?;
            for n in &report.notes {
                println!("{n}");
            }
            for (p, size) in &report.files {
                println!("wrote {} ({size} bytes)", p.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            gold,
            paths,
            verbose,
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("seeds")]
            } else {
                paths
            };
            let (sources, errors) = ingest::discover(&paths, "stdin");
            if let Some(e) = errors.into_iter().next() {
                return Err(e.into());
            }
            let docs = sources
                .iter()
                .map(|s| ingest::read(s).map(newsgraph::pipeline::analyze))
                .collect::<Result<Vec<_>, _>>()?;
            let report = newsgraph::evaluate::evaluate(&gold, &docs)?;
            print!("{report}");
            if verbose {
                for m in &report.missed {
                    println!("missed  {m}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "newsgraph", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn cmd_parse(input: Option<&Path>, format: ParseInput) -> Result<ExitCode> {
    let text = match input {
        None => read_stdin()?,
        Some(p) if p.as_os_str() == "-" => read_stdin()?,
        Some(p) => std::fs::read_to_string(p)
            .with_context(|| format!("{}: cannot read as UTF-8 text", p.display()))?,
    };
    let analyzer = newsgraph_nlp::Analyzer::embedded();
    let mut out = String::new();
    match format {
        ParseInput::Text => {
            let sentences = analyzer.analyze(&text);
            newsgraph_nlp::conllu::write(&text, &sentences, 1, &mut out);
        }
        ParseInput::Conllu => {
            let shown = input.map_or_else(|| "-".to_owned(), |p| p.display().to_string());
            let parsed =
                newsgraph_nlp::conllu::parse(&text).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
            for (i, mut c) in parsed.into_iter().enumerate() {
                analyzer.annotate(&mut c.sentence);
                newsgraph_nlp::conllu::write(
                    &c.text,
                    std::slice::from_ref(&c.sentence),
                    i + 1,
                    &mut out,
                );
            }
        }
    }
    let mut stdout = io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn read_stdin() -> Result<String> {
    let mut s = String::new();
    io::stdin()
        .read_to_string(&mut s)
        .context("reading standard input as UTF-8 text")?;
    Ok(s)
}

fn cmd_ingest(
    store_dir: &Path,
    paths: &[PathBuf],
    stdin_id: &str,
    quiet: bool,
    read_options: ingest::ReadOptions,
) -> Result<ExitCode> {
    let started = Instant::now();
    let (sources, mut errors) = ingest::discover(paths, stdin_id);
    let store = GraphStore::open(store_dir)?;
    let progress = (!quiet && sources.len() > 1 && io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(sources.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} documents [{bar:30}] {elapsed} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let now = now_rfc3339();
    let (mut added, mut replaced, mut unchanged) = (0usize, 0usize, 0usize);
    let (mut sentences, mut facts, mut entities) = (0usize, 0usize, 0usize);
    let mut failures: Vec<String> = errors.drain(..).map(|e| e.to_string()).collect();
    for source in &sources {
        if let Some(bar) = &progress {
            bar.set_message(match source {
                Source::File(p) => p.display().to_string(),
                Source::Stdin(id) => id.clone(),
            });
        }
        match ingest::read_with(source, read_options) {
            Err(e) => failures.push(e.to_string()),
            Ok((doc, warnings)) => {
                for w in warnings {
                    eprintln!("newsgraph: {w}");
                }
                let stored = store
                    .document_hash(&doc.id)
                    .with_context(|| format!("cannot read store {}", store_dir.display()))?;
                if stored.as_deref() == Some(doc.hash.as_str()) {
                    unchanged += 1;
                } else {
                    let analysed = newsgraph::pipeline::analyze(doc);
                    let outcome = store.put_document(&analysed, &now).with_context(|| {
                        format!("cannot write to store {}", store_dir.display())
                    })?;
                    match outcome {
                        PutOutcome::Added => added += 1,
                        PutOutcome::Replaced => replaced += 1,
                        PutOutcome::Unchanged => unchanged += 1,
                    }
                    sentences += analysed.sentences.len();
                    facts += analysed.claims.len();
                    entities += analysed.entities.len();
                }
            }
        }
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    store
        .flush()
        .with_context(|| format!("cannot write to store {}", store_dir.display()))?;
    for f in &failures {
        eprintln!("newsgraph: {f}");
    }
    if !quiet {
        println!(
            "{} documents: {added} added, {replaced} replaced, {unchanged} unchanged, {} failed; {sentences} sentences, {facts} facts, {entities} entities analysed in {:.2}s",
            added + replaced + unchanged + failures.len(),
            failures.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn cmd_extract(paths: &[PathBuf], format: ExtractFormat) -> Result<ExitCode> {
    let (sources, errors) = ingest::discover(paths, "stdin");
    let mut failures: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut rows: Vec<FactRow> = Vec::new();
    let mut quads = Vec::new();
    for source in &sources {
        match ingest::read_with(source, ingest::ReadOptions::default()) {
            Err(e) => failures.push(e.to_string()),
            Ok((doc, warnings)) => {
                for w in warnings {
                    eprintln!("newsgraph: {w}");
                }
                let a = newsgraph::pipeline::analyze(doc);
                match format {
                    ExtractFormat::Nquads => quads.extend(newsgraph::store::document_quads(&a)),
                    _ => rows.extend(export::fact_rows(&a)),
                }
            }
        }
    }
    match format {
        ExtractFormat::Csv => export::write_facts_csv(&rows, &mut out)?,
        ExtractFormat::Jsonl => export::write_facts_jsonl(&rows, &mut out)?,
        ExtractFormat::Nquads => newsgraph::store::write_nquads(&quads, &mut out)?,
    }
    out.flush()?;
    for f in &failures {
        eprintln!("newsgraph: {f}");
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn cmd_export(
    store_dir: &Path,
    format: ExportFormat,
    output: Option<&Path>,
    all_graphs: bool,
    g: &GraphArgs,
) -> Result<ExitCode> {
    let store = GraphStore::open_read_only(store_dir)?;
    let mut buf: Vec<u8> = Vec::new();
    match format {
        ExportFormat::Csv => {
            if let Some(d) = &g.doc
                && !store.document_ids()?.contains(d)
            {
                bail!("unknown --doc {d:?}: no such document in the store");
            }
            export::write_facts_csv(&store.fact_rows(g.doc.as_deref())?, &mut buf)?;
        }
        ExportFormat::Entities => export::write_entities_csv(&store.entity_rows()?, &mut buf)?,
        ExportFormat::Nquads | ExportFormat::Trig | ExportFormat::Turtle => {
            let quads = store.sorted_quads(all_graphs)?;
            let rdf = match format {
                ExportFormat::Nquads => newsgraph::store::RdfDump::NQuads,
                ExportFormat::Trig => newsgraph::store::RdfDump::TriG,
                _ => newsgraph::store::RdfDump::Turtle,
            };
            newsgraph::store::write_dump(&quads, rdf, &mut buf)?;
        }
        ExportFormat::Dot | ExportFormat::Svg | ExportFormat::Png => {
            if let Some(d) = &g.doc
                && !store.document_ids()?.contains(d)
            {
                bail!("unknown --doc {d:?}: no such document in the store");
            }
            let filter = GraphFilter {
                actor: g.actor.clone(),
                depth: g.depth,
                min_weight: g.min_weight,
                relation: g.relation.clone(),
                entity_type: g.entity_type.clone(),
                doc: g.doc.clone(),
                top: g.top,
                cluster: !g.no_cluster,
            };
            let graph = ActorGraph::build(&store.fact_rows(None)?, &store.entity_rows()?, &filter)?;
            let dot = graph.to_dot(filter.cluster);
            buf = match format {
                ExportFormat::Dot => dot.into_bytes(),
                ExportFormat::Svg => render_dot(&dot, "svg")?,
                _ => render_dot(&dot, "png")?,
            };
        }
    }
    match output {
        Some(p) => {
            std::fs::write(p, &buf).with_context(|| format!("{}: cannot write", p.display()))?
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(&buf)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn render_dot(dot: &str, format: &str) -> Result<Vec<u8>> {
    let mut child = std::process::Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                anyhow::anyhow!("--format {format} needs GraphViz's `dot` program, which is not installed (apt-get install graphviz), or use --format dot")
            } else {
                anyhow::anyhow!("cannot run GraphViz `dot`: {e}")
            }
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dot.as_bytes())
            .context("writing to GraphViz `dot`")?;
    }
    let out = child
        .wait_with_output()
        .context("waiting for GraphViz `dot`")?;
    if !out.status.success() {
        bail!(
            "GraphViz `dot` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

fn cmd_stats(store_dir: &Path) -> Result<ExitCode> {
    let store = GraphStore::open_read_only(store_dir)?;
    let docs = store.documents()?;
    let rows = store.fact_rows(None)?;
    let entities = store.entity_rows()?;
    let mut out = io::stdout().lock();
    writeln!(out, "documents  {}", docs.len())?;
    writeln!(
        out,
        "sentences  {}",
        docs.iter().map(|d| d.sentences).sum::<usize>()
    )?;
    writeln!(out, "facts      {}", rows.len())?;
    for p in newsgraph::model::Polarity::ALL {
        writeln!(
            out,
            "  {:<9}{}",
            p.as_str(),
            rows.iter().filter(|r| r.polarity == p.as_str()).count()
        )?;
    }
    writeln!(out, "entities   {}", entities.len())?;
    let mut by_type: std::collections::BTreeMap<&str, usize> = Default::default();
    for e in &entities {
        *by_type.entry(e.entity_type.as_str()).or_default() += 1;
    }
    for (t, n) in by_type {
        writeln!(out, "  {t:<16}{n}")?;
    }
    writeln!(out, "quads      {}", store.quad_count()?)?;
    let mut rels: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in &rows {
        *rels.entry(r.relation.as_str()).or_default() += 1;
    }
    let mut rels: Vec<_> = rels.into_iter().collect();
    rels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    writeln!(out, "top relations")?;
    for (r, n) in rels.iter().take(10) {
        writeln!(out, "  {n:>5}  {r}")?;
    }
    let mut ents: Vec<&newsgraph::model::EntityRow> = entities.iter().collect();
    ents.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
    writeln!(out, "top actors by mentions")?;
    for e in ents.iter().take(10) {
        writeln!(out, "  {:>5}  {} ({})", e.mentions, e.label, e.entity_type)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_explain(store_dir: &Path, actor: &str, other: Option<&str>) -> Result<ExitCode> {
    let store = GraphStore::open_read_only(store_dir)?;
    let entities = store.entity_rows()?;
    let a = newsgraph::explain::find_actor(&entities, actor)?;
    let b = other
        .map(|o| newsgraph::explain::find_actor(&entities, o))
        .transpose()?;
    let rows = store.fact_rows(None)?;
    let text = newsgraph::explain::explain(&rows, a, b);
    if text.is_empty() {
        match b {
            Some(b) => eprintln!("newsgraph: no facts between {} and {}", a.label, b.label),
            None => eprintln!("newsgraph: no facts about {}", a.label),
        }
        return Ok(ExitCode::from(1));
    }
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The current UTC time as `xsd:dateTime`, without a date crate: days from the Unix epoch
/// converted with the civil-from-days algorithm.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
