//! Bounded discrete logarithm by baby-step giant-step (spec `threshold.md`).
