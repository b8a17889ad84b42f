//! libFuzzer entry point of the `trustee_wire` target (specs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| psephos_fuzz::trustee_wire(data));
