//! General world knowledge shipped in `data/`: countries (short forms, demonyms, capitals,
//! Wikidata ids), major organisations, titles, organisation suffixes and group words. Looked
//! up by normalised surface form.

use crate::model::EntityType;
use std::collections::HashMap;
use std::sync::LazyLock;

const COUNTRIES: &str = include_str!("../data/gazetteer/countries.tsv");
const ORGANIZATIONS: &str = include_str!("../data/gazetteer/organizations.tsv");
const TITLES: &str = include_str!("../data/lexicon/titles.tsv");
const ORG_SUFFIXES: &str = include_str!("../data/lexicon/org_suffixes.tsv");
const GROUP_WORDS: &str = include_str!("../data/lexicon/group_words.tsv");
const CITIES: &str = include_str!("../data/gazetteer/cities.tsv");
const PLACES: &str = include_str!("../data/gazetteer/places.tsv");
const SALIENT_HEADS: &str = include_str!("../data/lexicon/salient_heads.tsv");

/// A city or region that is not a country.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// Common English name.
    pub name: String,
    /// Wikidata id.
    pub wikidata: Option<String>,
    /// [`EntityType::City`] or [`EntityType::Place`].
    pub entity_type: EntityType,
    /// The country it lies in, when it lies in one.
    pub country: Option<String>,
}

/// A head noun that makes a description name a salient thing ("the prison", "the talks").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalientHead {
    /// The head as listed (lower case, one or more words).
    pub head: String,
    /// Type of the thing.
    pub entity_type: EntityType,
    /// Coreference class; `*` for a generic head.
    pub class: String,
}

/// A country.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    /// Common English name.
    pub name: String,
    /// Wikidata id.
    pub wikidata: Option<String>,
    /// Capital city.
    pub capital: Option<String>,
}

/// An organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    /// Canonical name.
    pub name: String,
    /// Wikidata id.
    pub wikidata: Option<String>,
    /// Type.
    pub entity_type: EntityType,
}

/// The loaded lists with their lookup tables.
#[derive(Debug, Default)]
pub struct Gazetteer {
    countries: Vec<Country>,
    country_by_form: HashMap<String, usize>,
    country_by_demonym: HashMap<String, usize>,
    capitals: HashMap<String, (String, Option<String>)>,
    capital_country: HashMap<String, usize>,
    organizations: Vec<Organization>,
    org_by_form: HashMap<String, usize>,
    /// Forms written in capitals ("DOE", "U.S."), matched only as written.
    country_acronyms: HashMap<String, usize>,
    org_acronyms: HashMap<String, usize>,
    titles: HashMap<String, String>,
    max_title_words: usize,
    suffixes: HashMap<String, EntityType>,
    group_words: HashMap<String, EntityType>,
    title_gender: HashMap<String, char>,
    capital_titles: std::collections::HashSet<String>,
    places: Vec<Place>,
    place_by_form: HashMap<String, usize>,
    salient: HashMap<String, SalientHead>,
    max_salient_words: usize,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::load);

/// The shipped gazetteer, loaded once.
pub fn gazetteer() -> &'static Gazetteer {
    &GAZETTEER
}

/// Lower-case, `the ` dropped, dots kept, spaces collapsed, curly apostrophes straightened.
pub fn key(s: &str) -> String {
    let s = s.replace(['’', '‘'], "'");
    let words: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    let words = match words.first().map(String::as_str) {
        Some("the") if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

/// True for a form written in capitals ("NATO", "U.S."): at least two letters, none lower-case.
fn is_capitals(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !s.chars().any(char::is_lowercase)
}

fn strip_the(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix("the ")
        .or_else(|| s.strip_prefix("The "))
        .unwrap_or(s)
}

fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn opt(s: Option<&&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(|s| s.to_string())
}

impl Gazetteer {
    fn load() -> Self {
        let mut g = Gazetteer::default();
        for r in rows(COUNTRIES) {
            let Some(name) = r.first().filter(|n| !n.is_empty()) else {
                continue;
            };
            let i = g.countries.len();
            g.countries.push(Country {
                name: name.to_string(),
                wikidata: opt(r.get(1)),
                capital: opt(r.get(4)),
            });
            g.country_by_form.entry(key(name)).or_insert(i);
            for f in r
                .get(2)
                .map(|s| s.split('|'))
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
            {
                if is_capitals(f) {
                    g.country_acronyms.entry(f.to_owned()).or_insert(i);
                } else {
                    g.country_by_form.entry(key(f)).or_insert(i);
                }
            }
            for d in r
                .get(3)
                .map(|s| s.split('|'))
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
            {
                g.country_by_demonym.entry(key(d)).or_insert(i);
            }
            if let Some(cap) = opt(r.get(4)) {
                // "Washington, D.C." is written "Washington" in running text.
                if let Some((short, _)) = cap.split_once(", ") {
                    g.capitals
                        .entry(key(short))
                        .or_insert((cap.clone(), opt(r.get(5))));
                }
                g.capital_country.entry(key(&cap)).or_insert(i);
                g.capitals.entry(key(&cap)).or_insert((cap, opt(r.get(5))));
            }
        }
        for r in rows(ORGANIZATIONS) {
            let Some(name) = r.first().filter(|n| !n.is_empty()) else {
                continue;
            };
            let ty = r
                .get(2)
                .and_then(|t| EntityType::parse(t))
                .unwrap_or(EntityType::Organization);
            let i = g.organizations.len();
            g.organizations.push(Organization {
                name: name.to_string(),
                wikidata: opt(r.get(1)),
                entity_type: ty,
            });
            for a in r
                .get(3)
                .map(|s| s.split('|'))
                .into_iter()
                .flatten()
                .chain(std::iter::once(*name))
                .filter(|s| !s.is_empty())
            {
                if is_capitals(a) {
                    g.org_acronyms.entry(a.to_owned()).or_insert(i);
                } else {
                    g.org_by_form.entry(key(a)).or_insert(i);
                }
            }
        }
        for r in rows(TITLES) {
            if let Some(t) = r.first().filter(|t| !t.is_empty()) {
                g.max_title_words = g.max_title_words.max(t.split_whitespace().count());
                g.titles
                    .insert(key(t), r.get(1).map(|c| c.to_string()).unwrap_or_default());
                if is_capitals(t) {
                    g.capital_titles.insert(t.to_string());
                }
                if let Some(c) = r.get(2).and_then(|c| c.chars().next()) {
                    g.title_gender.insert(key(t), c);
                }
            }
        }
        for r in rows(ORG_SUFFIXES) {
            if let (Some(s), Some(t)) = (r.first(), r.get(1).and_then(|t| EntityType::parse(t))) {
                g.suffixes.insert(s.to_string(), t);
            }
        }
        for r in rows(GROUP_WORDS) {
            if let (Some(w), Some(t)) = (r.first(), r.get(1).and_then(|t| EntityType::parse(t))) {
                g.group_words.insert(w.to_lowercase(), t);
            }
        }
        for tsv in [CITIES, PLACES] {
            for r in rows(tsv) {
                let Some(name) = r.first().filter(|n| !n.is_empty()) else {
                    continue;
                };
                let i = g.places.len();
                g.places.push(Place {
                    name: name.to_string(),
                    wikidata: opt(r.get(1)),
                    entity_type: r
                        .get(2)
                        .and_then(|t| EntityType::parse(t))
                        .unwrap_or(EntityType::Place),
                    country: opt(r.get(3)),
                });
                g.place_by_form.entry(key(name)).or_insert(i);
                for a in r
                    .get(4)
                    .map(|s| s.split('|'))
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                {
                    g.place_by_form.entry(key(a)).or_insert(i);
                }
            }
        }
        for r in rows(SALIENT_HEADS) {
            if let (Some(h), Some(t), Some(c)) = (
                r.first(),
                r.get(1).and_then(|t| EntityType::parse(t)),
                r.get(2),
            ) {
                g.max_salient_words = g.max_salient_words.max(h.split_whitespace().count());
                g.salient.insert(
                    h.to_lowercase(),
                    SalientHead {
                        head: h.to_lowercase(),
                        entity_type: t,
                        class: c.to_string(),
                    },
                );
            }
        }
        g
    }

    /// A city or region (not a capital: see [`Gazetteer::capital`]).
    pub fn place(&self, surface: &str) -> Option<&Place> {
        self.place_by_form
            .get(&key(surface))
            .map(|&i| &self.places[i])
    }

    /// The country whose capital this is.
    pub fn country_of_capital(&self, capital: &str) -> Option<&Country> {
        self.capital_country
            .get(&key(capital))
            .map(|&i| &self.countries[i])
    }

    /// True for a title written in capitals in the lexicon ("CEO").
    pub fn is_capital_title(&self, word: &str) -> bool {
        self.capital_titles.contains(word)
    }

    /// The gender a title implies (`m` or `f`), if it implies one.
    pub fn title_gender(&self, title: &str) -> Option<char> {
        self.title_gender.get(&key(title)).copied()
    }

    /// The longest salient head that `words` (lower case) start with, and its length in words.
    pub fn salient_head(&self, words: &[&str]) -> Option<(&SalientHead, usize)> {
        (1..=self.max_salient_words.min(words.len()))
            .rev()
            .find_map(|n| self.salient.get(&words[..n].join(" ")).map(|h| (h, n)))
    }

    /// The country named by a name or short form ("U.S.", "Britain"); forms in capitals
    /// match only as written ("US", not "us").
    pub fn country(&self, surface: &str) -> Option<&Country> {
        self.country_acronyms
            .get(strip_the(surface))
            .or_else(|| self.country_by_form.get(&key(surface)))
            .map(|&i| &self.countries[i])
    }

    /// The country of a demonym ("French", "Ruritanian").
    pub fn country_by_demonym(&self, word: &str) -> Option<&Country> {
        self.country_by_demonym
            .get(&key(word))
            .map(|&i| &self.countries[i])
    }

    /// A capital city: (name, Wikidata id).
    pub fn capital(&self, surface: &str) -> Option<&(String, Option<String>)> {
        self.capitals.get(&key(surface))
    }

    /// The organisation named by a name or alias; acronyms match only as written ("DOE",
    /// not "Doe").
    pub fn organization(&self, surface: &str) -> Option<&Organization> {
        self.org_acronyms
            .get(strip_the(surface))
            .or_else(|| self.org_by_form.get(&key(surface)))
            .map(|&i| &self.organizations[i])
    }

    /// The number of leading words of `words` that form the longest known title, if any.
    pub fn title_prefix(&self, words: &[&str]) -> Option<usize> {
        (1..=self.max_title_words.min(words.len()))
            .rev()
            .find(|&n| self.titles.contains_key(&key(&words[..n].join(" "))))
    }

    /// The category of a title (`head_of_state`, `minister`, ...).
    pub fn title_category(&self, title: &str) -> Option<&str> {
        self.titles.get(&key(title)).map(String::as_str)
    }

    /// The type an organisation suffix or head word gives ("Inc." → organisation).
    pub fn org_suffix(&self, word: &str) -> Option<EntityType> {
        self.suffixes.get(word).copied()
    }

    /// The type a lower-case group noun gives ("gang" → criminal group).
    pub fn group_word(&self, word: &str) -> Option<EntityType> {
        self.group_words.get(word).copied()
    }

    /// True for nouns that name a country's government ("government", "administration").
    pub fn is_government_word(&self, lower: &str) -> bool {
        matches!(
            lower,
            "government" | "administration" | "authorities" | "cabinet" | "regime" | "state"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_load_and_answer() {
        let g = gazetteer();
        assert!(g.countries.len() >= 190, "{} countries", g.countries.len());
        assert_eq!(
            g.country("the U.S.").map(|c| c.name.as_str()),
            Some("United States")
        );
        assert_eq!(
            g.country("France").and_then(|c| c.wikidata.as_deref()),
            Some("Q142")
        );
        assert_eq!(
            g.country_by_demonym("French").map(|c| c.name.as_str()),
            Some("France")
        );
        assert_eq!(
            g.title_prefix(&["Secretary", "of", "State", "Jane", "Doe"]),
            Some(3)
        );
        assert_eq!(g.title_prefix(&["Jane", "Doe"]), None);
        assert_eq!(
            g.organization("NATO").map(|o| o.entity_type),
            Some(EntityType::Organization)
        );
    }
}
