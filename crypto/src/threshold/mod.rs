//! Threshold key ceremony and verifiable decryption (spec `threshold.md`).
