//! libFuzzer entry point of the `threshold_messages` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::threshold_messages(data));
