//! Schnorr proof of knowledge of a discrete logarithm (spec `threshold.md`).
