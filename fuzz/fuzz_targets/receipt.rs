//! libFuzzer entry point of the `receipt` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::receipt(data));
