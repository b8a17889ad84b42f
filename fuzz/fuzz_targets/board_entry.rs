//! libFuzzer entry point of the `board_entry` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::board_entry(data));
