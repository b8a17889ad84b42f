//! Ranked answers: encrypted pairwise matrix with a linear validity proof (spec `ranked.md`).
