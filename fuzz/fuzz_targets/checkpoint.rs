//! libFuzzer entry point of the `checkpoint` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::checkpoint(data));
