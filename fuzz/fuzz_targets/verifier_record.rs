//! libFuzzer entry point of the `verifier_record` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::verifier_record(data));
