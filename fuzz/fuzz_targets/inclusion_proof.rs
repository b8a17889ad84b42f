//! libFuzzer entry point of the `inclusion_proof` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::inclusion_proof(data));
