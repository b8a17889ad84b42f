//! Result methods: from decrypted totals to outcomes (spec `results.md`).
