// Every call into the Rust side goes through this module. Results carry names and codes, never secrets.
// Failures arrive as {kind, message}: branch on kind, show message.

const { invoke } = window.__TAURI__.core;

/** The sample account's names and current code. */
export function sampleCode() {
  return invoke("sample_code");
}
