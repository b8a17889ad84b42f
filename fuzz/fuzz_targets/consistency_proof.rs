//! libFuzzer entry point of the `consistency_proof` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::consistency_proof(data));
