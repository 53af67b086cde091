//! THE stemmer: one light English suffix stripper shared by every query-aware rule.

use super::words::lower_word;

/// The stem of a lowercased word (see [`stem_in_place`]), so inflections of a question word
/// still match: `licensing`, `licensed`, `license` → `licens`; `moved`, `moves` → `mov`.
pub(crate) fn stem(word: &str) -> String {
    let mut s = word.to_owned();
    stem_in_place(&mut s);
    s
}

/// The stem of `word` lowercased, built in `buf` (no allocation once `buf` has grown).
pub(crate) fn stem_word<'b>(word: &str, buf: &'b mut String) -> &'b str {
    lower_word(word, buf);
    stem_in_place(buf);
    buf
}

/// THE stemmer: a light English suffix stripper, in place: plurals, `-ation`, `-ed`, `-ing`
/// (doubled consonants undone), and a final silent `e` (so `license` meets `licensed`).
pub(super) fn stem_in_place(s: &mut String) {
    if !s.is_ascii() || s.len() <= 3 {
        return;
    }
    if s.ends_with("ies") && s.len() >= 5 {
        s.truncate(s.len() - 3);
        s.push('y');
    } else if s.ends_with("sses") {
        s.truncate(s.len() - 2);
    } else if s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us") && !s.ends_with("is") {
        s.truncate(s.len() - 1);
    }
    if s.len() >= 9 && s.ends_with("ation") {
        s.truncate(s.len() - 5);
    }
    for suffix in ["ing", "ed"] {
        let base = s.len().saturating_sub(suffix.len());
        // The suffix first: the vowel scan is the costly test.
        if s.len() > suffix.len() + 2
            && s.ends_with(suffix)
            && s.get(..base).is_some_and(|b| b.bytes().any(|c| b"aeiouy".contains(&c)))
        {
            s.truncate(base);
            let b = s.as_bytes();
            let n = b.len();
            if n >= 2 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'e' | b'o') {
                s.truncate(n - 1);
            }
            break;
        }
    }
    if s.len() >= 4 && s.ends_with('e') && !s.ends_with("ee") {
        s.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_join_inflections() {
        for (a, b) in
            [("licensing", "license"), ("licensed", "license"), ("moved", "move"), ("forks", "fork")]
        {
            assert_eq!(stem(a), stem(b), "{a} vs {b}");
        }
        assert_eq!(stem("process"), "process");
        assert_eq!(stem("yes"), "yes");
    }
}
