//! Chaum–Pedersen proof of equal discrete logarithms (spec `threshold.md`).
