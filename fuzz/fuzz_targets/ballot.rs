//! libFuzzer entry point of the `ballot` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::ballot(data));
