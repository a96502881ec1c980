// Generated from src/calls.rs (the calls core.js makes into the wasm); `cargo test` fails when stale.

// run
export const error = 0;
export const version = 1;
export const validateRules = 2;
export const isSafeUrl = 3;
export const evaluateCondition = 4;
export const evaluateCampaignCondition = 5;
export const evaluateSlotCondition = 6;

// RawEngine.call
export const wants = 0;
export const drain = 1;
export const track = 2;
export const recommend = 3;
export const prompts = 4;
export const promptAction = 5;
export const withdrawal = 6;
export const nextCheck = 7;
export const metrics = 8;
export const explain = 9;
export const state = 10;
export const visitorId = 11;
export const setProfile = 12;
export const setRules = 13;
export const setConsent = 14;
export const identify = 15;
export const endTask = 16;
export const flush = 17;
export const forget = 18;
export const receive = 19;
