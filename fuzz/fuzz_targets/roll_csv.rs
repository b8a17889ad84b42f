//! libFuzzer entry point of the `roll_csv` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::roll_csv(data));
