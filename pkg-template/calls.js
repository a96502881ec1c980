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
export const drain = 0;
export const recommend = 1;
export const prompts = 2;
export const withdrawal = 3;
export const nextCheck = 4;
export const metrics = 5;
export const explain = 6;
export const state = 7;
export const visitorId = 8;
export const setProfile = 9;
export const setRules = 10;

// RawEngine.act
export const wants = 0;
export const track = 1;
export const promptAction = 2;
export const setConsent = 3;
export const identify = 4;
export const endTask = 5;
export const flush = 6;
export const forget = 7;
export const receive = 8;
