//! "Did you mean": the closest known name to a misspelt one.

/// The candidate most similar to `word`, if any is similar enough to be a
/// plausible typo (Jaro-Winkler similarity of at least 0.8).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let kinds = ["database", "storage", "bucket", "service"];
        assert_eq!(closest("databse", kinds), Some("database"));
        assert_eq!(closest("storge", kinds), Some("storage"));
        assert_eq!(closest("zebra", kinds), None);
    }
}
