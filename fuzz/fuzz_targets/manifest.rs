//! libFuzzer entry point of the `manifest` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::manifest(data));
