//! The `newsgraph` command: parses flags, calls the library, prints. Errors are printed once,
//! here, as `newsgraph: {error}`; exit codes are 0 ok, 1 nothing found, 2 error.

use anyhow::{Context, Result, bail};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use newsgraph::batch;
use newsgraph::export::{self, ActorGraph, GraphFilter};
use newsgraph::ingest;
use newsgraph::query::{self, ResultFormat};
use newsgraph::store::GraphStore;
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
        /// List each document as it is stored (`added ID`, `replaced ID`, `unchanged ID`),
        /// before the summary line.
        #[arg(long, short, conflicts_with = "quiet")]
        list: bool,
        #[command(flatten)]
        batch: BatchArgs,
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
        #[command(flatten)]
        batch: BatchArgs,
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
    /// Trains the named-entity recogniser (PER, ORG, LOC) on Universal NER English-EWT and
    /// writes its model file (rebuild afterwards to embed it); the same data gives the same bytes.
    TrainNer {
        /// Folder holding the UNER *train*.iob2 and *dev*.iob2 files (e.g. ../shared/data/UNER_English-EWT).
        uner_dir: PathBuf,
        /// Gazetteer folder (countries.tsv, organizations.tsv) whose names become features.
        #[arg(long, default_value = "data/gazetteer")]
        gazetteer: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "crates/newsgraph-nlp/models/ner.bin")]
        out: PathBuf,
    },
    /// Scores the shipped named-entity recogniser on a gold UNER IOB2 file: precision, recall
    /// and F1 per label and micro-averaged over exact spans, by sentence and by document.
    EvalNer {
        /// Gold IOB2 file (e.g. ../shared/data/UNER_English-EWT/en_ewt-ud-test.iob2).
        gold: PathBuf,
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
    /// Scores open-IE tuples on the CaRB benchmark: P, R and F1 at the best confidence
    /// threshold, and the area under the precision-recall curve.
    EvalCarb {
        /// System output (sentence, confidence, relation, args..., tab-separated).
        #[arg(required_unless_present = "ours", conflicts_with = "ours")]
        system: Option<PathBuf>,
        /// Gold tuples (sentence, relation, args..., tab-separated).
        #[arg(long, default_value = "../shared/benchmarks/carb/dev_gold.tsv")]
        gold: PathBuf,
        /// Run our extractor on these sentences (one per line) and score its output.
        #[arg(long)]
        ours: Option<PathBuf>,
    },
    /// Serves the store over HTTP: SPARQL 1.1 Protocol at /query (and /update with
    /// --allow-update), Graph Store Protocol reads at /store, a query page at /, the actor
    /// graph at /graph.svg.
    ///
    /// Prints `listening on http://ADDR/` first (with port 0, the port chosen). Without
    /// --allow-update the store is opened read-only and shows it as it was at start.
    Serve {
        /// Address to listen on; the default answers only this machine.
        #[arg(long, default_value = "127.0.0.1:7878")]
        bind: String,
        /// Accept SPARQL updates and Graph Store writes (opens the store read-write).
        #[arg(long)]
        allow_update: bool,
        /// Largest request body, in bytes.
        #[arg(long, default_value_t = 1 << 20)]
        max_body: usize,
        /// Longest a query may run, in seconds.
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
        /// Longest a client may take to send its request, in seconds.
        #[arg(long, default_value_t = 10.0)]
        client_timeout: f64,
        /// Worker threads (requests served at once).
        #[arg(long, default_value_t = 8)]
        workers: usize,
    },
    /// Sends the ontology and every document graph to a remote SPARQL 1.1 store, one Graph
    /// Store Protocol PUT per graph, with retries; graphs already sent (per the push log) are
    /// skipped, so an interrupted push resumes.
    Push {
        /// The remote SPARQL query endpoint (e.g. http://host:7878/query,
        /// http://host:3030/ds/sparql, http://host:7200/repositories/NAME).
        #[arg(long)]
        endpoint: String,
        /// The remote Graph Store Protocol URL (default: derived from --endpoint).
        #[arg(long)]
        graph_store: Option<String>,
        /// Push log (default: STORE.push-log beside the store directory).
        #[arg(long)]
        log: Option<PathBuf>,
        /// Retries per graph, with exponential backoff from half a second.
        #[arg(long, default_value_t = 5)]
        retries: u32,
        /// Timeout of one request, in seconds.
        #[arg(long, default_value_t = 120.0)]
        timeout: f64,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Measures throughput: sentences/s and MB/s of extraction and of ingest into the on-disk
    /// store, on one thread and on all, with peak memory, on a corpus of real sentences built
    /// from the shared data (seeds, CaRB dev, UD English-EWT).
    Bench {
        /// The shared data folder (seeds/, benchmarks/carb/, data/UD_English-EWT/).
        #[arg(long, default_value = "../shared")]
        shared: PathBuf,
        /// Repeat the corpus under new ids until it holds at least this many MB.
        #[arg(long, default_value_t = 0.0)]
        min_mb: f64,
        /// Thread counts to measure (default: 1 and the number of cores).
        #[arg(long, value_delimiter = ',')]
        jobs: Vec<usize>,
        /// Measure only this task.
        #[arg(long, value_enum)]
        only: Option<BenchTask>,
        /// Folder for the corpus and the stores (default: a new temporary folder, removed
        /// afterwards); the corpus stays there for benches/spacy_peer.py.
        #[arg(long)]
        work: Option<PathBuf>,
    },
    /// Prints a shell completion script.
    Completions {
        /// Shell.
        shell: clap_complete::Shell,
    },
}

#[derive(clap::Args, Debug)]
struct BatchArgs {
    /// Worker threads for the analysis (0: one per core). The output does not depend on it.
    #[arg(long, short, default_value_t = 0)]
    jobs: usize,
    /// Only the documents of part I of N (0 <= I < N), chosen by a hash of the document id:
    /// N machines given the same inputs split them, and the N parts make the whole.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
}

impl BatchArgs {
    fn options(&self, progress: bool) -> Result<batch::BatchOptions> {
        Ok(batch::BatchOptions {
            jobs: self.jobs,
            shard: self.shard.as_deref().map(batch::Shard::parse).transpose()?,
            progress,
            list: false,
            read: ingest::ReadOptions::default(),
        })
    }
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
    /// CaRB open-IE tuples; the input is one tokenised sentence per line, not articles.
    Carb,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum BenchTask {
    /// Extraction alone (the pipeline, facts CSV thrown away).
    Extract,
    /// Ingest into a new on-disk store.
    Ingest,
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
            list,
            batch,
            strict_utf8,
        } => cmd_ingest(
            &cli.store,
            &paths,
            &id,
            quiet,
            list,
            &batch,
            ingest::ReadOptions { strict_utf8 },
        ),
        Command::Extract {
            paths,
            format: ExtractFormat::Carb,
            ..
        } => cmd_extract_carb(&paths),
        Command::Extract {
            paths,
            format,
            batch,
        } => cmd_extract(&paths, format, &batch),
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
        Command::TrainNer {
            uner_dir,
            gazetteer,
            out,
        } => {
            let report =
                newsgraph_nlp::ner::train::train_command(&uner_dir, Some(&gazetteer), &out)
                    .map_err(|e| anyhow::anyhow!("training failed: {e}"))?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::EvalNer { gold } => {
            print!(
                "{}",
                newsgraph_nlp::ner::train::eval_command(&gold).map_err(anyhow::Error::msg)?
            );
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
            let mut docs = sources
                .iter()
                .map(|s| ingest::read(s).map(newsgraph::pipeline::analyze))
                .collect::<Result<Vec<_>, _>>()?;
            newsgraph::pipeline::link_batch(&mut docs);
            let report = newsgraph::evaluate::evaluate(&gold, &docs)?;
            print!("{report}");
            if verbose {
                for m in &report.missed {
                    println!("missed  {m}");
                }
                for m in &report.entity_problems {
                    println!("entity  {m}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::EvalCarb { system, gold, ours } => {
            cmd_eval_carb(&gold, system.as_deref(), ours.as_deref())
        }
        Command::Serve {
            bind,
            allow_update,
            max_body,
            timeout,
            client_timeout,
            workers,
        } => {
            let seconds = |flag: &str, v: f64| {
                std::time::Duration::try_from_secs_f64(v)
                    .map_err(|_| anyhow::anyhow!("--{flag} {v}: expected seconds >= 0"))
            };
            let options = newsgraph::serve::ServeOptions {
                allow_update,
                max_body,
                query_timeout: seconds("timeout", timeout)?,
                client_timeout: seconds("client-timeout", client_timeout)?,
                workers,
            };
            let store = if allow_update {
                GraphStore::open(&cli.store)?
            } else {
                GraphStore::open_read_only(&cli.store)?
            };
            let listener = newsgraph::serve::bind(&bind)?;
            let addr = listener.local_addr()?;
            if !newsgraph::serve::is_loopback(&addr) {
                eprintln!(
                    "newsgraph: warning: serving on {addr}, reachable from other machines{}",
                    if allow_update {
                        ", with updates allowed"
                    } else {
                        ""
                    }
                );
            }
            let mut out = io::stdout().lock();
            writeln!(out, "listening on http://{addr}/")?;
            out.flush()?;
            drop(out);
            newsgraph::serve::serve(store, listener, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Push {
            endpoint,
            graph_store,
            log,
            retries,
            timeout,
            quiet,
        } => {
            let store = GraphStore::open_read_only(&cli.store)?;
            let log = log.unwrap_or_else(|| {
                let mut p = cli.store.clone().into_os_string();
                p.push(".push-log");
                PathBuf::from(p)
            });
            let options = newsgraph::push::PushOptions {
                endpoint,
                graph_store,
                log,
                retries,
                backoff: std::time::Duration::from_millis(500),
                timeout: std::time::Duration::try_from_secs_f64(timeout)
                    .map_err(|_| anyhow::anyhow!("--timeout {timeout}: expected seconds >= 0"))?,
            };
            let bar = (!quiet && io::stderr().is_terminal()).then(|| {
                indicatif::ProgressBar::new(0).with_style(
                    indicatif::ProgressStyle::with_template(
                        "{pos}/{len} graphs [{bar:30}] {elapsed}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                )
            });
            let summary = newsgraph::push::push(&store, &options, |done, all| {
                if let Some(b) = &bar {
                    b.set_length(all as u64);
                    b.set_position(done as u64);
                }
            })?;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            for f in &summary.failures {
                eprintln!("newsgraph: {f}");
            }
            if !quiet {
                let remote = summary.remote_documents.map_or_else(
                    || "the endpoint did not say how many document graphs it holds".to_owned(),
                    |n| format!("the endpoint holds {n} document graphs"),
                );
                println!(
                    "{} graphs: {} pushed, {} skipped (already pushed), {} failed, {} retries; {remote}",
                    summary.pushed + summary.skipped + summary.failures.len(),
                    summary.pushed,
                    summary.skipped,
                    summary.failures.len(),
                    summary.retried,
                );
            }
            Ok(if summary.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Command::Bench {
            shared,
            min_mb,
            jobs,
            only,
            work,
        } => cmd_bench(&shared, min_mb, jobs, only, work),
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
    list: bool,
    args: &BatchArgs,
    read_options: ingest::ReadOptions,
) -> Result<ExitCode> {
    let started = Instant::now();
    // The listing and a progress bar would interleave on a terminal.
    let mut options = args.options(!quiet && !list && io::stderr().is_terminal())?;
    options.read = read_options;
    options.list = list;
    let (sources, errors) = ingest::discover(paths, stdin_id);
    let store = GraphStore::open(store_dir)?;
    let mut summary = batch::ingest(&store, &sources, options, &now_rfc3339())
        .with_context(|| format!("cannot write to store {}", store_dir.display()))?;
    let mut failures: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
    failures.append(&mut summary.failures);
    summary.failures = failures;
    for f in &summary.failures {
        eprintln!("newsgraph: {f}");
    }
    if !quiet {
        println!(
            "{} documents: {} added, {} replaced, {} unchanged, {} failed; {} sentences, {} facts, {} entities analysed in {:.2}s",
            summary.documents(),
            summary.added,
            summary.replaced,
            summary.unchanged,
            summary.failures.len(),
            summary.sentences,
            summary.facts,
            summary.entities,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if summary.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn cmd_extract(paths: &[PathBuf], format: ExtractFormat, args: &BatchArgs) -> Result<ExitCode> {
    let options = args.options(false)?;
    let (sources, errors) = ingest::discover(paths, "stdin");
    let format = match format {
        ExtractFormat::Csv => batch::ExtractFormat::Csv,
        ExtractFormat::Jsonl => batch::ExtractFormat::Jsonl,
        ExtractFormat::Nquads => batch::ExtractFormat::Nquads,
        ExtractFormat::Carb => return cmd_extract_carb(paths),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failures: Vec<String> = errors.into_iter().map(|e| e.to_string()).collect();
    failures.extend(batch::extract(&sources, format, options, &mut out)?);
    for f in &failures {
        eprintln!("newsgraph: {f}");
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn cmd_bench(
    shared: &Path,
    min_mb: f64,
    jobs: Vec<usize>,
    only: Option<BenchTask>,
    work: Option<PathBuf>,
) -> Result<ExitCode> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = if jobs.is_empty() {
        let mut j = vec![1, cores];
        j.dedup();
        j
    } else {
        jobs
    };
    let (work, temporary) = match work {
        Some(w) => (w, false),
        None => (
            std::env::temp_dir().join(format!("newsgraph-bench-{}", std::process::id())),
            true,
        ),
    };
    let corpus = newsgraph::bench::build_corpus(
        shared,
        &work.join("corpus"),
        (min_mb.max(0.0) * 1e6) as u64,
    )?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "corpus: {} articles, {} sentences, {:.2} MB in {}; {cores} cores",
        corpus.files.len(),
        corpus.sentences,
        corpus.bytes as f64 / 1e6,
        work.join("corpus").display()
    )?;
    writeln!(
        out,
        "{:<8} {:>4} {:>9} {:>12} {:>8} {:>13} {:>8} {:>16}",
        "task",
        "jobs",
        "seconds",
        "sentences/s",
        "MB/s",
        "peak RSS MiB",
        "CPU s",
        "sentences/CPU-s"
    )?;
    out.flush()?;
    let tasks: Vec<&'static str> = match only {
        Some(BenchTask::Extract) => vec!["extract"],
        Some(BenchTask::Ingest) => vec!["ingest"],
        None => vec!["extract", "ingest"],
    };
    let result = newsgraph::bench::run(&corpus, &work, &jobs, &tasks, |m| {
        let _ = writeln!(
            out,
            "{:<8} {:>4} {:>9.2} {:>12.0} {:>8.3} {:>13.1} {:>8.2} {:>16.0}",
            m.task,
            m.jobs,
            m.seconds,
            m.sentences_per_s,
            m.mb_per_s,
            m.peak_rss_mib,
            m.cpu_seconds,
            corpus.sentences as f64 / m.cpu_seconds.max(1e-9)
        );
        let _ = out.flush();
    });
    if temporary {
        let _ = std::fs::remove_dir_all(&work);
    }
    result?;
    Ok(ExitCode::SUCCESS)
}

fn read_text(p: &Path) -> Result<String> {
    if p.as_os_str() == "-" {
        return read_stdin();
    }
    std::fs::read_to_string(p)
        .with_context(|| format!("{}: cannot read as UTF-8 text", p.display()))
}

fn cmd_extract_carb(paths: &[PathBuf]) -> Result<ExitCode> {
    let analyzer = newsgraph_nlp::Analyzer::embedded();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut failures = Vec::new();
    for p in paths {
        match read_text(p) {
            Ok(text) => {
                let tuples = newsgraph::carb::extract_lines(analyzer, &text);
                newsgraph::carb::write_system(&tuples, &mut out)?;
            }
            Err(e) => failures.push(format!("{e:#}")),
        }
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

fn cmd_eval_carb(gold: &Path, system: Option<&Path>, ours: Option<&Path>) -> Result<ExitCode> {
    let gold_text = read_text(gold)?;
    let gold_tuples = newsgraph::carb::read_gold(&gold.display().to_string(), &gold_text)?;
    let (name, text) = match (system, ours) {
        (_, Some(p)) => {
            let lines = read_text(p)?;
            let tuples =
                newsgraph::carb::extract_lines(newsgraph_nlp::Analyzer::embedded(), &lines);
            let mut buf = Vec::new();
            newsgraph::carb::write_system(&tuples, &mut buf)?;
            (
                p.display().to_string(),
                String::from_utf8_lossy(&buf).into_owned(),
            )
        }
        (Some(p), None) => (p.display().to_string(), read_text(p)?),
        (None, None) => bail!("give a system output file or --ours SENTENCES"),
    };
    let system_tuples = newsgraph::carb::read_system(&name, &text)?;
    let score = newsgraph::carb::score(&gold_tuples, &system_tuples);
    print!("{score}");
    Ok(ExitCode::SUCCESS)
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
